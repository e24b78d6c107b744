// npm run bench: how fast the published CLI (dist/create-devops-stack.cjs) is, compared with starting
// Node itself. A report, not a gate: it exits 0 whatever the numbers, and 1
// only when a measured command itself fails.
//
// Measured side by side, in interleaved rounds (1 warm-up + 9 measured by
// default), each a fresh `node` process with no TTY (so never a prompt):
//   floor          node -e ''                   what any Node CLI costs at least
//   --help         cli --help                   startup + argument parsing only
//   full-stack     cli <fresh app> --yes        detect, render, write the 66 files, their merge bases and the manifest
//   dry-run        cli <generated app> --dry-run   the same work, nothing written
//   upgrade-bare   cli upgrade <generated app> --yes --allow-dirty
//   upgrade-big    the same on a repo with 20 000 unrelated committed files:
//                  upgrade must not get slower as the repo grows (detection
//                  walks, git status)
// Every run starts on a settled disk (see settleDisk), in the same environment
// minus NOT_MEASURED (see SPAWN_OPTS). The CLI runs with the V8 code cache
// `npm run build` made for this Node (scripts/code-cache.mjs); the report says
// whether it was used.
// Targets (issue 8): full-stack ≤ 2.5× floor, --help ≤ 1.5×, dry-run ≤ 2.5×,
// upgrade-big ≤ 1.1× upgrade-bare, peak RSS ≤ 120 MB for every command.
// Time is the median wall clock of spawnSync; peak RSS is the largest maxRSS
// seen, from /usr/bin/time -f %M when present, otherwise from one extra run
// in a wrapper that imports the CLI in-process and reports its own maxRSS.
// Fixtures (copies of examples/node-express without expected/) are built in a
// temporary directory before timing and removed afterwards.
//
// Flags: --json (results as JSON on stdout), --reps=N (measured rounds, default 9).
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { cpus } from 'node:os';
import { freshApp, generatedApp, tempDir } from './bench-fixtures.mjs';
import { runReportingCodeCache } from './code-cache-status.mjs';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
// The published entry point (package.json bin): the single-file bundle.
const CLI = join(ROOT, 'dist', 'create-devops-stack.cjs');
const EXAMPLE = join(ROOT, 'examples', 'node-express');
const GNU_TIME = '/usr/bin/time';
const BIG_REPO_FILES = 20_000;
const WARMUPS = 1;
// Shared machines are noisy: the median of 9 moves much less from run to run than that of 5.
const DEFAULT_REPS = 9;
const RSS_LIMIT_MB = 120;
const TARGETS = {
  '--help': { vs: 'floor', max: 1.5 },
  'full-stack --yes': { vs: 'floor', max: 2.5 },
  'dry-run': { vs: 'floor', max: 2.5 },
  'upgrade-big': { vs: 'upgrade-bare', max: 1.1 },
};

class CommandFailed extends Error {}

function parseArgs(argv) {
  const reps = argv.find((a) => a.startsWith('--reps='));
  return { json: argv.includes('--json'), reps: reps ? Math.max(1, Number(reps.slice(7)) || DEFAULT_REPS) : DEFAULT_REPS };
}

const log = (msg) => process.stderr.write(`${msg}\n`);

// ---------------------------------------------------------------- fixtures

function buildFixtures(work, rounds) {
  log(`bench: building fixtures in ${work} (${BIG_REPO_FILES} extra files for upgrade-big)…`);
  const fresh = Array.from({ length: rounds }, (_, i) => freshApp(EXAMPLE, work, `fresh-${i}`));
  const bare = generatedApp(EXAMPLE, work, 'generated-bare', CLI);
  const big = generatedApp(EXAMPLE, work, 'generated-big', CLI, { extraFiles: BIG_REPO_FILES });
  return { fresh, bare, big };
}

/** Each case: a name and the node argv for round `i` (its working directory comes fresh per round when needed). */
function defineCases({ fresh, bare, big }) {
  return [
    { name: 'floor', argv: () => ['-e', ''] },
    { name: '--help', argv: () => [CLI, '--help'] },
    { name: 'full-stack --yes', argv: (i) => [CLI, fresh[i], '--yes'] },
    { name: 'dry-run', argv: () => [CLI, bare, '--dry-run'] },
    { name: 'upgrade-bare', argv: () => [CLI, 'upgrade', bare, '--yes', '--allow-dirty'] },
    { name: 'upgrade-big', argv: () => [CLI, 'upgrade', big, '--yes', '--allow-dirty'] },
  ];
}

