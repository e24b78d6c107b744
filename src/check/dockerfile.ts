import {
  Arg,
  DockerfileParser,
  Env,
  From,
  JSONInstruction,
  ModifiableInstruction,
  type Instruction,
} from 'dockerfile-ast';
import { ValidationSeverity, validate } from 'dockerfile-utils';
import type { Language } from '../answers/options.js';
import { GO } from '../stack/versions.js';
import type { Finding } from './types.js';

/** Options for checkDockerfile. */
export interface DockerfileCheckOptions {
  /** Adds that language's rules (node, python, go, java) from the checklist. */
  language?: Language;
}

/** One build stage: its FROM and the instructions up to the next FROM. */
interface Stage {
  from: From;
  name: string | null;
  instructions: Instruction[];
}

type Report = (rule: string, line: number | null, message: string, severity?: Finding['severity']) => void;

// A secret's name: TOKEN, SECRET, PASSWORD, KEY as a whole `_`-separated word (NPM_TOKEN, API_KEY, not KEYCLOAK_URL).
const SECRET_NAME = /(^|_)(TOKEN|SECRET|SECRETS|PASSWORD|PASSWD|PASS|KEY|APIKEY|CREDENTIALS)(_|$)/i;
// Commands that download packages: they need a cache mount.
const INSTALLS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bnpm\s+(ci|install|i)\b/, '/root/.npm'],
  [/\bpnpm\s+(install|i|fetch)\b/, '/root/.local/share/pnpm/store'],
  [/\byarn\s+(install\b|workspaces\s+focus\b)/, '/usr/local/share/.cache/yarn (classic) or /root/.yarn/berry/cache'],
  [/\bbun\s+install\b/, '/root/.bun/install/cache'],
  [/\buv\s+(sync|pip\s+install)\b/, '/root/.cache/uv'],
  [/\bpip3?\s+install\b/, '/root/.cache/pip'],
  [/\bpoetry\s+(install|sync)\b/, '/root/.cache/pypoetry'],
  [/\bpdm\s+(install|sync)\b/, '/root/.cache/pdm'],
  [/\bpipenv\s+(install|sync)\b/, '/root/.cache/pipenv'],
  [/\bgo\s+(mod\s+download|build)\b/, '/go/pkg/mod and /root/.cache/go-build'],
  [/(^|[\s;&|])(\.\/)?mvnw?\s/, '/root/.m2'],
  [/(^|[\s;&|])(\.\/)?gradlew?\s/, '/root/.gradle'],
];
const PRODUCTION_SERVERS = new Set(['gunicorn', 'uvicorn', 'hypercorn', 'granian', 'daphne']);

const lineOf = (i: { getRange(): { start: { line: number } } }): number => i.getRange().start.line + 1;
const keyword = (i: Instruction): string => i.getKeyword().toUpperCase();
const text = (i: Instruction): string => (i.getArgumentsContent() ?? '').replace(/\\\n/g, ' ');

function flagValues(i: Instruction, name: string): string[] {
  if (!(i instanceof ModifiableInstruction)) return [];
  return i.getFlags().filter((f) => f.getName() === name).map((f) => f.getValue() ?? '');
}

function hasCacheMount(i: Instruction, target?: RegExp): boolean {
  return flagValues(i, 'mount').some((v) => /(^|,)type=cache(,|$)/.test(v) && (!target || target.test(v)));
}

/** The words of an exec-form instruction, or null for shell form. */
function execWords(i: Instruction): string[] | null {
  if (!(i instanceof JSONInstruction)) return null;
  // The array as written: dockerfile-ast's string values drop the spaces inside
  // each string ("exec uvicorn" reads as "execuvicorn"), which `sh -c` needs.
  try {
    const parsed: unknown = JSON.parse(i.getRawArgumentsContent() ?? '');
    if (Array.isArray(parsed) && parsed.length > 0 && parsed.every((w) => typeof w === 'string')) return parsed as string[];
  } catch {
    // Continuation lines and the like: fall back to the parser's strings.
  }
  const words = i.getJSONStrings().map((s) => s.getJSONValue());
  return words.length > 0 ? words : null;
}

