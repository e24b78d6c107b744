import { join } from 'node:path';
import { OPTIONS, type Answers, type OptionName } from '../answers/options.js';
import { resolveAnswers, storedAnswersFor, type AnswerSource } from '../answers/resolve.js';
import { applyPlan, nextManifest } from '../apply/apply-plan.js';
import { dirtyPaths } from '../apply/git-dirty.js';
import { recoverInterrupted, refuseInterrupted } from '../apply/transaction.js';
import { MANIFEST_PATH, readManifest, serializeManifest, type Manifest } from '../apply/manifest.js';
import { detectRepoOnDisk } from '../detect/index.js';
import type { RepoFacts } from '../detect/types.js';
import { UserError } from '../errors.js';
import { statOrNull } from '../stat-or-null.js';
import { TOOL_NAME, TOOL_VERSION } from '../package-root.js';
import { buildPlan, isInTheWay, type ConflictPolicy } from '../plan/build-plan.js';
import { changingEntries, type Plan, type PlanEntry } from '../plan/plan-types.js';
import { Tree, type LayerName } from '../plan/tree.js';
import { STACK_INDEX_PATH } from '../../generators/index.js';
import { renderStack } from '../render/plop-bridge.js';
import { buildStack } from '../stack/build-stack.js';
import { keptWorkflowNotes } from '../stack/workflow-files.js';
import { keptDependabotNote } from '../stack/dependabot-coverage.js';
import { readTextInside } from '../apply/safe-path.js';
import type { Stack } from '../stack/types.js';
import type { Output } from './output.js';
import { refuseInsideRepository, targetDir } from './target-dir.js';
import { droppedRootNotes } from './dropped-roots.js';
import { userTerraform, userTerraformNotes, userTerraformStop } from './user-terraform.js';
import { planJson, renderPlan } from './render-plan.js';

export interface GenerateOptions {
  dir: string;
  flags: Partial<Record<OptionName, unknown>>;
  answersFile: string | undefined;
  yes: boolean;
  dryRun: boolean;
  json: boolean;
  onConflict: ConflictPolicy;
  /** 'stack' for everything, or one layer (`add <layer>`). */
  generator: LayerName;
  mode: 'init' | 'upgrade';
  /** A TTY is attached and --yes was not given: prompts and confirmation are allowed. */
  interactive: boolean;
  /** upgrade: run even when generated files have uncommitted changes. */
  allowDirty: boolean;
}

/** Exit codes: 0 done, 2 the user must act (conflicts, or changes pending without --yes). */
export type ExitCode = 0 | 1 | 2;

const ALL_LAYERS: readonly LayerName[] = ['docker', 'pipeline', 'infra', 'monitoring', 'stack'];

/**
 * init / add / upgrade share this path: answers -> detect -> Stack -> Tree ->
 * Plan -> (unless --dry-run) apply. Nothing is written before the plan is
 * complete, and only with --yes or the user's confirmation.
 */