// ---------------------------------------------------------------- measuring

/**
 * Every command runs in the same environment, minus what would move the floor
 * rather than measure the CLI. Node reads NODE_EXTRA_CA_CERTS at start-up:
 * with a system CA bundle, that is ~60 ms of certificate parsing, which
 * overlaps the CLI's own start-up and hides it. Neither `node -e ''` nor
 * the CLI opens a TLS connection. NODE_OPTIONS could add flags to one side only.
 */
const NOT_MEASURED = ['NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS'];
const removedEnv = NOT_MEASURED.filter((name) => process.env[name] !== undefined);
const SPAWN_OPTS = {
  env: Object.fromEntries(Object.entries({ ...process.env, NO_COLOR: '1' }).filter(([name]) => !NOT_MEASURED.includes(name))),
  stdio: 'ignore',
};

/**
 * Waits for the disk to finish writing what earlier steps left in the page
 * cache (fixtures, the previous command's files), untimed: otherwise that
 * writeback slows the file creations of whichever command runs next. What a
 * command writes and syncs itself is still timed, as it is its own cost.
 */
function settleDisk() {
  spawnSync('sync', [], { stdio: 'ignore' });
}

/** One timed run; peak RSS in KB when GNU time is available, else null. */
function runOnce(name, argv, rssFile) {
  const useTime = existsSync(GNU_TIME);
  settleDisk();
  const [cmd, args] = useTime ? [GNU_TIME, ['-f', '%M', '-o', rssFile, process.execPath, ...argv]] : [process.execPath, argv];
  const start = performance.now();
  const r = spawnSync(cmd, args, SPAWN_OPTS);
  const ms = performance.now() - start;
  if (r.status !== 0) throw failure(name, argv, r);
  // GNU time writes "Command exited with non-zero status" first on failure; %M is the last line.
  const rssKb = useTime ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) : null;
  return { ms, rssKb };
}

/** Re-runs a failed command with its output captured, for the report. */
function failure(name, argv, r) {
  const again = spawnSync(process.execPath, argv, { ...SPAWN_OPTS, stdio: 'pipe', encoding: 'utf8' });
  const why = r.error ? r.error.message : `exit ${r.status ?? r.signal}`;
  return new CommandFailed(`${name} failed (${why}): node ${argv.join(' ')}\n${again.stderr || again.stdout}`);
}

/** Without GNU time: one run in a wrapper that imports the CLI in-process and writes its own maxRSS (KB). */
function wrapperRssKb(work, argv) {
  const wrapper = join(work, 'rss-wrapper.mjs');
  const out = join(work, 'rss.out');
  writeFileSync(
    wrapper,
    [
      "import { writeFileSync } from 'node:fs';",
      "import { createRequire } from 'node:module';",
      'const [out, entry, ...rest] = process.argv.slice(2);',
      "process.on('exit', () => writeFileSync(out, String(process.resourceUsage().maxRSS)));",
      'process.argv = [process.argv[0], entry, ...rest];',
      // Required, the bundle runs nothing itself: it exports main.
      "if (entry !== '-') process.exitCode = await createRequire(import.meta.url)(entry).main(process.argv);",
    ].join('\n'),
  );
  const [entry, ...rest] = argv[0] === '-e' ? ['-'] : argv;
  spawnSync(process.execPath, [wrapper, out, entry, ...rest], SPAWN_OPTS);
  return Number(readFileSync(out, 'utf8'));
}

/** Interleaved rounds (warm-ups first, discarded), so drift in machine load hits every case alike. */
function measure(cases, { reps, work }) {
  const samples = new Map(cases.map((c) => [c.name, []]));
  const rssFile = join(work, 'time.out');
  const rounds = WARMUPS + reps;
  for (let round = 0; round < rounds; round++) {
    log(`bench: round ${round + 1}/${rounds}${round < WARMUPS ? ' (warm-up)' : ''}`);
    for (const c of cases) {
      const s = runOnce(c.name, c.argv(round), rssFile);
      if (round >= WARMUPS) samples.get(c.name).push(s);
    }
  }
  if (!existsSync(GNU_TIME)) {
    for (const c of cases) samples.get(c.name)[0].rssKb = wrapperRssKb(work, c.argv(rounds));
  }
  return samples;
}

