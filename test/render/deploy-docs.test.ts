import { describe, expect, it } from 'vitest';
import { renderStack } from '../../src/render/plop-bridge.js';
import type { Tree } from '../../src/plan/tree.js';
import { buildStack } from '../../src/stack/build-stack.js';
import { pipelineAnswers, pipelineFacts } from './pipeline-fixtures.js';

// What the generated docs and runbooks tell the reader to run: the names,
// commands and settings must be the ones this stack actually has.

const content = (tree: Tree, path: string): string => {
  const file = tree.read(path);
  if (!file) throw new Error(`${path} not rendered`);
  return file.content;
};

describe('workflow names taken by the repository', () => {
  const taken = ['.github/workflows/ci.yml', '.github/workflows/deploy.yml', '.github/workflows/rollback.yml'];

  it.each(['aws', 'gcp', 'azure'] as const)('%s: the runbooks and monitoring.md name the devops-stack-* workflows the pipeline wrote', async (cloud) => {
    const tree = await renderStack(buildStack(pipelineAnswers({ language: 'node', cloud }), pipelineFacts('npm', taken)), 'stack');
    for (const name of ['ci', 'deploy', 'rollback']) expect(tree.read(`.github/workflows/devops-stack-${name}.yml`), name).toBeDefined();
    const runbooks = tree.paths().filter((p) => p.startsWith('docs/runbooks/'));
    expect(runbooks.length).toBeGreaterThan(0);
    const text = runbooks.map((p) => content(tree, p)).join('\n');
    expect(text).toContain('gh workflow run devops-stack-rollback.yml -f environment=production');
    expect(text).toContain('gh run list --workflow devops-stack-deploy.yml --limit 5');
    // The user's own workflows are never the ones the runbooks send an on-call engineer to.
    expect(text).not.toMatch(/gh workflow run rollback\.yml|--workflow deploy\.yml/);
    const monitoring = content(tree, 'docs/deploy/monitoring.md');
    expect(monitoring).toContain('job `monitoring` of `.github/workflows/devops-stack-ci.yml`');
    expect(monitoring).not.toContain('.github/workflows/ci.yml');
  });

  it('with the names free, the runbooks name ci.yml, deploy.yml and rollback.yml', async () => {
    const tree = await renderStack(buildStack(pipelineAnswers({ language: 'node', cloud: 'aws' }), pipelineFacts('npm')), 'stack');
    const text = content(tree, 'docs/runbooks/HighErrorRatio.md');
    expect(text).toContain('gh workflow run rollback.yml -f environment=production');
    expect(text).toContain('gh run list --workflow deploy.yml --limit 5');
    expect(content(tree, 'docs/deploy/monitoring.md')).toContain('`.github/workflows/ci.yml`');
  });
});