export async function runGenerate(opts: GenerateOptions, out: Output): Promise<ExitCode> {
  const root = targetDir(opts.dir);
  refuseInsideRepository(root);
  const recoveryNotes: string[] = [];
  // A dry run writes nothing, not even the recovery: it would plan from a half-written target.
  if (opts.dryRun) refuseInterrupted(root, commandLine(opts));
  else if (recoverInterrupted(root, recoveryNotes)) out.err('An earlier run was interrupted while writing; its changes were undone.');
  for (const note of recoveryNotes) out.err(`note: ${note}`);
  const manifest = readManifest(root);
  if (opts.mode === 'upgrade') await guardUpgrade(root, manifest, opts);
  // The JSON Schema validator is only loaded for an --answers file; its answers
  // go over the stored ones, as flags do.
  const given: Partial<Answers> = opts.answersFile ? (await import('../answers/from-file.js')).readAnswersFile(opts.answersFile) : {};
  const fileAnswers: Partial<Answers> = { ...storedAnswersFor(manifest?.answers ?? {}, { ...given, ...opts.flags }), ...given };
  const fileLabel = opts.answersFile ? `--answers ${opts.answersFile}` : MANIFEST_PATH;
  if (opts.generator !== 'stack' && manifest !== null) refuseChangedAnswers(opts, manifest, fileAnswers);
  if (opts.mode === 'init' && manifest !== null) refuseSecondService(opts, manifest);
  const serviceDir = (opts.flags.serviceDir ?? fileAnswers.serviceDir) as string | undefined;
  if (serviceDir !== undefined) {
    const where = opts.flags.serviceDir !== undefined ? '--service-dir' : given.serviceDir !== undefined ? `${fileLabel}: serviceDir` : null;
    refuseMissingFolder(root, serviceDir, where);
  }
  const facts = detectRepoOnDisk(root, serviceDir === undefined ? {} : { serviceDir });
  const ask = opts.interactive ? (await import('../answers/prompt.js')).askWithInquirer : null;
  const { answers, sources } = await resolveAnswers({ flags: opts.flags, file: fileAnswers, fileLabel, facts, ask });
  if (!opts.json) reportAnswers(answers, sources, facts, out);

  const stack = buildStack(answers, facts, new Set(Object.keys(manifest?.files ?? {})));
  const layers = layersToRender(opts, manifest);
  const terraform = layers.includes('infra') && answers.iac !== 'none' ? userTerraform(facts, manifest) : { inInfra: [], elsewhere: [] };
  const notes = [...stackNotes(root, stack, facts, layers), ...userTerraformNotes(terraform)];
  if (layers.length < ALL_LAYERS.length && opts.generator === 'stack' && !opts.json) {
    out.err(out.color('dim', `note: upgrading the layers generated so far (${layers.join(', ')}); run \`${TOOL_NAME}\` without a command for the whole stack`));
  }
  if (!opts.json) for (const note of notes) out.err(out.color('dim', `note: ${note}`));
  const tree = await renderLayers(stack, layers);
  const plan = await buildPlan(root, tree, manifest, { onConflict: opts.onConflict, layers, mode: opts.mode });
  // The roots were written by the stored answers' tool, whatever this run's are.
  const dropped = droppedRootNotes(plan, (manifest?.answers.iac ?? answers.iac) === 'opentofu' ? 'tofu' : 'terraform');

  if (opts.json) out.out(JSON.stringify({ answers, notes: [...facts.notes, ...notes, ...dropped], ...planJson(plan) }, null, 2));
  else renderPlan(plan, out, { diffs: opts.dryRun });
  if (!opts.json) for (const note of dropped) out.err(`warning: ${note}`);
  if (opts.dryRun) {
    if (!opts.json) out.err(out.color('dim', 'dry run: nothing was written'));
    return 0;
  }
  // Not a file in the way but a folder shared with the user's own code: the same choice as for one.
  if (terraform.inInfra.length > 0 && opts.onConflict === 'fail') {
    out.err(userTerraformStop(terraform));
    return 2;
  }
  return decideAndApply(plan, manifest, nextManifest(plan, manifest, answers, { name: TOOL_NAME, version: TOOL_VERSION }), opts, out);
}