/** ENV name → value set in a stage (later values win). */
function stageEnv(stage: Stage): Map<string, { value: string; line: number }> {
  const env = new Map<string, { value: string; line: number }>();
  for (const i of stage.instructions) {
    if (!(i instanceof Env)) continue;
    for (const p of i.getProperties()) env.set(p.getName(), { value: p.getValue() ?? '', line: lineOf(i) });
  }
  return env;
}

function splitStages(instructions: Instruction[]): Stage[] {
  const stages: Stage[] = [];
  for (const i of instructions) {
    if (i instanceof From) stages.push({ from: i, name: i.getBuildStage()?.toLowerCase() ?? null, instructions: [] });
    else stages.at(-1)?.instructions.push(i);
  }
  return stages;
}

/** The process the final stage starts: ENTRYPOINT + CMD words, without an init such as tini. */
function startWords(stage: Stage): { words: string[]; line: number | null } {
  const last = (k: string): Instruction | undefined => stage.instructions.filter((i) => keyword(i) === k).at(-1);
  const ep = last('ENTRYPOINT');
  const cmd = last('CMD');
  const words = [...(ep ? (execWords(ep) ?? text(ep).split(/\s+/)) : []), ...(cmd ? (execWords(cmd) ?? text(cmd).split(/\s+/)) : [])];
  while (words.length > 0 && /(^|\/)(tini|dumb-init)$/.test(words[0] ?? '')) {
    words.shift();
    while (words[0]?.startsWith('-')) words.shift();
  }
  // ["sh", "-c", "exec server ..."]: the shell replaces itself with the server (it reads $PORT first).
  if (/(^|\/)(ba)?sh$/.test(words[0] ?? '') && words[1] === '-c' && /^exec\s/.test(words[2] ?? '')) {
    words.splice(0, 3, ...(words[2] ?? '').replace(/^exec\s+/, '').split(/\s+/).map((w) => w.replace(/^'(.*)'$|^"(.*)"$/, '$1$2')));
  }
  const at = cmd ?? ep;
  return { words, line: at ? lineOf(at) : null };
}

function checkSyntaxDirective(content: string, report: Report): void {
  const first = content.split('\n', 1)[0] ?? '';
  const m = /^#\s*syntax\s*=\s*(\S+)\s*$/i.exec(first);
  if (!m) {
    report('dockerfile/syntax-directive', 1, 'line 1 must be `# syntax=docker/dockerfile:1` (BuildKit frontend for RUN --mount)');
  } else if (!/^docker\/dockerfile:1([.-]|$)/.test(m[1] ?? '')) {
    report('dockerfile/syntax-directive', 1, `line 1: syntax ${m[1] ?? ''} is not the stable docker/dockerfile:1 frontend`, 'warning');
  }
}

function checkBaseImages(stages: Stage[], report: Report): void {
  const seen = new Set<string>();
  for (const { from, name } of stages) {
    const image = from.getImage() ?? '';
    const line = lineOf(from);
    const ref = image.toLowerCase();
    if (seen.has(ref) || ref === 'scratch') {
      if (name) seen.add(name);
      continue;
    }
    if (name) seen.add(name);
    if (image.includes('$')) {
      report('dockerfile/pinned-base', line, `line ${line}: FROM ${image} comes from a variable: keep FROM lines literal so Dependabot can bump them`, 'warning');
      continue;
    }
    if (from.getImageDigest()) continue;
    const tag = from.getImageTag();
    const base = from.getImageName() ?? image;
    if (tag === null) {
      report('dockerfile/pinned-base', line, `line ${line}: FROM ${image} has no tag: pin an explicit version such as ${base}:1.2`);
    } else if (tag === 'latest') {
      report('dockerfile/pinned-base', line, `line ${line}: FROM ${image} uses latest: pin an explicit version`);
    } else if (/^v?\d+(-|$)/.test(tag)) {
      report('dockerfile/pinned-base', line, `line ${line}: FROM ${image} pins only a major version: use a major.minor or full version tag`);
    } else if (!/\d/.test(tag)) {
      if ((from.getRegistry() ?? '').endsWith('gcr.io') && base.includes('distroless')) {
        report('dockerfile/pinned-base', line, `line ${line}: distroless publishes no version tags: pin ${image} by digest (${image}@sha256:...)`, 'warning');
      } else {
        report('dockerfile/pinned-base', line, `line ${line}: FROM ${image}: tag ${tag} is not a version`);
      }
    }
  }
}

