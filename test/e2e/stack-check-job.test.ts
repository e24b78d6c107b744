import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { renderStack } from '../../src/render/plop-bridge.js';
import { buildStack } from '../../src/stack/build-stack.js';
import { ACTION_PINS, usesLine } from '../../src/stack/pins.js';
import { PUBLISHED_BIN } from '../helpers/run-cli.js';
import { runStepScript, stubCommands } from '../helpers/run-step.js';
import { generatedRepo } from '../helpers/stack-fixture.js';
import { pipelineAnswers, pipelineFacts } from '../render/pipeline-fixtures.js';

// The CI workflow's stack-check job, run as GitHub would run its script, in a
// repository the CLI generated: `npx` is a stand-in that records what it was
// asked for and runs the published bundle (what npm would fetch) in its place.

interface Step {
  name?: string;
  uses?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  run?: string;
}
interface Job {
  if?: string;
  permissions: unknown;
  'timeout-minutes': number;
  defaults?: unknown;
  steps: Step[];
}

const pinned = (key: keyof typeof ACTION_PINS) => usesLine(ACTION_PINS[key]).replace(/ #.*$/, '');

const stackCheckJob = (dir: string) => (parseYaml(readFileSync(join(dir, '.github/workflows/ci.yml'), 'utf8')) as { jobs: Record<string, Job> }).jobs['stack-check']!;

/** Runs the job's script in `dir` with the npx stand-in; returns its result and what npx was asked. */
function runJob(dir: string) {
  const job = stackCheckJob(dir);
  const step = job.steps.find((s) => s.run)!;
  const log = join(dir, '..', 'npx.log');
  const PATH = stubCommands(join(dir, '..', 'bin'), {
    // `npx --yes <package>@<version> <args…>`: the bundle stands for the package.
    npx: `#!/usr/bin/env bash\necho "$*" >> ${JSON.stringify(log)}\nshift 2\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(PUBLISHED_BIN)} "$@"\n`,
  });
  const r = runStepScript(step.run!, { cwd: dir, env: { ...process.env, ...step.env, PATH } });
  let asked = '';
  try {
    asked = readFileSync(log, 'utf8');
  } catch {
    // npx never ran.
  }
  return { status: r.status, out: r.stdout + r.stderr, asked };
}

describe('the CI stack-check job', () => {
  it('runs on pull requests only, read-only, with pinned actions and no secret', async () => {
    const dir = await generatedRepo('go-http');
    const job = stackCheckJob(dir);
    expect(job.if).toBe("github.event_name == 'pull_request'");
    expect(job.permissions).toEqual({ contents: 'read' });
    expect(job['timeout-minutes']).toBeLessThanOrEqual(15);
    expect(job.steps.filter((s) => s.uses).map((s) => s.uses)).toEqual([pinned('checkout'), pinned('setupNode')]);
    expect(job.steps[0]!.with).toMatchObject({ 'persist-credentials': false });
    expect(JSON.stringify(job)).not.toMatch(/secrets\.|github\.token|GH_TOKEN|GITHUB_TOKEN/);
    // Not a gate of the image build: a deploy never waits on the npm registry.
    const ci = parseYaml(readFileSync(join(dir, '.github/workflows/ci.yml'), 'utf8')) as { jobs: Record<string, { needs?: string[] }> };
    expect(ci.jobs['build']!.needs).not.toContain('stack-check');
  });

  it('passes on the stack as generated, running the release recorded in .devops-stack.json', async () => {
    const dir = await generatedRepo('go-http');
    const version = (JSON.parse(readFileSync(join(dir, '.devops-stack.json'), 'utf8')) as { version: string }).version;
    const r = runJob(dir);
    expect(r.status, r.out).toBe(0);
    expect(r.asked.trim()).toBe(`--yes create-devops-stack@${version} check --github-annotations`);
    expect(r.out).toMatch(/0 error\(s\)/);
    expect(r.out).not.toMatch(/^::error/m);
  });

  it('passes with a notice when generated files were only edited (a Dependabot pin update too), and fails with an annotation on an error', async () => {
    const dir = await generatedRepo('go-http');
    writeFileSync(join(dir, 'docs/deploy/pipeline.md'), 'our own notes\n');
    const drift = runJob(dir);
    expect(drift.status, drift.out).toBe(0);
    expect(drift.out).toMatch(/drift\s+docs\/deploy\/pipeline\.md/);
    expect(drift.out).toMatch(/^::notice::Generated files were edited/m);

    // A Dependabot update of an action pin: a new commit SHA and version comment.
    const ci = join(dir, '.github/workflows/ci.yml');
    writeFileSync(ci, readFileSync(ci, 'utf8').replace(/actions\/checkout@[0-9a-f]{40} # v[\d.]+/g, `actions/checkout@${'c'.repeat(40)} # v7.9.9`));
    const bumped = runJob(dir);
    expect(bumped.status, bumped.out).toBe(0);
    expect(bumped.out).toMatch(/drift\s+\.github\/workflows\/ci\.yml/);

    writeFileSync(join(dir, 'Dockerfile'), 'FROM golang:latest\nCMD go run .\n');
    const broken = runJob(dir);
    expect(broken.status, broken.out).toBe(1);
    // On the pull request's file and line, not only in the log.
    expect(broken.out).toMatch(/^::error file=Dockerfile,line=\d+,title=dockerfile\/[^:]+::/m);
  });

  it('fails naming the manifest when it records no version, without running anything from npm', async () => {
    const dir = await generatedRepo('go-http');
    const manifest = join(dir, '.devops-stack.json');
    const { version: _, ...rest } = JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, unknown>;
    writeFileSync(manifest, JSON.stringify(rest));
    const r = runJob(dir);
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/^::error file=\.devops-stack\.json::no create-devops-stack version recorded/m);
    expect(r.asked).toBe('');
  });

  it('runs from the repository root, where .devops-stack.json is, when the service lives in a subfolder', async () => {
    const tree = await renderStack(buildStack(pipelineAnswers({ language: 'go', cloud: 'gcp', serviceDir: 'services/api' }), pipelineFacts('go')), 'pipeline');
    const ci = parseYaml(tree.read('.github/workflows/ci.yml')!.content) as { defaults: unknown; jobs: Record<string, Job> };
    expect(ci.defaults).toEqual({ run: { shell: 'bash', 'working-directory': 'services/api' } });
    expect(ci.jobs['stack-check']!.defaults).toEqual({ run: { 'working-directory': '.' } });
  });
});