async function decideAndApply(plan: Plan, manifest: Manifest | null, next: Manifest, opts: GenerateOptions, out: Output): Promise<ExitCode> {
  const conflicts = plan.entries.filter((e) => e.kind === 'conflict');
  const unmerged = plan.entries.filter((e) => e.kind === 'unmerged');
  // init writes nothing over what is there; upgrade merges, but never into a file it did not write.
  const inTheWay = opts.mode === 'init' ? [...conflicts, ...unmerged] : conflicts.filter(isInTheWay);
  if (inTheWay.length > 0) {
    out.err(
      `${inTheWay.length} file(s) are in the way:\n${inTheWay.map((c) => `  ${c.path}: ${c.reason ?? 'conflict'}`).join('\n')}\n` +
        `nothing was written; rerun with --on-conflict keep (keep yours, write the rest) or --on-conflict overwrite${opts.mode === 'init' && manifest !== null ? `, or use \`${TOOL_NAME} upgrade\` to merge your edits` : ''}`,
    );
    return 2;
  }
  const changes = changingEntries(plan.entries);
  const manifestChanged = manifest === null || serializeManifest(manifest) !== serializeManifest(next);
  if (changes.length === 0 && !manifestChanged) {
    if (!opts.json) out.err(unmerged.length > 0 ? 'Everything else is up to date; nothing was written.' : 'Everything is up to date; nothing was written.');
    return reportLeftAsIs(conflicts, unmerged, out);
  }
  if (!opts.yes) {
    if (!opts.interactive) {
      out.err(`${changes.length} file(s) would change; rerun with --yes to write them (or --dry-run to see the diffs)`);
      return 2;
    }
    const { confirmWrite } = await import('../answers/prompt.js');
    if (!(await confirmWrite(`Write ${changes.length} file(s) to ${plan.root}?`))) {
      out.err('Nothing was written.');
      return 0;
    }
  }
  const result = await applyPlan(plan, next);
  if (!opts.json) {
    out.err(`Wrote ${result.written.length} file(s)${result.deleted.length ? `, deleted ${result.deleted.length}` : ''} in ${plan.root} (manifest: ${MANIFEST_PATH}).`);
  }
  return reportLeftAsIs(conflicts, unmerged, out);
}

/** The files the user must still act on (conflict markers, unmerged edits); exit 2 when there are any. */
function reportLeftAsIs(conflicts: readonly PlanEntry[], unmerged: readonly PlanEntry[], out: Output): ExitCode {
  const marked = conflicts.filter((c) => c.after !== null && c.after !== c.before);
  if (marked.length > 0) out.err(`${marked.length} file(s) have conflict markers to resolve: ${marked.map((c) => c.path).join(', ')}`);
  for (const e of unmerged) out.err(`not merged, left as it was: ${e.path} (${e.reason ?? 'cannot be merged'})`);
  return conflicts.length + unmerged.length > 0 ? 2 : 0;
}

/** The command the user ran, as they would type it again without --dry-run. */
function commandLine(opts: GenerateOptions): string {
  const command = opts.mode === 'upgrade' ? ' upgrade' : opts.generator === 'stack' ? '' : ` add ${opts.generator}`;
  return `${TOOL_NAME}${command}${opts.dir === '.' ? '' : ` ${opts.dir}`}`;
}

/**
 * A service directory that is not there would read as "no app found": say
 * what is wrong instead. `given`: where the user gave it; null for the stored one.
 */
function refuseMissingFolder(root: string, dir: string, given: string | null): void {
  const stat = statOrNull(join(root, dir));
  if (stat?.isDirectory()) return;
  const problem = `${dir}: ${stat === null ? 'no such folder' : 'not a folder'} in ${root}`;
  throw new UserError(given === null ? `${MANIFEST_PATH}: serviceDir ${problem}; pass --service-dir with the folder of the service` : `${given} ${problem}`);
}

/**
 * One stack per repository: the workflows, infra/ and monitoring/ are shared
 * files, so generating for another service directory would replace the stack
 * of the first one. Moving the stack is an explicit `upgrade --service-dir`.
 */
function refuseSecondService(opts: GenerateOptions, manifest: Manifest): void {
  const stored = manifest.answers.serviceDir;
  const given = opts.flags.serviceDir;
  if (stored === undefined || given === undefined || given === stored) return;
  throw new UserError(
    `this repository's stack is for ${stored}; ${TOOL_NAME} writes one stack per repository (workflows, infra/ and monitoring/ are shared), so one for ${String(given)} would replace it. To move it there, run \`${TOOL_NAME} upgrade --service-dir ${String(given)}\``,
  );
}

/**
 * `add <layer>` renders one layer with the stored answers. An answer changed
 * here would reach that layer only, and the others (already written with the
 * old value) would no longer match it: that is what `upgrade` is for.
 */
function refuseChangedAnswers(opts: GenerateOptions, manifest: Manifest, fileAnswers: Partial<Answers>): void {
  const given: Partial<Record<OptionName, unknown>> = { ...fileAnswers, ...opts.flags };
  for (const name of Object.keys(given) as OptionName[]) {
    const stored = manifest.answers[name];
    if (stored === undefined || JSON.stringify(stored) === JSON.stringify(given[name])) continue;
    throw new UserError(
      `--${OPTIONS[name].flag}: the stack was generated with ${Array.isArray(stored) ? stored.join(',') : String(stored)}; \`add\` uses the stored answers, so change it for every layer with \`${TOOL_NAME} upgrade --${OPTIONS[name].flag} ...\``,
    );
  }
}