function checkFinalStage(final: Stage, report: Report): void {
  const at = (k: string): Instruction[] => final.instructions.filter((i) => keyword(i) === k);
  const fromLine = lineOf(final.from);

  const user = at('USER').at(-1);
  if (!user) {
    report('dockerfile/non-root-user', fromLine, `the final stage (line ${fromLine}) has no USER: the container runs as root`);
  } else {
    const value = text(user).trim();
    const line = lineOf(user);
    const m = /^(\d+)(?::(\d+))?$/.exec(value);
    if (!m) report('dockerfile/non-root-user', line, `line ${line}: USER must be a numeric UID (uid or uid:gid), got ${value}`);
    else if (Number(m[1]) === 0) report('dockerfile/non-root-user', line, `line ${line}: USER ${value} is root`);
  }

  const starts = [...at('ENTRYPOINT'), ...at('CMD')];
  if (starts.length === 0) report('dockerfile/exec-form', fromLine, `the final stage (line ${fromLine}) has no ENTRYPOINT or CMD`);
  for (const i of starts) {
    if (execWords(i) === null) {
      const line = lineOf(i);
      report('dockerfile/exec-form', line, `line ${line}: ${keyword(i)} uses shell form: write it as a JSON array so the process itself receives SIGTERM`);
    }
  }

  if (at('WORKDIR').length === 0) report('dockerfile/workdir', fromLine, `the final stage (line ${fromLine}) sets no WORKDIR`);
  if (at('EXPOSE').length === 0) report('dockerfile/expose', fromLine, `the final stage (line ${fromLine}) has no EXPOSE for the port the app listens on`);

  const image = final.from.getImage() ?? '';
  const minimal = /distroless|^scratch$/.test(image);
  for (const hc of at('HEALTHCHECK')) {
    if (minimal && /\b(curl|wget|sh|bash)\b/.test(text(hc))) {
      const line = lineOf(hc);
      report('dockerfile/healthcheck', line, `line ${line}: HEALTHCHECK runs a shell tool that ${image} does not have`);
    }
  }
}

