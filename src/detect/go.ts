import { posix } from 'node:path';
import type { AppFacts } from './app-facts.js';
import type { FoundVersion } from './app-facts.js';
import { parseGoMod, parseGoWorkUses, type GoMod } from './go-mod.js';
import { privateModulesNote } from './go-private.js';
import { goRuntimeFiles } from './go-runtime-files.js';
import { baseName, joinPath, parentDir, relativePath } from './paths.js';
import { findPort, findRoutes, pickHealthPath, pickReadinessPath, walkFiles, type PortPattern } from './scan.js';
import type { GoWorkspace, RepoFiles } from './types.js';
import { compareVersionParts, findUp } from './versions.js';

/** Modules that link C libraries: with them the binary needs cgo and can't be fully static. */
const CGO_MODULES = [
  'github.com/mattn/go-sqlite3',
  'github.com/confluentinc/confluent-kafka-go',
  'github.com/tecbot/gorocksdb',
  'github.com/linxGnu/grocksdb',
  'github.com/DataDog/zstd',
  'github.com/ceph/go-ceph',
  'github.com/godror/godror',
  'gopkg.in/gographics/imagick',
  'github.com/h2non/bimg',
  'github.com/davidbyttow/govips',
  'github.com/gen2brain/go-fitz',
  'github.com/miekg/pkcs11',
];

const FRAMEWORKS: ReadonlyArray<readonly [string, string]> = [
  ['github.com/gin-gonic/gin', 'gin'],
  ['github.com/labstack/echo', 'echo'],
  ['github.com/go-chi/chi', 'chi'],
  ['github.com/gofiber/fiber', 'fiber'],
  ['github.com/gorilla/mux', 'gorilla/mux'],
];

