import { describe, expect, it } from 'vitest';
import type { Language } from '../../src/answers/options.js';
import type { NodeTestRunner, PackageManager } from '../../src/detect/types.js';
import { testCommand } from '../../src/stack/test-reports.js';
import { pipelineAnswers, pipelineFacts } from '../render/pipeline-fixtures.js';

/** The test step for a package manager's fixture, with the Node runner and plugins given. */
function step(pm: PackageManager, command: string, over: { runner?: NodeTestRunner | null; plugins?: string[]; runtimeVersion?: string; pytestCov?: boolean; dirPrefix?: string } = {}) {
  const facts = pipelineFacts(pm);
  if (facts.node) facts.node = { ...facts.node, testRunner: over.runner === undefined ? facts.node.testRunner : over.runner, testPlugins: over.plugins ?? facts.node.testPlugins };
  if (facts.python && over.pytestCov !== undefined) facts.python = { ...facts.python, pytestCov: over.pytestCov };
  if (over.runtimeVersion) facts.runtimeVersion = over.runtimeVersion;
  const language = facts.language as Language;
  return testCommand(pipelineAnswers({ language, cloud: 'aws' }), facts, command, over.dirPrefix ?? '');
}

describe('test reports', () => {
  it('node: each runner writes JUnit XML and coverage into the report directory, through the script', () => {
    const nodeTest = step('npm', 'npm test', { runner: 'node-test' });
    expect(nodeTest.run).toMatch(/^mkdir -p "\$RUNNER_TEMP\/test-reports"\nnpm test -- \\\n/);
    expect(nodeTest.run).toContain('--test-reporter=junit --test-reporter-destination="$RUNNER_TEMP/test-reports/junit.xml"');
    expect(nodeTest.run).toContain('--experimental-test-coverage');
    expect(nodeTest.report).toEqual({ paths: ['${{ runner.temp }}/test-reports/'], required: true, contents: 'JUnit XML and lcov coverage' });

    // pnpm passes what follows the script name; no `--`.
    const vitest = step('pnpm', 'pnpm test', { runner: 'vitest', plugins: [] });
    expect(vitest.run).toContain('pnpm run test \\\n  --reporter=default --reporter=junit');
    expect(vitest.run).not.toContain('--coverage');
    expect(step('pnpm', 'pnpm test', { runner: 'vitest', plugins: ['@vitest/coverage-v8'] }).run).toContain('--coverage.enabled');

    const jest = step('yarn', 'yarn test', { runner: 'jest', plugins: [] });
    expect(jest.run).toContain('--ci --coverage --coverageDirectory="$RUNNER_TEMP/test-reports/coverage"');
    expect(jest.run).not.toContain('jest-junit');
    expect(step('yarn', 'yarn test', { runner: 'jest', plugins: ['jest-junit'] }).run).toContain('JEST_JUNIT_OUTPUT_DIR="$RUNNER_TEMP/test-reports" yarn test');
  });

  it('node: no report for an unknown runner, a command other than the test script, or node:test before Node 20', () => {
    expect(step('npm', 'npm test', { runner: null })).toEqual({ run: 'npm test', report: null });
    expect(step('npm', 'npm run test:ci', { runner: 'vitest' })).toEqual({ run: 'npm run test:ci', report: null });
    expect(step('npm', 'npm test', { runner: 'node-test', runtimeVersion: '18' }).report).toBeNull();
    expect(step('npm', 'npm test', { runner: 'node-test', runtimeVersion: '20.9' }).report).toBeNull();
    expect(step('npm', 'npm test', { runner: 'node-test', runtimeVersion: '20' }).report).not.toBeNull();
  });

  it('python: pytest writes JUnit XML, and coverage XML with pytest-cov; other commands are left alone', () => {
    const plain = step('pip', 'python -m pytest', { pytestCov: false });
    expect(plain.run).toBe('mkdir -p "$RUNNER_TEMP/test-reports"\npython -m pytest --junitxml="$RUNNER_TEMP/test-reports/junit.xml"');
    expect(step('uv', 'uv run pytest', { pytestCov: true }).run).toContain('uv run pytest --junitxml="$RUNNER_TEMP/test-reports/junit.xml" --cov --cov-report=term --cov-report=xml:');
    expect(step('pip', 'python manage.py test').report).toBeNull();
  });

  it('go: a coverage profile and the JSON test events, keeping the command’s own flags', () => {
    const go = step('go', 'go test -race ./...');
    expect(go.run).toContain('go test -json -coverprofile="$RUNNER_TEMP/test-reports/coverage.out" -race ./... \\\n  | tee "$RUNNER_TEMP/test-reports/go-test.json" \\\n  | jq');
    expect(step('go', 'make test').report).toBeNull();
  });

  it('java: the build tool’s own report directories under the service directory, optional', () => {
    expect(step('maven', './mvnw verify', { dirPrefix: 'services/api/' })).toEqual({
      run: './mvnw verify',
      report: {
        paths: ['services/api/target/surefire-reports/', 'services/api/target/failsafe-reports/', 'services/api/target/site/jacoco/'],
        required: false,
        contents: 'Surefire/Failsafe JUnit XML, and JaCoCo coverage when the build configures it',
      },
    });
    expect(step('gradle', 'gradle test').report?.paths[0]).toBe('build/test-results/');
  });
});
