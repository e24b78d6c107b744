import type { Answers } from '../answers/options.js';
import { javaBuildTool } from '../detect/java-build.js';
import { testScript, type NodePm } from '../detect/node-pm.js';
import type { RepoFacts } from '../detect/types.js';

/**
 * Test reports (JUnit XML) and coverage from CI's test job, uploaded as an
 * artifact (checklist 3.3). Where the runner is known, the test command gets
 * the flags that write them into REPORT_DIR; Java's build tools write theirs
 * by themselves. A test command we cannot extend (a custom script) gets no
 * upload: there would be nothing to upload.
 */

/** Where report flags write, in the shell of a `run:` step, and as the upload step's path. */
const REPORT_DIR = '$RUNNER_TEMP/test-reports';
const REPORT_DIR_EXPR = '${{ runner.temp }}/test-reports/';

export interface TestReport {
  /** Paths (globs) the upload step takes, as upload-artifact reads them (from the repository root). */
  paths: string[];
  /** The files are written whenever the tests run, so a missing one is an error; false: they depend on the project (Java). */
  required: boolean;
  /** What the reports are, for the docs ("JUnit XML and lcov coverage"). */
  contents: string;
}

export interface TestCommand {
  /** The test step's script. */
  run: string;
  report: TestReport | null;
}

/** `command` as is, with no report. */
const plain = (run: string): TestCommand => ({ run, report: null });

/** `command`, writing `contents` into REPORT_DIR (created first). */
const intoReportDir = (run: string, contents: string): TestCommand => ({
  run: `mkdir -p "${REPORT_DIR}"\n${run}`,
  report: { paths: [REPORT_DIR_EXPR], required: true, contents },
});

/**
 * The test step for `command` (detected or our default) with report flags
 * where we know the runner. `dirPrefix` is the service directory ('' or 'services/api/').
 */
export function testCommand(answers: Answers, facts: RepoFacts, command: string, dirPrefix: string): TestCommand {
  switch (answers.language) {
    case 'node':
      return nodeTests(facts, command);
    case 'python':
      return pythonTests(facts, command);
    case 'go':
      return goTests(command);
    case 'java':
      return javaTests(facts, dirPrefix, command);
  }
}

/** `npm test` (or the pm's equivalent) calling a known runner: its own reporters and coverage. */
function nodeTests(facts: RepoFacts, command: string): TestCommand {
  const runner = facts.node?.testRunner ?? null;
  const pm = (facts.packageManager ?? 'npm') as NodePm;
  const viaScript = command === testScript(pm);
  // node:test's junit and lcov reporters came in Node 20.10 and 20.11.
  const [major = 22, minor] = (facts.runtimeVersion ?? '22').split('.').map((n) => Number.parseInt(n, 10));
  const oldNode = major < 20 || (major === 20 && minor !== undefined && minor < 11);
  if (runner === null || !viaScript || (runner === 'node-test' && oldNode)) return plain(command);
  const plugins = new Set(facts.node?.testPlugins ?? []);
  // One reporter (or option group) per line.
  const flags: string[] = [];
  let env = '';
  let contents = 'JUnit XML and lcov coverage';
  switch (runner) {
    case 'node-test':
      flags.push(
        '--test-reporter=spec --test-reporter-destination=stdout',
        `--test-reporter=junit --test-reporter-destination="${REPORT_DIR}/junit.xml"`,
        `--experimental-test-coverage --test-reporter=lcov --test-reporter-destination="${REPORT_DIR}/lcov.info"`,
      );
      break;
    case 'vitest':
      flags.push(`--reporter=default --reporter=junit --outputFile.junit="${REPORT_DIR}/junit.xml"`);
      // Coverage needs a provider package; without one vitest would ask to install it.
      if (plugins.has('@vitest/coverage-v8') || plugins.has('@vitest/coverage-istanbul')) {
        flags.push(`--coverage.enabled --coverage.reporter=text --coverage.reporter=lcov --coverage.reportsDirectory="${REPORT_DIR}/coverage"`);
      } else {
        contents = 'JUnit XML (add @vitest/coverage-v8 for coverage)';
      }
      break;
    case 'jest':
      // Coverage is built in; JUnit XML needs jest-junit.
      flags.push(`--ci --coverage --coverageDirectory="${REPORT_DIR}/coverage"`);
      if (plugins.has('jest-junit')) {
        flags.push('--reporters=default --reporters=jest-junit');
        env = `JEST_JUNIT_OUTPUT_DIR="${REPORT_DIR}" `;
      } else {
        contents = 'coverage (add jest-junit for JUnit XML)';
      }
      break;
  }
  // npm passes what follows `--` to the script; pnpm, yarn and bun pass what follows the
  // script name, but pnpm 8 and 9 refuse unknown options after the `pnpm test` shorthand.
  const script = pm === 'pnpm' ? 'pnpm run test' : command;
  return intoReportDir([`${env}${script}${pm === 'npm' ? ' --' : ''}`, ...flags].join(' \\\n  '), contents);
}

/** pytest: JUnit XML always (built in), coverage XML with pytest-cov. */
function pythonTests(facts: RepoFacts, command: string): TestCommand {
  if (!/(^|\s)pytest$/.test(command)) return plain(command);
  const cov = facts.python?.pytestCov === true;
  const covFlags = cov ? ` --cov --cov-report=term --cov-report=xml:"${REPORT_DIR}/coverage.xml"` : '';
  return intoReportDir(`${command} --junitxml="${REPORT_DIR}/junit.xml"${covFlags}`, cov ? 'JUnit XML and Cobertura coverage' : 'JUnit XML (add pytest-cov for coverage)');
}

/**
 * go test: a coverage profile, and the machine-readable test events
 * (`go test -json`: Go has no JUnit writer of its own), printed back as the
 * usual output for the log. The workflow's bash has pipefail: a failing test
 * fails the step through the pipe.
 */
function goTests(command: string): TestCommand {
  const m = /^go test(\s.*)?$/.exec(command);
  if (!m) return plain(command);
  const run = `go test -json -coverprofile="${REPORT_DIR}/coverage.out"${m[1] ?? ''} \\\n  | tee "${REPORT_DIR}/go-test.json" \\\n  | jq -j 'select(.Action == "output" or .Action == "build-output") | .Output'`;
  return intoReportDir(run, 'the test events (go test -json) and a coverage profile');
}

/** Maven and Gradle write JUnit XML (and JaCoCo, when configured) by themselves. */
function javaTests(facts: RepoFacts, dirPrefix: string, command: string): TestCommand {
  const gradle = javaBuildTool(facts) === 'gradle';
  const dirs = gradle
    ? ['build/test-results/', 'build/reports/tests/', 'build/reports/jacoco/']
    : ['target/surefire-reports/', 'target/failsafe-reports/', 'target/site/jacoco/'];
  // A project without tests has no reports: not an error.
  const contents = `${gradle ? 'Gradle' : 'Surefire/Failsafe'} JUnit XML, and JaCoCo coverage when the build configures it`;
  return { run: command, report: { paths: dirs.map((d) => `${dirPrefix}${d}`), required: false, contents } };
}
