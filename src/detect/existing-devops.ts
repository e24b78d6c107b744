import { joinPath } from './paths.js';
import type { ExistingDevops, RepoFiles } from './types.js';

const DOCKERFILE = /^dockerfile([.-].*)?$|\.dockerfile$/i;
const COMPOSE = /^(docker-)?compose([.-][\w.-]*)?\.ya?ml$/i;
const YAML = /\.ya?ml$/i;
const TERRAFORM_DIRS = ['infra', 'terraform', 'deploy'];
const PROMETHEUS_DIRS = ['monitoring', 'prometheus'];
// Only caches are skipped: names like env/ or build/ are ordinary Terraform folders.
const SKIP = new Set(['.terraform', 'node_modules', '.git']);

/**
 * DevOps files already in the repository, so generation can warn before
 * clobbering them. Looks at the root and at the app dir `dir`; Terraform in
 * the root and under infra/, terraform/, deploy/ (3 levels); Prometheus
 * rules/config under monitoring/ or prometheus/. Paths are repository-relative and sorted.
 */
export function detectExistingDevops(files: RepoFiles, dir: string): ExistingDevops {
  const dirs = dir === '.' ? ['.'] : ['.', dir];
  const inDirs = (re: RegExp): string[] =>
    dirs.flatMap((d) => files.list(d).filter((n) => re.test(n)).map((n) => joinPath(d, n)).filter((p) => !files.isDirectory(p)));

  const dockerfile = inDirs(DOCKERFILE);
  const dockerignore = inDirs(/^\.dockerignore$/);
  const compose = inDirs(COMPOSE);
  const workflows = files.list('.github/workflows').filter((n) => YAML.test(n)).map((n) => `.github/workflows/${n}`);
  const dependabot = ['.github/dependabot.yml', '.github/dependabot.yaml'].filter((p) => files.exists(p));

  const terraform = [
    ...walkTree(files, '.', ['.tf'], 0),
    ...TERRAFORM_DIRS.flatMap((d) => walkTree(files, d, ['.tf'], 3)),
  ];

  const prometheus = dirs
    .flatMap((d) => PROMETHEUS_DIRS.flatMap((p) => walkTree(files, joinPath(d, p), ['.yml', '.yaml', '.rules'], 3)))
    .filter((f) => /^\s*(groups|scrape_configs)\s*:/m.test(files.read(f) ?? ''));

  return {
    dockerfile: sorted(dockerfile),
    dockerignore: sorted(dockerignore),
    compose: sorted(compose),
    workflows: sorted(workflows),
    terraform: sorted(terraform),
    prometheus: sorted(prometheus),
    dependabot,
  };
}

/** Files under `dir` with one of `exts`, `depth` levels of subdirectories deep, skipping caches. */
function walkTree(files: RepoFiles, dir: string, exts: readonly string[], depth: number): string[] {
  if (!files.isDirectory(dir)) return [];
  const out: string[] = [];
  for (const name of files.list(dir)) {
    const path = joinPath(dir, name);
    if (files.isDirectory(path)) {
      if (depth > 0 && !SKIP.has(name)) out.push(...walkTree(files, path, exts, depth - 1));
    } else if (exts.some((e) => name.endsWith(e))) {
      out.push(path);
    }
  }
  return out;
}

function sorted(paths: string[]): string[] {
  return [...new Set(paths)].sort();
}