function checkInstructions(stages: Stage[], report: Report): void {
  for (const stage of stages) {
    for (const i of stage.instructions) {
      const k = keyword(i);
      const line = lineOf(i);
      const body = text(i);
      if (k === 'ADD') checkAdd(i, body, line, report);
      if (i instanceof Arg) {
        const name = i.getProperty()?.getName() ?? '';
        if (SECRET_NAME.test(name)) {
          report('dockerfile/no-secret-args', line, `line ${line}: ARG ${name} looks like a secret: build args stay in the image history; use RUN --mount=type=secret`);
        }
      }
      if (i instanceof Env) {
        for (const p of i.getProperties()) {
          if (SECRET_NAME.test(p.getName())) {
            report('dockerfile/no-secret-args', line, `line ${line}: ENV ${p.getName()} looks like a secret: it is baked into the image; pass it at runtime or use RUN --mount=type=secret`);
          }
        }
      }
      if (k === 'WORKDIR' && !/^["']?[/$]/.test(body.trim())) {
        report('dockerfile/workdir', line, `line ${line}: WORKDIR ${body.trim()} must be an absolute path`);
      }
      if (k === 'RUN') checkRun(i, body, line, report);
    }
  }
}

function checkAdd(i: Instruction, body: string, line: number, report: Report): void {
  const sources = body.trim().split(/\s+/).slice(0, -1).filter((w) => !w.startsWith('--'));
  const remote = sources.some((s) => /^(https?|git|ssh):\/\/|^git@/.test(s));
  const archive = sources.some((s) => /\.(tar|tgz|tar\.gz|tar\.bz2|tar\.xz|tbz2?|txz|zip|gz|xz|bz2)$/i.test(s));
  if ((remote || archive) && flagValues(i, 'checksum').length === 0) {
    report('dockerfile/no-add', line, `line ${line}: ADD of a ${remote ? 'remote URL' : 'local archive'} fetches or unpacks implicitly: use COPY (or ADD --checksum=sha256:...)`);
  } else if (!remote && !archive) {
    report('dockerfile/no-add', line, `line ${line}: use COPY for local files; ADD is for verified remote sources`, 'warning');
  }
}

function checkRun(i: Instruction, body: string, line: number, report: Report): void {
  if (/\bapt-get\s+(?:-\S+\s+)*install\b/.test(body)) {
    if (!body.includes('--no-install-recommends')) {
      report('dockerfile/apt-get', line, `line ${line}: apt-get install without --no-install-recommends pulls in unneeded packages`);
    }
    const cached = hasCacheMount(i, /target=\/var\/(lib|cache)\/apt/);
    if (!cached && !/rm\s+-[a-z]*r[a-z]*f?[a-z]*\s+\/var\/lib\/apt\/lists/.test(body)) {
      report('dockerfile/apt-get', line, `line ${line}: apt-get install must remove /var/lib/apt/lists/* in the same RUN (or use an apt cache mount)`);
    }
  }
  for (const [re, target] of INSTALLS) {
    const m = re.exec(body);
    if (m && !hasCacheMount(i)) {
      report('dockerfile/cache-mount', line, `line ${line}: \`${m[0].trim()}\` runs without a cache mount: add --mount=type=cache,target=${target}`);
      break;
    }
  }
  if (/(^|&&|;|\|\|)\s*cd\s+\S/.test(body)) {
    report('dockerfile/workdir', line, `line ${line}: use WORKDIR instead of cd in RUN`, 'warning');
  }
}

function checkNode(stages: Stage[], final: Stage, report: Report): void {
  for (const stage of stages) {
    for (const i of stage.instructions.filter((x) => keyword(x) === 'RUN')) {
      const body = text(i);
      const line = lineOf(i);
      const unlocked =
        (/\bnpm\s+(install|i)\b/.test(body) && !/\bnpm\s+(install|i)\s+(-g|--global)\b/.test(body) && 'npm install (use npm ci)') ||
        (/\bpnpm\s+(install|i)\b/.test(body) && !body.includes('--frozen-lockfile') && 'pnpm install without --frozen-lockfile') ||
        (/\byarn\s+install\b/.test(body) && !/--frozen-lockfile|--immutable/.test(body) && 'yarn install without --frozen-lockfile/--immutable') ||
        (/\bbun\s+install\b/.test(body) && !body.includes('--frozen-lockfile') && 'bun install without --frozen-lockfile');
      if (unlocked) {
        report('dockerfile/node-lockfile', line, `line ${line}: ${unlocked} does not install exactly the lockfile; commit one and install from it`, 'warning');
      }
    }
  }
  const env = stageEnv(final).get('NODE_ENV');
  if (env?.value !== 'production') {
    const line = env?.line ?? lineOf(final.from);
    report('dockerfile/node-env', line, `line ${line}: the final stage must set ENV NODE_ENV=production${env ? `, got ${env.value}` : ''}`);
  }
  const { words, line } = startWords(final);
  const pm = words[0]?.replace(/^.*\//, '') ?? '';
  if (['npm', 'yarn', 'pnpm'].includes(pm) && /^(start|run)$/.test(words[1] ?? '')) {
    report('dockerfile/node-start', line, `line ${line ?? '?'}: start with node, not \`${words.slice(0, 2).join(' ')}\` (the package manager does not forward SIGTERM)`);
  }
}

function checkPython(stages: Stage[], final: Stage, report: Report): void {
  const env = stageEnv(final);
  for (const name of ['PYTHONUNBUFFERED', 'PYTHONDONTWRITEBYTECODE']) {
    const v = env.get(name);
    if (!v || v.value === '' || v.value === '0') {
      const line = v?.line ?? lineOf(final.from);
      report('dockerfile/python-env', line, `line ${line}: the final stage must set ENV ${name}=1`);
    }
  }
  const { words, line } = startWords(final);
  let server = words[0]?.replace(/^.*\//, '') ?? '';
  if (/^python[\d.]*$/.test(server) && words[1] === '-m') server = words[2] ?? '';
  const fastapiRun = server === 'fastapi' && words[1] === 'run';
  if (!PRODUCTION_SERVERS.has(server) && !fastapiRun) {
    report('dockerfile/python-server', line, `line ${line ?? '?'}: the image runs \`${words.slice(0, 3).join(' ')}\`, not a production server (gunicorn, uvicorn)`);
  } else if (words.includes('--reload')) {
    report('dockerfile/python-server', line, `line ${line ?? '?'}: --reload is for development`);
  }
  for (const stage of stages) {
    for (const i of stage.instructions.filter((x) => keyword(x) === 'RUN')) {
      const body = text(i);
      if (/\bpip3?\s+install\b[^&;|]*\s-r\s/.test(body) && !body.includes('--require-hashes')) {
        const l = lineOf(i);
        report('dockerfile/python-lockfile', l, `line ${l}: pip install -r without --require-hashes does not verify packages (pip-compile --generate-hashes)`, 'warning');
      }
    }
  }
}

function checkJava(final: Stage, report: Report): void {
  const parts = final.instructions
    .filter((i) => ['ENV', 'ENTRYPOINT', 'CMD'].includes(keyword(i)))
    .map((i) => ({ line: lineOf(i), body: text(i) }));
  const xmx = parts.find((p) => /-Xmx\d/.test(p.body));
  if (xmx) {
    report('dockerfile/java-heap', xmx.line, `line ${xmx.line}: a fixed -Xmx ignores the container's memory limit: use -XX:MaxRAMPercentage`);
  }
  if (!parts.some((p) => /-XX:MaxRAMPercentage=/.test(p.body))) {
    const line = lineOf(final.from);
    report('dockerfile/java-heap', line, `the final stage (line ${line}) does not size the heap: set JAVA_TOOL_OPTIONS=-XX:MaxRAMPercentage=75`);
  }
}

function checkGo(stages: Stage[], final: Stage, report: Report): void {
  const runtime = final.from.getImage() ?? '';
  for (const stage of stages) {
    const env = stageEnv(stage).get('CGO_ENABLED')?.value;
    for (const i of stage.instructions.filter((x) => keyword(x) === 'RUN' && /\bgo\s+build\b/.test(text(x)))) {
      const line = lineOf(i);
      const cgo = /\bCGO_ENABLED=(\d)/.exec(text(i))?.[1] ?? env;
      if (cgo === undefined) {
        report('dockerfile/go-static', line, `line ${line}: go build without CGO_ENABLED=0 may link libc dynamically: set CGO_ENABLED=0 (or CGO_ENABLED=1 on a glibc runtime)`);
      } else if (cgo === '1' && /static|^scratch$/.test(runtime)) {
        report('dockerfile/go-static', line, `line ${line}: a cgo binary (CGO_ENABLED=1) cannot run on ${runtime}: use ${GO.cgoRuntime.replace(/:.*/, '')}`);
      }
    }
  }
}

/**
 * Validates a Dockerfile: dockerfile-utils' parser checks, then the checklist
 * rules (section 1 of the DevOps checklist) on dockerfile-ast's model. Shared
 * by the `check` command and the tests. Messages name the line.
 */
export function checkDockerfile(path: string, content: string, opts: DockerfileCheckOptions = {}): Finding[] {
  const findings: Finding[] = [];
  const report: Report = (rule, line, message, severity = 'error') => findings.push({ path, line, rule, message, severity });

  // We check WORKDIR ourselves, with a message in our style.
  for (const d of validate(content, { instructionWorkdirRelative: ValidationSeverity.IGNORE })) {
    const line = d.range.start.line + 1;
    report('dockerfile/validate', line, `line ${line}: ${d.message}`, d.severity === 1 ? 'error' : 'warning');
  }

  checkSyntaxDirective(content, report);
  const stages = splitStages(DockerfileParser.parse(content).getInstructions());
  const final = stages.at(-1);
  if (!final) {
    report('dockerfile/multi-stage', null, 'no FROM instruction');
    return findings;
  }
  if (stages.length < 2) {
    report('dockerfile/multi-stage', lineOf(final.from), 'a single stage ships the build tools: build in a separate stage and COPY --from it');
  }
  checkBaseImages(stages, report);
  checkFinalStage(final, report);
  checkInstructions(stages, report);

  switch (opts.language) {
    case 'node':
      checkNode(stages, final, report);
      break;
    case 'python':
      checkPython(stages, final, report);
      break;
    case 'java':
      checkJava(final, report);
      break;
    case 'go':
      checkGo(stages, final, report);
      break;
    case undefined:
      break;
  }
  return findings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}
