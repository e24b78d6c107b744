import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { Language } from '../../src/answers/options.js';
import { hasBinary } from '../../src/check/promtool.js';
import type { PackageManager } from '../../src/detect/types.js';
import { renderStack } from '../../src/render/plop-bridge.js';
import { buildStack } from '../../src/stack/build-stack.js';
import { runStepScript } from '../helpers/run-step.js';
import { noTestsFacts, pipelineAnswers, pipelineFacts } from './pipeline-fixtures.js';

/**
 * The CI test job's Test step, run for real in a small project of each
 * language whose tools are on PATH: it writes the files the upload step
 * takes, and a failing test still fails the step.
 */
const root = mkdtempSync(join(tmpdir(), 'test-reports-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Step { name?: string; run?: string; uses?: string; with?: Record<string, string> }

async function testJob(pm: PackageManager): Promise<{ run: string; upload: Step }> {
  const facts = pipelineFacts(pm);
  const stack = buildStack(pipelineAnswers({ language: facts.language as Language, cloud: 'aws' }), facts);
  const tree = await renderStack(stack, 'pipeline');
  const doc = parseYaml(tree.read('.github/workflows/ci.yml')!.content) as { jobs: { test: { steps: Step[] } } };
  const steps = doc.jobs.test.steps;
  const test = steps.find((s) => s.name === 'Test')!;
  const upload = steps[steps.indexOf(test) + 1]!;
  return { run: test.run!, upload };
}

/** Runs `script` as GitHub's bash shell does (-e, pipefail) in `dir`; the reports land in a fresh RUNNER_TEMP. */
function runStep(dir: string, script: string): { status: number | null; reports: string; output: string } {
  const runnerTemp = mkdtempSync(join(root, 'runner-temp-'));
  const r = runStepScript(script, { cwd: dir, env: { ...process.env, RUNNER_TEMP: runnerTemp, GOTOOLCHAIN: 'local' } });
  return { status: r.status, reports: join(runnerTemp, 'test-reports'), output: r.stdout + r.stderr };
}

function project(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

// `go version`, not --version.
const hasGo = spawnSync('go', ['version']).status === 0;
const hasJq = await hasBinary('jq');
const hasPytest = (await hasBinary('pytest')) && spawnSync('pytest', ['--version']).status === 0;

describe('test reports, written by the generated Test step', () => {
  it('node:test via npm: JUnit XML and lcov, uploaded from the report directory; a failing test fails the step', async () => {
    const { run, upload } = await testJob('npm');
    expect(upload.uses).toMatch(/^actions\/upload-artifact@[0-9a-f]{40}$/);
    expect(upload.with).toMatchObject({ path: '${{ runner.temp }}/test-reports/\n', 'if-no-files-found': 'error', 'retention-days': 14 });
    const dir = project('node', {
      'package.json': JSON.stringify({ name: 'app', private: true, type: 'module', scripts: { test: 'node --test' } }),
      'add.js': 'export const add = (a, b) => a + b;\n',
      'add.test.js': "import test from 'node:test';\nimport assert from 'node:assert';\nimport { add } from './add.js';\ntest('adds', () => assert.equal(add(1, 2), 3));\n",
    });
    const ok = runStep(dir, run);
    expect(ok.status, ok.output).toBe(0);
    expect(readFileSync(join(ok.reports, 'junit.xml'), 'utf8')).toContain('<testcase name="adds"');
    expect(readFileSync(join(ok.reports, 'lcov.info'), 'utf8')).toContain('SF:');
    writeFileSync(join(dir, 'add.test.js'), "import test from 'node:test';\nimport assert from 'node:assert';\ntest('adds', () => assert.equal(1, 2));\n");
    const failed = runStep(dir, run);
    expect(failed.status).not.toBe(0);
    expect(readFileSync(join(failed.reports, 'junit.xml'), 'utf8')).toContain('<failure');
  });

  it.skipIf(!hasGo || !hasJq)('go test: a coverage profile and JSON events, readable log; a failing test fails the step through the pipe', async () => {
    const { run } = await testJob('go');
    const dir = project('go', {
      'go.mod': 'module example.com/m\n\ngo 1.21\n',
      'm.go': 'package m\n\nfunc Add(a, b int) int { return a + b }\n',
      'm_test.go': 'package m\n\nimport "testing"\n\nfunc TestAdd(t *testing.T) {\n\tif Add(1, 2) != 3 {\n\t\tt.Fatal("bad")\n\t}\n}\n',
    });
    const ok = runStep(dir, run);
    expect(ok.status, ok.output).toBe(0);
    expect(readFileSync(join(ok.reports, 'coverage.out'), 'utf8')).toMatch(/^mode: /);
    // Machine-readable events in the report, the usual text in the log.
    const events = readFileSync(join(ok.reports, 'go-test.json'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { Action: string; Test?: string });
    expect(events).toContainEqual(expect.objectContaining({ Action: 'pass', Test: 'TestAdd' }));
    expect(ok.output).toContain('coverage:');
    expect(ok.output).not.toContain('"Action"');
    writeFileSync(join(dir, 'm_test.go'), 'package m\n\nimport "testing"\n\nfunc TestAdd(t *testing.T) { t.Fatal("bad") }\n');
    expect(runStep(dir, run).status).not.toBe(0);
  });

  it.skipIf(!hasPytest)('pytest: JUnit XML', async () => {
    const { run } = await testJob('pip');
    const dir = project('python', { 'test_add.py': 'def test_adds():\n    assert 1 + 2 == 3\n' });
    const ok = runStep(dir, run);
    expect(ok.status, ok.output).toBe(0);
    expect(readFileSync(join(ok.reports, 'junit.xml'), 'utf8')).toContain('name="test_adds"');
    writeFileSync(join(dir, 'test_add.py'), 'def test_adds():\n    assert 1 + 2 == 4\n');
    expect(runStep(dir, run).status).not.toBe(0);
  });

  it('an app without tests: the Test job only warns on the run and passes, with no checkout; the docs say how CI gets tests', async () => {
    type Job = { name: string; needs?: string; permissions?: unknown; defaults?: { run: { 'working-directory': string } }; steps: Step[] };
    for (const [pm, serviceDir] of [['npm', '.'], ['pip', 'services/api']] as const) {
      const facts = noTestsFacts(pm);
      const tree = await renderStack(buildStack(pipelineAnswers({ language: facts.language as Language, cloud: 'aws', serviceDir }), facts), 'pipeline');
      const doc = parseYaml(tree.read('.github/workflows/ci.yml')!.content) as { jobs: Record<string, Job> };
      const { name, permissions, defaults, steps } = doc.jobs['test']!;
      expect(name).toBe('Test');
      expect(doc.jobs['audit']!.needs).toBe('test');
      // The warning alone: nothing to check out, set up or install, and no token scopes.
      expect(steps.map((s) => s.name ?? s.uses?.replace(/@.*/, ''))).toEqual(['No tests found']);
      expect(permissions).toEqual({});
      // Without a checkout the service folder does not exist: the step runs in the (empty) workspace.
      expect(defaults?.run['working-directory']).toBe('.');
      const r = runStep(project(`no-tests-${pm}`, {}), steps[0]!.run!);
      expect(r.status, r.output).toBe(0);
      expect(r.output).toMatch(/^::warning::No tests found: CI runs none\. Add .*, then run npx create-devops-stack@latest upgrade and CI runs them\.\n$/);
      expect(tree.read('docs/deploy/pipeline.md')!.content).toContain('No tests were found, so the test job runs none');
    }
  });
});
