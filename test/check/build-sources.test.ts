import { describe, expect, it } from 'vitest';
import { buildSourceFindings, imageBuilds } from '../../src/check/build-sources.js';
import { filesFromMap } from '../../src/detect/repo-files.js';

const BUILD_STEP = (withBlock: string) => `name: build
on: push
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/setup-buildx-action@${'a'.repeat(40)} # v4.3.0
      - uses: docker/build-push-action@${'b'.repeat(40)} # v7.3.0
        with:
${withBlock}
`;

describe('imageBuilds', () => {
  it("reads each build-push-action step's Dockerfile and context, once per distinct build", () => {
    const workflows = new Map([
      ['.github/workflows/_build.yml', BUILD_STEP('          context: services/api\n          file: services/api/Dockerfile')],
      ['.github/workflows/other.yml', BUILD_STEP('          context: ./services/api/\n          file: ./services/api/Dockerfile')],
      ['.github/workflows/root.yml', BUILD_STEP('          push: false')],
    ]);
    expect(imageBuilds(workflows)).toEqual([
      { dockerfile: 'services/api/Dockerfile', context: 'services/api' },
      { dockerfile: 'Dockerfile', context: '.' },
    ]);
  });

  it('skips builds whose paths are expressions or leave the repository, and workflows that do not parse', () => {
    const workflows = new Map([
      ['a.yml', BUILD_STEP('          context: ${{ inputs.context }}')],
      ['c.yml', BUILD_STEP('          context: ../elsewhere')],
      ['d.yml', BUILD_STEP('          context: .\n          file: /etc/Dockerfile')],
      ['b.yml', 'jobs: [unclosed'],
    ]);
    expect(imageBuilds(workflows)).toEqual([]);
  });
});

describe('buildSourceFindings', () => {
  const DOCKERFILE = `# syntax=docker/dockerfile:1
FROM node:22 AS deps
WORKDIR /app
RUN --mount=type=bind,source=package.json,target=package.json \\
    --mount=type=bind,source=package-lock.json,target=package-lock.json \\
    --mount=type=cache,target=/root/.npm \\
    npm ci
COPY tsconfig.json yarn.lock* ./
COPY ["src", "/app/src"]
COPY --from=deps /app/node_modules ./node_modules
COPY \${CONFIG_DIR} ./config
RUN --mount=type=bind,from=deps,source=/app/x,target=/x true
`;
  const repo = (extra: Record<string, string> = {}) =>
    filesFromMap({ 'api/Dockerfile': DOCKERFILE, 'api/package.json': '{}', 'api/package-lock.json': '{}', 'api/tsconfig.json': '{}', 'api/src/index.ts': '', ...extra });
  const build = { dockerfile: 'api/Dockerfile', context: 'api' };
  const messages = (files: ReturnType<typeof repo>) => buildSourceFindings(build, files).map((f) => `${f.line}: ${f.message}`);

  it('is quiet when every source is in the context (a wildcard may match nothing; --from, variables are not the context)', () => {
    expect(messages(repo())).toEqual([]);
  });

  it('reports a COPY source or bind mount missing from the context, at its instruction', () => {
    const files = filesFromMap({ 'api/Dockerfile': DOCKERFILE, 'api/package.json': '{}', 'api/src/index.ts': '' });
    expect(messages(files)).toEqual([
      '4: RUN reads package-lock.json from the build context (api), which has no such file: the image build fails',
      '8: COPY reads tsconfig.json from the build context (api), which has no such file: the image build fails',
    ]);
  });

  it("reports a source the ignore file leaves out: the Dockerfile's own first, else the context's", () => {
    expect(messages(repo({ 'api/.dockerignore': 'src\n' }))).toEqual(['9: COPY reads src from the build context (api), which leaves it out (api/.dockerignore): the image build fails']);
    // The Dockerfile's own ignore file wins: the context's is not read.
    expect(messages(repo({ 'api/.dockerignore': 'src\n', 'api/Dockerfile.dockerignore': 'node_modules\n' }))).toEqual([]);
    expect(messages(repo({ 'api/Dockerfile.dockerignore': '*.json\n!package*.json\n' }))).toEqual([
      '8: COPY reads tsconfig.json from the build context (api), which leaves it out (api/Dockerfile.dockerignore): the image build fails',
    ]);
  });
});
