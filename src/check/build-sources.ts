import { DockerfileParser, JSONInstruction, ModifiableInstruction, type Instruction } from 'dockerfile-ast';
import { parse as parseYaml } from 'yaml';
import { joinPath, normalizePath } from '../detect/paths.js';
import type { RepoFiles } from '../detect/types.js';
import { excluded, parseDockerignore, type IgnoreRule } from './dockerignore.js';
import type { Finding } from './types.js';

/** An image build CI runs: the Dockerfile and the build context, relative to the repository root. */
export interface ImageBuild {
  dockerfile: string;
  context: string;
}

/**
 * The builds docker/build-push-action steps run, read from the workflows (the
 * values CI really uses, edits included).
 */
export function imageBuilds(workflows: ReadonlyMap<string, string>): ImageBuild[] {
  const found = new Map<string, ImageBuild>();
  for (const content of workflows.values()) {
    let doc: unknown;
    try {
      doc = parseYaml(content);
    } catch {
      continue; // The workflow checks report it.
    }
    const jobs = (doc as { jobs?: Record<string, { steps?: unknown }> } | null)?.jobs ?? {};
    for (const job of Object.values(jobs)) {
      for (const step of Array.isArray(job?.steps) ? (job.steps as Array<{ uses?: unknown; with?: Record<string, unknown> }>) : []) {
        if (typeof step?.uses !== 'string' || !step.uses.startsWith('docker/build-push-action@')) continue;
        // normalizePath refuses a path leaving the repository: it is not read. An expression is not known here.
        const context = normalizePath(String(step.with?.['context'] ?? '.'));
        const dockerfile = context === null ? null : normalizePath(String(step.with?.['file'] ?? joinPath(context, 'Dockerfile')));
        if (context === null || dockerfile === null || context.includes('${{') || dockerfile.includes('${{')) continue;
        found.set(`${dockerfile}\0${context}`, { dockerfile, context });
      }
    }
  }
  return [...found.values()];
}


/**
 * What the build reads from its context and would not find: each source of a
 * COPY or ADD without --from, and each bind mount without from=, that is
 * missing in the repository or left out by the ignore file BuildKit applies
 * (`<Dockerfile>.dockerignore` beside the Dockerfile, else the context's
 * `.dockerignore`). Either fails the build.
 */
export function buildSourceFindings(build: ImageBuild, files: RepoFiles): Finding[] {
  const text = files.read(build.dockerfile);
  if (text === undefined) return [];
  const ignorePath = [`${build.dockerfile}.dockerignore`, joinPath(build.context, '.dockerignore')].find((p) => files.exists(p));
  const rules = ignorePath === undefined ? [] : parseDockerignore(files.read(ignorePath) ?? '');
  const findings: Finding[] = [];
  for (const i of DockerfileParser.parse(text).getInstructions()) {
    for (const source of contextSources(i)) {
      const problem = sourceProblem(source, build.context, files, rules);
      if (problem === null) continue;
      findings.push({
        path: build.dockerfile,
        line: i.getRange().start.line + 1,
        rule: 'dockerfile/build-source',
        message: `${i.getKeyword().toUpperCase()} reads ${source} from the build context (${build.context}), which ${problem === 'missing' ? 'has no such file' : `leaves it out (${ignorePath})`}: the image build fails`,
        severity: 'error',
      });
    }
  }
  return findings;
}

/** The context paths an instruction reads: COPY/ADD sources without --from, bind mounts without from=. */
function contextSources(i: Instruction): string[] {
  const keyword = i.getKeyword().toUpperCase();
  const flags = i instanceof ModifiableInstruction ? i.getFlags().map((f) => ({ name: f.getName(), value: f.getValue() ?? '' })) : [];
  if (keyword === 'COPY' || keyword === 'ADD') {
    if (flags.some((f) => f.name === 'from')) return [];
    const words = i instanceof JSONInstruction && i.getJSONStrings().length > 0 ? i.getJSONStrings().map((s) => s.getJSONValue()) : i.getArguments().map((a) => a.getValue());
    // Remote ADD sources are not in the context; heredocs (<<EOF) are written inline.
    return words.slice(0, -1).filter((w) => !/^[a-z]+:\/\//i.test(w) && !w.startsWith('<<'));
  }
  if (keyword === 'RUN') {
    return flags
      .filter((f) => f.name === 'mount')
      .map((f) => Object.fromEntries(f.value.split(',').map((kv) => [kv.split('=')[0], kv.slice(kv.indexOf('=') + 1)])) as Record<string, string>)
      .filter((m) => (m['type'] ?? 'bind') === 'bind' && m['from'] === undefined)
      .map((m) => m['source'] ?? m['src'] ?? '.');
  }
  return [];
}

/**
 * Why the build cannot read `source` from its context, or null when it can or
 * it cannot be known here: a variable, or a wildcard (BuildKit lets a
 * wildcard match nothing: `COPY yarn.lock* ./` makes a file optional).
 */
function sourceProblem(source: string, context: string, files: RepoFiles, rules: readonly IgnoreRule[]): 'missing' | 'ignored' | null {
  if (source.includes('$') || /[*?[]/.test(source)) return null;
  const trimmed = source.replace(/^\/+/, '');
  const rel = normalizePath(trimmed) ?? trimmed;
  if (rel === '.') return null;
  if (!files.exists(joinPath(context, rel))) return 'missing';
  return excluded(rules, rel) ? 'ignored' : null;
}
