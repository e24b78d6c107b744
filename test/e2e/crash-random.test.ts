import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { recoverInterrupted } from '../../src/apply/transaction.js';
import { CLI, runCli } from '../helpers/run-cli.js';
import { inspectStack, leftovers, scratchRoot, StackFixtures, treeSnapshot } from '../helpers/stack-fixture.js';

// Kills an apply at random points, many times: after the N-th filesystem
// operation (torn writes included) or from outside after a random delay.
// Whatever the point, recovery (what every writing command runs first) must
// leave the target exactly as before the killed run or exactly as after a
// clean one, and running the same command again must finish the job.
// Reproduce a failure with CRASH_SEED=<seed printed below>.

const SEED = process.env.CRASH_SEED === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.CRASH_SEED);
console.log(`crash-random: CRASH_SEED=${SEED}`);
const RUNS = 44;

const CRASH = join(import.meta.dirname, '..', 'helpers', 'crash-apply.mjs');

/** mulberry32: a small seeded PRNG, one stream per run so each run reproduces alone. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const fx = new StackFixtures(scratchRoot());

interface Command {
  name: string;
  /** The target before the run: a fresh copy per kill. */
  setup: () => Promise<string>;
  args: (dir: string) => string[];
  /** Of a clean run (upgrade: 2, it leaves a conflict). */
  exitCode: number;
}

/** A stack outside git (the dirty guard is not what is tested here) with edits that upgrade merges, conflicts on, keeps and deletes. */
async function editedStack(): Promise<string> {
  const dir = await fx.workdir('nogit');
  const edit = (p: string, f: (s: string) => string) => writeFileSync(join(dir, p), f(readFileSync(join(dir, p), 'utf8')));
  edit('.github/workflows/deploy.yml', (s) => `${s}# team note\n`);
  edit('monitoring/prometheus/rules/shop.rules.yml', (s) => `${s}# reviewed by #sre\n`);
  edit('Dockerfile', (s) => s.replace('EXPOSE 3000', 'EXPOSE 3000 9229'));
  edit('infra/modules/service/main.tf', (s) => `${s}# ours now\n`);
  rmSync(join(dir, 'docs/runbooks/Watchdog.md'));
  return dir;
}

const COMMANDS: Command[] = [
  { name: 'init', setup: async () => fx.copyExample(), args: (dir) => [dir, '--yes'], exitCode: 0 },
  // Merges, a conflict, an orphan, deletions (--iac none) and merge-base garbage collection.
  { name: 'upgrade', setup: editedStack, args: (dir) => ['upgrade', dir, '--yes', '--strategy', 'canary', '--slo', '99.5', '--port', '4000', '--iac', 'none'], exitCode: 2 },
];

interface Reference {
  before: Record<string, string>;
  after: Record<string, string>;
  exitCode: number;
  /** Counted filesystem operations of a whole run (the range of kill points). */
  ops: number;
}

const references = new Map<string, Promise<Reference>>();
function reference(c: Command): Promise<Reference> {
  let p = references.get(c.name);
  if (!p) {
    p = (async () => {
      const dir = await c.setup();
      const before = treeSnapshot(dir);
      const probe = await execa(process.execPath, [CRASH, '1000000000', ...c.args(dir)], { reject: false, env: { NO_COLOR: '1', CRASH_COUNT: 'ops', CRASH_ROOT: dir, COUNT_OPS: '1' } });
      expect(probe.exitCode, String(probe.stderr).replace(/^op .*\n/gm, '')).toBe(c.exitCode);
      const ops = (String(probe.stderr).match(/^op \d+ /gm) ?? []).length;
      expect(ops).toBeGreaterThan(10);
      return { before, after: treeSnapshot(dir), exitCode: c.exitCode, ops };
    })();
    references.set(c.name, p);
  }
  return p;
}

/** Starts the CLI and SIGKILLs it after `delay` ms, counted from the start or from when the plan is printed (just before the apply). */
async function killAfterDelay(args: string[], delay: number, fromPlan: boolean): Promise<void> {
  const child = execa(process.execPath, [CLI, ...args], { reject: false, env: { NO_COLOR: '1' }, stdin: 'ignore' });
  let timer: NodeJS.Timeout | undefined;
  const arm = () => (timer ??= setTimeout(() => child.kill('SIGKILL'), delay));
  if (fromPlan) {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (/^\s+\d+ (create|unchanged|update|merge|conflict|delete)/m.test(String(chunk))) arm();
    });
  } else arm();
  await child;
  clearTimeout(timer);
}

describe.concurrent(`random kills (CRASH_SEED=${SEED})`, () => {
  for (let i = 0; i < RUNS; i++) {
    const c = COMMANDS[i % COMMANDS.length]!;
    const rand = prng(SEED + i * 7919);
    const how = rand() < 0.65 ? 'op' : rand() < 0.5 ? 'timer' : 'timer-after-plan';
    const r1 = rand();
    it(`run ${i}: ${c.name}, killed by ${how}`, async () => {
      const ref = await reference(c);
      const dir = await c.setup();
      expect(treeSnapshot(dir)).toEqual(ref.before);
      let point: string;
      if (how === 'op') {
        const k = 1 + Math.floor(r1 * ref.ops);
        point = `after op ${k} of ${ref.ops}`;
        const r = await execa(process.execPath, [CRASH, String(k), ...c.args(dir)], { reject: false, env: { NO_COLOR: '1', CRASH_COUNT: 'ops', CRASH_ROOT: dir } });
        expect(r.signal, point).toBe('SIGKILL');
      } else {
        const delay = Math.floor(how === 'timer' ? r1 * 1200 : r1 * 40);
        point = `${delay} ms ${how === 'timer' ? 'after start' : 'after the plan'}`;
        await killAfterDelay(c.args(dir), delay, how === 'timer-after-plan');
      }
      if (i % 3 === 0) {
        // The same command again: it recovers first, then completes the job (a no-op when it was done).
        const again = await runCli(c.args(dir));
        const done = treeSnapshot(dir);
        expect(leftovers(done), point).toEqual([]);
        expect(done, point).toEqual(ref.after);
        expect([0, ref.exitCode], again.stderr).toContain(again.exitCode);
        inspectStack(dir);
        return;
      }
      // What every writing command does first (in-process: a CLI run each time would double the cost).
      recoverInterrupted(dir);
      const recovered = treeSnapshot(dir);
      expect(leftovers(recovered), point).toEqual([]);
      const state = JSON.stringify(recovered) === JSON.stringify(ref.before) ? 'before' : 'after';
      expect(recovered, `${point}: neither the state before nor after a clean run`).toEqual(state === 'before' ? ref.before : ref.after);
      if (recovered['.devops-stack.json'] !== undefined) inspectStack(dir);
    });
  }
});