const PORT_PATTERNS: readonly PortPattern[] = [
  { re: /Getenv\(\s*"PORT"\s*\)[\s\S]{0,200}?"(?::)?(\d{2,5})"/, what: 'PORT default' },
  { re: /\(\s*"PORT"\s*,\s*":?(\d{2,5})"\s*\)/, what: 'PORT default' },
  // Struct tags of env loaders: caarlos0/env `env:"PORT" envDefault:"8080"`, kelseyhightower/envconfig
  // `envconfig:"PORT" default:"8080"`, cleanenv `env-default:"8080"`, sethvargo/go-envconfig `env:"PORT, default=8080"`.
  { re: /`[^`\n]*"PORT\b[^`\n]*?\b(?:envDefault|env-default|default)\s*[:=]\s*"?:?(\d{2,5})/, what: 'PORT default' },
  { re: /\.SetDefault\(\s*"(?:[\w.]*\.)?(?:http[_.-]?)?port"\s*,\s*"?:?(\d{2,5})/i, what: 'port setting default' },
  // flag.Int("port", 8081, ...), flag.IntVar(&port, "port", ...), pflag's IntP("port", "p", 8081, ...), flag.String("port", "8081", ...).
  { re: /\.(?:Int|Uint|String)(?:Var)?P?\(\s*(?:&[\w.]+\s*,\s*)?"(?:[\w-]*[-_.])?port"\s*,\s*(?:"\w"\s*,\s*)?"?:?(\d{2,5})\b/i, what: 'port flag default' },
  { re: /"(?:0\.0\.0\.0|localhost|127\.0\.0\.1)?:(\d{2,5})"/, what: 'listen address' },
];

// A server started on a loopback address: net/http's ListenAndServe and http.Server{Addr},
// gin's Run, echo's Start, fiber's Listen.
const LOOPBACK_LISTEN = /(?:ListenAndServe(?:TLS)?|\.Run|\.Start|\.Listen|Addr\s*:)\s*\(?\s*"((?:localhost|127\.0\.0\.1|\[::1\]):(\d{2,5}))"/;

/** The first file whose server listens on a loopback address only, or null. */
function loopbackListen(files: RepoFiles, paths: readonly string[]): { file: string; address: string; port: string } | null {
  for (const file of paths) {
    const m = LOOPBACK_LISTEN.exec(files.read(file) ?? '');
    if (m?.[1] && m[2]) return { file, address: m[1], port: m[2] };
  }
  return null;
}

/** Is `dir` a module root with go.mod? */
export function hasGoMod(files: RepoFiles, dir: string): boolean {
  return files.exists(joinPath(dir, 'go.mod'));
}

/**
 * Detects a Go module in `dir`: Go version (toolchain wins over the go
 * directive), main package, cgo need, framework, port, health route, metrics.
 */
export function detectGo(files: RepoFiles, dir: string): AppFacts | null {
  const text = files.read(joinPath(dir, 'go.mod'));
  if (text === undefined) return null;
  const mod = parseGoMod(text);
  const notes: string[] = [];
  const goFiles = walkFiles(files, dir, { exts: ['.go'], maxDepth: 6, maxFiles: 800, skip: ['testdata'] })
    .filter((f) => !f.endsWith('_test.go'));

  const main = findMainPackage(files, dir, mod, goFiles);
  notes.push(...main.notes);
  const cgo = cgoReason(files, mod, goFiles);
  if (cgo) notes.push(`cgo needed: ${cgo} (the image needs a C toolchain to build and libc to run)`);

  const vendored = files.exists(joinPath(dir, 'vendor/modules.txt'));
  // Vendored modules are in the repository: nothing to fetch.
  const privateNote = vendored ? null : privateModulesNote(files, dir, mod.requires);
  if (privateNote) notes.push(privateNote);

  const runtimeFiles = goRuntimeFiles(files, dir, goFiles);
  notes.push(...runtimeFiles.notes);
  const workspace = goWorkspace(files, dir);
  if (workspace !== null) {
    notes.push(`module of the Go workspace ${workspace.file} (use ${workspace.uses.join(', ')}): the image builds from its folder, in workspace mode`);
  }
  // go.work's go line binds every module of the workspace: the image's Go must satisfy it too.
  const own = declaredGo(mod, joinPath(dir, 'go.mod'));
  const found = workspace?.declared && (own === null || compareVersionParts(goVersionParts(workspace.declared.version), goVersionParts(own.version)) > 0) ? workspace.declared : own;
  // The main package's own files are the likeliest place for the listen address.
  const mainDir = joinPath(dir, main.pkg);
  const inMain = (f: string): boolean => parentDir(f) === mainDir;
  const ordered = [...goFiles.filter(inMain), ...goFiles.filter((f) => !inMain(f))];

  const port = findPort(files, ordered, PORT_PATTERNS);
  if (port) notes.push(`port ${port.port} from ${port.file} (${port.what})`);
  else notes.push('no port found in the source');
  const loopback = loopbackListen(files, ordered);
  if (loopback) {
    notes.push(`${loopback.file} listens on ${loopback.address}, the container's loopback only: the load balancer and the platform's probes cannot reach it, so deploys fail their health checks; listen on ":${loopback.port}" (every interface) instead`);
  }
  const routes = findRoutes(files, ordered, /"(?:(?:GET|HEAD) )?(\/[a-z0-9/]+)"/g);
  const health = pickHealthPath(routes);
  if (health) notes.push(`health path ${health.path} from ${health.file}`);

  const requires = (prefix: string): boolean => mod.requires.some((r) => r === prefix || r.startsWith(`${prefix}/`));
  let framework = FRAMEWORKS.find(([m]) => requires(m))?.[1] ?? null;
  if (framework === null && ordered.some((f) => /"net\/http"/.test(files.read(f) ?? ''))) framework = 'net/http';
  const metricsLibrary = requires('github.com/prometheus/client_golang')
    ? 'client_golang'
    : requires('go.opentelemetry.io/otel') ? 'opentelemetry' : null;
  const golangci = ['.golangci.yml', '.golangci.yaml', '.golangci.toml', '.golangci.json'].some((f) => findUp(files, dir, f) !== null);
  const binary = main.pkg === '.' ? baseName(moduleBase(mod.module ?? dir)) : baseName(main.pkg);

  return {
    language: 'go',
    framework,
    packageManager: 'go',
    lockfile: files.exists(joinPath(dir, 'go.sum')) ? 'go.sum' : null,
    runtimeVersion: found?.version ?? null,
    runtimeVersionSource: found?.source ?? null,
    buildCommand: 'go build ./...',
    testCommand: 'go test ./...',
    lintCommand: golangci ? 'golangci-lint run' : null,
    startCommand: `./${binary}`,
    port: port?.port ?? null,
    portSource: port?.file ?? null,
    healthPath: health?.path ?? null,
    readinessPath: pickReadinessPath(routes)?.path ?? null,
    metricsLibrary,
    notes,
    node: null,
    python: null,
    go: {
      module: mod.module ?? baseName(dir),
      mainPackage: main.pkg,
      cgo: cgo !== null,
      vendored,
      localReplaces: mod.localReplaces.map((r) => posix.normalize(r)),
      workspace: workspace === null ? null : { root: workspace.root, uses: workspace.uses, hasSum: workspace.hasSum },
      runtimeFiles: runtimeFiles.paths,
    },
    java: null,
  };
}

/** The Go version a go.mod or go.work asks for (toolchain wins over the go directive), and where. */
function declaredGo(mod: GoMod, file: string): FoundVersion | null {
  const version = mod.toolchain ?? mod.go;
  return version === null ? null : { version, source: `${file} ${mod.toolchain ? 'toolchain' : 'go directive'}` };
}

const goVersionParts = (v: string): number[] => v.split('.').map(Number);

/**
 * The go.work above (or at) `dir` that uses it: the go command finds it by
 * itself and builds in workspace mode, where a sibling module required at a
 * placeholder version (v0.0.0) resolves to its folder and nowhere else.
 */
function goWorkspace(files: RepoFiles, dir: string): GoWorkspace & { file: string; declared: FoundVersion | null } | null {
  const file = findUp(files, dir, 'go.work');
  if (file === null) return null;
  const text = files.read(file) ?? '';
  const workDir = parentDir(file);
  const uses = parseGoWorkUses(text).map((u) => joinPath(workDir, u));
  if (!uses.includes(dir)) return null;
  return {
    file,
    root: relativePath(dir, workDir),
    uses: uses.map((u) => relativePath(workDir, u)),
    hasSum: files.exists(joinPath(workDir, 'go.work.sum')),
    declared: declaredGo(parseGoMod(text), file),
  };
}

/** 'github.com/acme/api/v2' → 'github.com/acme/api' (major-version suffixes are not names). */
function moduleBase(module: string): string {
  return module.replace(/\/v\d+$/, '');
}

function isMainFile(files: RepoFiles, path: string): boolean {
  return /^package\s+main\b/m.test(files.read(path) ?? '');
}

/** Does directory `d` (repository-relative) hold a Go file in package main? */
export function hasMainPackage(files: RepoFiles, d: string): boolean {
  return files.list(d).some((f) => f.endsWith('.go') && !f.endsWith('_test.go') && isMainFile(files, joinPath(d, f)));
}

/**
 * The package to build: '.' when the module root is package main, else
 * './cmd/<name>' (named after the module, then 'server', 'api', else the
 * first), else the shallowest main.go elsewhere.
 */
export function findMainPackage(
  files: RepoFiles,
  dir: string,
  mod: GoMod,
  goFiles: readonly string[],
): { pkg: string; notes: string[] } {
  if (hasMainPackage(files, dir)) return { pkg: '.', notes: [] };
  const cmds = files.list(joinPath(dir, 'cmd')).filter((n) => hasMainPackage(files, joinPath(dir, 'cmd', n)));
  if (cmds.length > 0) {
    const own = baseName(moduleBase(mod.module ?? ''));
    const pick = [own, 'server', 'api'].find((n) => cmds.includes(n)) ?? cmds[0] ?? '';
    const notes = cmds.length > 1 ? [`several commands (${cmds.map((c) => `cmd/${c}`).join(', ')}): building cmd/${pick}`] : [];
    return { pkg: `./cmd/${pick}`, notes };
  }
  const prefix = dir === '.' ? '' : `${dir}/`;
  const other = goFiles.find((f) => f.endsWith('/main.go') && isMainFile(files, f));
  if (other) {
    const rel = other.slice(prefix.length, -'/main.go'.length);
    return { pkg: `./${rel}`, notes: [`main package ./${rel} (no main.go at the root or under cmd/)`] };
  }
  return { pkg: '.', notes: ['no package main found: building the module root'] };
}

/** Why cgo is needed (a known C-linking module or `import "C"`), or null. */
function cgoReason(files: RepoFiles, mod: GoMod, goFiles: readonly string[]): string | null {
  const dep = mod.requires.find((r) => CGO_MODULES.some((c) => r === c || r.startsWith(`${c}/`)));
  if (dep) return `go.mod requires ${dep}`;
  const file = goFiles.find((f) => /^\s*(?:import\s+)?"C"\s*$/m.test(files.read(f) ?? ''));
  return file ? `${file} imports "C"` : null;
}