/**
 * Whether the commands ran with the bundle's V8 code cache (which serves only
 * the Node version that made it: scripts/code-cache.mjs): the chunks one
 * dry-run loads, counted by how each was compiled.
 */
function codeCacheUse(dir) {
  const { status, stderr } = runReportingCodeCache(CLI, [dir, '--dry-run'], SPAWN_OPTS.env);
  if (status === null) throw new CommandFailed(`the code-cache check (a dry-run in ${dir}) failed:\n${stderr}`);
  const counts = {};
  for (const how of Object.values(status.chunks)) counts[how] = (counts[how] ?? 0) + 1;
  return { file: relative(ROOT, status.file), counts };
}

// ---------------------------------------------------------------- reporting

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function summarise(cases, samples) {
  const rows = cases.map((c) => {
    const runs = samples.get(c.name);
    const rssKbs = runs.map((r) => r.rssKb).filter((x) => x !== null);
    return { name: c.name, medianMs: median(runs.map((r) => r.ms)), runsMs: runs.map((r) => r.ms), peakRssMb: Math.max(...rssKbs) / 1024 };
  });
  const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
  for (const row of rows) {
    row.vsFloor = row.medianMs / byName.floor.medianMs;
    if (row.name === 'upgrade-big') row.vsBare = row.medianMs / byName['upgrade-bare'].medianMs;
    judge(row, byName);
  }
  return rows;
}

/** Sets row.target and row.result (PASS, or FAIL with what failed). */
function judge(row, byName) {
  if (row.name === 'floor') return Object.assign(row, { target: '-', result: '-' });
  const t = TARGETS[row.name];
  const ratio = t ? row.medianMs / byName[t.vs].medianMs : null;
  const failed = [];
  if (t && ratio > t.max) failed.push('time');
  if (row.peakRssMb > RSS_LIMIT_MB) failed.push('rss');
  row.target = `${t ? `≤${t.max}× ${t.vs}, ` : ''}≤${RSS_LIMIT_MB} MB`;
  row.result = failed.length ? `FAIL (${failed.join(', ')})` : 'PASS';
}

function printTable(rows) {
  const head = ['command', 'median ms', '× floor', '× bare', 'peak RSS MB', 'target', 'result'];
  const body = rows.map((r) => [
    r.name,
    r.medianMs.toFixed(0),
    r.vsFloor.toFixed(2),
    r.vsBare === undefined ? '' : r.vsBare.toFixed(2),
    r.peakRssMb.toFixed(0),
    r.target,
    r.result,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 || i >= 5 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  console.log([line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n'));
}

function environment(reps, codeCache) {
  return {
    codeCache,
    unset: removedEnv,
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cpus: cpus().length,
    reps,
    warmups: WARMUPS,
    rssFrom: existsSync(GNU_TIME) ? GNU_TIME : 'in-process wrapper',
  };
}

// ---------------------------------------------------------------- main

function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(CLI)) {
    log(`bench: ${CLI} is missing; run npm run build first (npm run bench does)`);
    return 1;
  }
  const work = tempDir('work');
  try {
    // Without GNU time, one more fresh app for the extra RSS run of full-stack.
    const rounds = WARMUPS + opts.reps;
    const fixtures = buildFixtures(work, existsSync(GNU_TIME) ? rounds : rounds + 1);
    const cases = defineCases(fixtures);
    const rows = summarise(cases, measure(cases, { reps: opts.reps, work }));
    const env = environment(opts.reps, codeCacheUse(fixtures.bare));
    if (opts.json) console.log(JSON.stringify({ environment: env, results: rows }, null, 2));
    else {
      console.log(`node ${env.node}, ${env.cpus}× ${env.cpu}; median of ${env.reps} runs after ${env.warmups} warm-up; RSS via ${env.rssFrom}`);
      const { file, counts } = env.codeCache;
      const used = Object.entries(counts).map(([how, n]) => `${n} ${how}`).join(', ');
      console.log(`V8 code cache ${file}: ${counts.cached ? '' : 'NOT USED: '}chunks of a dry-run ${used}`);
      console.log(env.unset.length ? `unset for every command (see NOT_MEASURED): ${env.unset.join(', ')}\n` : '');
      printTable(rows);
    }
    return 0;
  } catch (e) {
    if (!(e instanceof CommandFailed)) throw e;
    log(`bench: ${e.message}`);
    return 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

process.exitCode = main();
