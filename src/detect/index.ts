import { basename, resolve } from 'node:path';
import type { Language } from '../answers/options.js';
import type { AppFacts } from './app-facts.js';
import { languageCandidates, otherLanguage, pickCandidate } from './app-kind.js';
import { detectExistingDevops } from './existing-devops.js';
import { detectGit } from './git-remote.js';
import { detectGo } from './go.js';
import { detectJava } from './java.js';
import { parseJsonObject } from './json.js';
import { detectNode, nodeWorkspaces } from './node.js';
import { normalizePath } from './paths.js';
import { detectPython } from './python.js';
import { filesFromDisk } from './repo-files.js';
import type { RepoFacts, RepoFiles, ServiceInfo } from './types.js';
import { HEALTH_PATHS } from './scan.js';
import { findServices, findTopLevelApps, type TopLevelApps } from './workspaces.js';

export type { RepoFacts, RepoFiles } from './types.js';
export { filesFromDisk, filesFromMap } from './repo-files.js';

/** Options for detectRepo. */
export interface DetectOptions {
  /** The repository directory's name (fallback service name). */
  dirName: string;
  /** --service-dir: the app's directory, relative to the root; skips service selection. */
  serviceDir?: string;
}

const DETECTORS: Readonly<Record<Language, (files: RepoFiles, dir: string) => AppFacts | null>> = {
  node: detectNode,
  python: detectPython,
  go: detectGo,
  java: detectJava,
};

/**
 * Everything the repository says about itself. Picks the app directory
 * (--service-dir, else the root when it is an app, else the only deployable
 * service of a monorepo), then runs that language's detector. Never throws on
 * odd repositories: unknowns are null and `notes` say what was guessed.
 */
export function detectRepo(files: RepoFiles, opts: DetectOptions): RepoFacts {
  const notes: string[] = [];
  let members = findServices(files);
  const rootCandidates = languageCandidates(files, '.');
  const root = pickCandidate(rootCandidates);
  // A workspace root's start script usually fans out to the members; it is not itself the service.
  const workspaceRoot = nodeWorkspaces(files, '.', parseJsonObject(files.read('package.json'))).length > 0 || files.exists('go.work');
  const rootIsApp = root !== null && root.deployable && !(workspaceRoot && members.length > 0);

  // No manifest at the root (or a package.json of tooling only) and no monorepo layout: the
  // root's own folders (backend/ + frontend/). A root app of a framework we do not know stays the app.
  const rootIsTooling = rootCandidates.every((c) => c.language === 'node' && !c.deployable);
  const topLevel = opts.serviceDir === undefined && rootIsTooling && members.length === 0 ? pickTopLevelApp(findTopLevelApps(files)) : null;
  if (topLevel) members = topLevel.members;

  let appDir = '.';
  let ambiguous = false;
  if (opts.serviceDir !== undefined) {
    const dir = normalizePath(opts.serviceDir);
    if (dir === null || !files.isDirectory(dir)) {
      notes.push(`--service-dir ${opts.serviceDir} is not a directory inside the repository`);
      ambiguous = true;
    } else {
      appDir = dir;
    }
  } else if (topLevel?.chosen) {
    appDir = topLevel.chosen;
    notes.push(topLevel.note);
  } else if (!rootIsApp && members.length === 1 && members[0]) {
    appDir = members[0].dir;
    notes.push(`app in ${appDir}: the only deployable service in the repository`);
  } else if (!rootIsApp && members.length > 1) {
    ambiguous = true;
    notes.push(
      `several deployable services (${members.map((s) => `${s.dir} (${s.language ?? 'unknown'})`).join(', ')}): pass --service-dir to choose one`,
    );
  }

  const candidates = ambiguous ? [] : languageCandidates(files, appDir);
  const best = pickCandidate(candidates);
  const other = ambiguous ? null : otherLanguage(files, appDir);
  // An unsupported language's manifest beats a package.json that is only tooling (e.g. Rails + webpack).
  const language = best && (best.deployable || other === null) ? best.language : null;
  if (candidates.length > 1 && language !== null) {
    notes.push(`${candidates.map((c) => c.language).join(' and ')} manifests in ${appDir}: using ${language}${best?.web ? ' (it has a web framework)' : ''}`);
  }
  if (language === null && other !== null) notes.push(`${other} is not supported yet`);
  if (language === null && other === null && !ambiguous) notes.push(`no supported manifest (package.json, pyproject.toml, requirements.txt, go.mod, pom.xml, build.gradle) in ${appDir}`);

  const app = language === null ? null : DETECTORS[language](files, appDir);
  // Every language: the checks then ask for the default, which the app may not serve.
  if (app !== null && app.healthPath === null) notes.push(`no health route found (${HEALTH_PATHS.join(', ')}): the health checks ask for /healthz unless --health-path names another; the app must answer it with a 2xx, or deploys roll back`);
  const rootService: ServiceInfo[] = rootIsApp && root ? [{ name: opts.dirName, dir: '.', language: root.language }] : [];
  const services = [...rootService, ...members];

  return {
    language: app?.language ?? null,
    otherLanguage: language === null ? other : null,
    framework: app?.framework ?? null,
    packageManager: app?.packageManager ?? null,
    lockfile: app?.lockfile ?? null,
    runtimeVersion: app?.runtimeVersion ?? null,
    runtimeVersionSource: app?.runtimeVersionSource ?? null,
    buildCommand: app?.buildCommand ?? null,
    testCommand: app?.testCommand ?? null,
    lintCommand: app?.lintCommand ?? null,
    startCommand: app?.startCommand ?? null,
    port: app?.port ?? null,
    portSource: app?.portSource ?? null,
    healthPath: app?.healthPath ?? null,
    readinessPath: app?.readinessPath ?? null,
    metricsLibrary: app?.metricsLibrary ?? null,
    appDir,
    services,
    existing: detectExistingDevops(files, appDir),
    git: detectGit(files),
    dirName: opts.dirName,
    node: app?.node ?? null,
    python: app?.python ?? null,
    go: app?.go ?? null,
    java: app?.java ?? null,
    notes: [...notes, ...(app?.notes ?? [])],
  };
}

/**
 * The app to deploy among the root's folders: the one server-side app (a web framework),
 * else the one runnable app; none when several compete (they are listed for --service-dir).
 */
function pickTopLevelApp(top: TopLevelApps): { members: ServiceInfo[]; chosen: string | null; note: string } {
  const members = top.servers.length > 0 ? top.servers : top.runnable;
  const chosen = members.length === 1 ? members[0]! : null;
  if (chosen === null) return { members, chosen: null, note: '' };
  const passedOver = [...top.servers, ...top.runnable, ...top.others].filter((a) => a !== chosen);
  const why = top.servers.length > 0 ? 'the only server-side app (web framework)' : 'the only runnable app';
  const others = passedOver.length === 0 ? '' : `, not ${passedOver.map((a) => `${a.dir} (${a.language ?? 'unknown'})`).join(', ')}`;
  const other = passedOver.length === 1 ? passedOver[0]!.dir : '<dir>';
  return { members, chosen: chosen.dir, note: `app in ${chosen.dir}: ${why} among the top-level folders${others}; pass --service-dir ${other} to deploy another` };
}

/** detectRepo on a directory on disk; the directory's name is the fallback service name. */
export function detectRepoOnDisk(root: string, opts: { serviceDir?: string } = {}): RepoFacts {
  const dirName = basename(resolve(root));
  const detectOpts: DetectOptions = opts.serviceDir === undefined ? { dirName } : { dirName, serviceDir: opts.serviceDir };
  return detectRepo(filesFromDisk(root), detectOpts);
}