async function guardUpgrade(root: string, manifest: Manifest | null, opts: GenerateOptions): Promise<void> {
  if (manifest === null) throw new UserError(`no ${MANIFEST_PATH} here: run \`${TOOL_NAME}\` (init) first`);
  if (opts.allowDirty || opts.dryRun) return;
  const dirty = await dirtyPaths(root, [MANIFEST_PATH, ...Object.keys(manifest.files)]);
  if (dirty.length > 0) {
    throw new UserError(`generated files have uncommitted changes (${dirty.join(', ')}); commit or stash them first, or pass --allow-dirty`);
  }
}

/**
 * What the user should know about what is generated: the assumptions of the
 * Dockerfile (a missing lockfile, files the image leaves out...) or that their
 * own Dockerfile or workflows are kept. For the layers that write or build it.
 */
function stackNotes(root: string, stack: Stack, facts: RepoFacts, layers: readonly LayerName[]): string[] {
  const workflows = [
    ...(layers.includes('pipeline') ? Object.values(stack.pipeline.files) : []),
    ...(layers.includes('infra') && stack.is.iac ? [stack.infra.workflowFile] : []),
  ];
  const kept = [...keptWorkflowNotes(facts.existing.workflows, workflows), ...(layers.includes('pipeline') ? keptDependabot(root, stack) : [])];
  if (!layers.includes('docker') && !layers.includes('pipeline')) return kept;
  const { dockerfilePath } = stack.docker;
  const missing = !layers.includes('docker') && !stack.docker.userDockerfile && statOrNull(join(root, dockerfilePath)) === null;
  const docker = missing ? [...stack.docker.notes, `the pipeline builds ${dockerfilePath}, which does not exist yet: run \`${TOOL_NAME} add docker\` or write your own`] : stack.docker.notes;
  return [...docker, ...kept];
}

/** The user's own dependabot.yml, kept in place of ours: what it lacks of the updates the stack's pins need. */
function keptDependabot(root: string, stack: Stack): string[] {
  const path = stack.pipeline.userDependabot;
  if (path === null) return [];
  return [keptDependabotNote(path, readTextInside(root, path)?.text ?? '', stack.pipeline.dependabotUpdates)];
}

/**
 * `add`: its layer. init: every layer. upgrade: the layers the manifest
 * records, so a repository that only ran `add pipeline` gets its pipeline
 * upgraded, not a Terraform tree it never asked for.
 */
function layersToRender(opts: GenerateOptions, manifest: Manifest | null): readonly LayerName[] {
  if (opts.generator !== 'stack') return [opts.generator];
  if (opts.mode !== 'upgrade' || manifest === null) return ALL_LAYERS;
  const recorded = new Set(Object.values(manifest.files).map((f) => f.layer));
  // DEPLOY.md is written by the whole-stack generator only, so with it (or the
  // user's own, kept over it) the stack was generated whole.
  const whole = recorded.has('stack') || manifest.kept.includes(STACK_INDEX_PATH) || recorded.size === 0;
  return whole ? ALL_LAYERS : ALL_LAYERS.filter((l) => recorded.has(l));
}

/** The whole stack in one pass, or the given layers merged into one tree. */
async function renderLayers(stack: Stack, layers: readonly LayerName[]): Promise<Tree> {
  if (layers.length === ALL_LAYERS.length) return renderStack(stack, 'stack');
  if (layers.length === 1) return renderStack(stack, layers[0]!);
  const tree = new Tree();
  for (const layer of layers) {
    for (const [path, file] of (await renderStack(stack, layer)).entries()) tree.write(path, file.content, file.layer, file.executable);
  }
  return tree;
}

const SOURCE_LABEL: Record<AnswerSource, string> = { flag: 'flag', file: 'answers', prompt: 'answered', detected: 'detected', default: 'default' };

/** Prints each answer that was not typed in a prompt, with where it came from. */
function reportAnswers(answers: Answers, sources: Record<OptionName, AnswerSource>, facts: RepoFacts, out: Output): void {
  for (const note of facts.notes) out.err(out.color('dim', `note: ${note}`));
  for (const name of Object.keys(OPTIONS) as OptionName[]) {
    if (sources[name] === 'prompt') continue;
    const v = answers[name];
    out.err(`${out.color('dim', `${OPTIONS[name].flag}:`)} ${Array.isArray(v) ? v.join(',') : String(v)} ${out.color('dim', `(${SOURCE_LABEL[sources[name]]})`)}`);
  }
}
