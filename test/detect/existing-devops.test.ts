import { describe, expect, it } from 'vitest';
import { detectExistingDevops } from '../../src/detect/existing-devops.js';
import { filesFromMap } from '../../src/detect/repo-files.js';

describe('detectExistingDevops', () => {
  const files = filesFromMap({
    Dockerfile: 'FROM node:22',
    'Dockerfile.dev': '',
    'api.dockerfile': '',
    'Dockerfiles.md': '',
    '.dockerignore': '',
    'docker-compose.yml': '',
    'docker-compose.prod.yaml': '',
    'compose.yaml': '',
    'composer.json': '{}',
    '.github/workflows/ci.yml': '',
    '.github/workflows/release.yaml': '',
    '.github/workflows/README.md': '',
    '.github/dependabot.yml': '',
    'main.tf': '',
    'infra/envs/prod/main.tf': '',
    'infra/modules/a/b/c/too-deep.tf': '',
    'infra/.terraform/modules/x/main.tf': '',
    'terraform/env/staging/backend.tf': '',
    'deploy/variables.tf': '',
    'src/notes.tf': '',
    'monitoring/alerts.yml': 'groups:\n  - name: api\n',
    'monitoring/prometheus.yaml': 'global: {}\nscrape_configs:\n  - job_name: api\n',
    'monitoring/grafana.yml': 'apiVersion: 1\n',
    'services/api/Dockerfile': '',
    'services/api/prometheus/rules.yml': 'groups: []\n',
  });

  it('finds everything at the root, ignoring look-alikes and caches', () => {
    const e = detectExistingDevops(files, '.');
    expect(e.dockerfile).toEqual(['Dockerfile', 'Dockerfile.dev', 'api.dockerfile']);
    expect(e.dockerignore).toEqual(['.dockerignore']);
    expect(e.compose).toEqual(['compose.yaml', 'docker-compose.prod.yaml', 'docker-compose.yml']);
    expect(e.workflows).toEqual(['.github/workflows/ci.yml', '.github/workflows/release.yaml']);
    expect(e.dependabot).toEqual(['.github/dependabot.yml']);
    expect(e.terraform).toEqual(['deploy/variables.tf', 'infra/envs/prod/main.tf', 'main.tf', 'terraform/env/staging/backend.tf']);
    expect(e.prometheus).toEqual(['monitoring/alerts.yml', 'monitoring/prometheus.yaml']);
  });

  it('also looks in the app dir of a monorepo', () => {
    const e = detectExistingDevops(files, 'services/api');
    expect(e.dockerfile).toContain('services/api/Dockerfile');
    expect(e.prometheus).toContain('services/api/prometheus/rules.yml');
  });

  it('is all empty for a bare repository', () => {
    expect(detectExistingDevops(filesFromMap({ 'README.md': '' }), '.')).toEqual({
      dockerfile: [], dockerignore: [], compose: [], workflows: [], terraform: [], prometheus: [], dependabot: [],
    });
  });
});
