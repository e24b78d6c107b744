import { describe, expect, it } from 'vitest';
import { reusableCallFindings } from '../../src/check/workflow-calls.js';

const called = `on:
  workflow_call: {}
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      security-events: write
    steps:
      - run: echo build
`;

const caller = (permissions: string) => `on: push
permissions:
  contents: read
jobs:
  build:
${permissions}    uses: ./.github/workflows/_build.yml
`;

const check = (callerText: string, calledText = called) =>
  reusableCallFindings(new Map([['.github/workflows/ci.yml', callerText], ['.github/workflows/_build.yml', calledText]])).map((f) => f.message);

describe('reusableCallFindings', () => {
  it('accepts a caller that grants what the called jobs ask for', () => {
    expect(check(caller('    permissions:\n      contents: read\n      security-events: write\n'))).toEqual([]);
    expect(check(caller('    permissions: write-all\n'))).toEqual([]);
  });

  it('reports a scope the called job asks for and the caller does not grant (GitHub rejects the run)', () => {
    expect(check(caller('    permissions:\n      contents: read\n'))).toEqual([
      'job "build" calls .github/workflows/_build.yml, whose job "build" asks for security-events: write, but "build" grants none',
    ]);
    // Without job permissions the caller's workflow-level ones apply.
    expect(check(caller(''))).toHaveLength(1);
    expect(check(caller('    permissions:\n      contents: read\n      security-events: read\n'))[0]).toContain('but "build" grants read');
  });

  it('falls back to the called workflow-level permissions, and ignores calls it cannot resolve', () => {
    const workflowLevel = called.replace('permissions: {}\n', 'permissions:\n  packages: write\n').replace(/    permissions:\n(      .*\n)+/, '');
    expect(check(caller('    permissions:\n      contents: read\n'), workflowLevel)).toEqual([
      'job "build" calls .github/workflows/_build.yml, whose job "build" asks for packages: write, but "build" grants none',
    ]);
    expect(reusableCallFindings(new Map([['.github/workflows/ci.yml', caller('')]]))).toEqual([]);
    expect(reusableCallFindings(new Map([['.github/workflows/ci.yml', caller('').replace('./.github/workflows/_build.yml', 'org/repo/.github/workflows/x.yml@v1')]]))).toEqual([]);
  });
});
