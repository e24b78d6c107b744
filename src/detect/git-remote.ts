import type { GitFacts, RepoFiles } from './types.js';

const NONE: GitFacts = { remote: null, owner: null, repo: null, defaultBranch: null };

/**
 * Reads the `origin` remote and default branch straight from .git (no git
 * binary needed). When .git is a file (a worktree or submodule pointing
 * elsewhere) everything is null rather than following the pointer out of
 * the repository.
 */
export function detectGit(files: RepoFiles): GitFacts {
  if (!files.isDirectory('.git')) return { ...NONE };
  const remote = originUrl(files.read('.git/config') ?? '');
  const slug = remote === null ? null : parseGitHubRemote(remote);
  return {
    remote,
    owner: slug?.owner ?? null,
    repo: slug?.repo ?? null,
    defaultBranch:
      branchFromRef(files.read('.git/refs/remotes/origin/HEAD'), 'refs/remotes/origin/') ??
      branchFromRef(files.read('.git/HEAD'), 'refs/heads/'),
  };
}

/** The `url` of `[remote "origin"]` in a git config file, or null. */
export function originUrl(config: string): string | null {
  let inOrigin = false;
  for (const raw of config.split('\n')) {
    const line = raw.replace(/(^|\s)[#;].*$/, '').trim();
    if (line.startsWith('[')) {
      inOrigin = /^\[\s*remote\s+"origin"\s*\]$/.test(line);
      continue;
    }
    const m = inOrigin ? /^url\s*=\s*(.+)$/.exec(line) : null;
    if (m?.[1]) return m[1].replace(/^"(.*)"$/, '$1');
  }
  return null;
}

/**
 * Owner and repository of a github.com remote in any of its forms:
 * https://github.com/o/r(.git), git@github.com:o/r.git, ssh://git@github.com[:22]/o/r,
 * git://github.com/o/r. Other hosts (GitHub Enterprise, GitLab...) give null.
 */
export function parseGitHubRemote(url: string): { owner: string; repo: string } | null {
  const m =
    /^(?:https?|ssh|git|git\+ssh):\/\/(?:[^@/]+@)?(?:www\.)?github\.com(?::\d+)?\/([^/]+)\/([^/]+?)\/?$/i.exec(url.trim()) ??
    /^(?:[^@/]+@)?github\.com:\/?([^/]+)\/([^/]+?)\/?$/i.exec(url.trim());
  if (!m?.[1] || !m[2]) return null;
  const repo = m[2].replace(/\.git$/i, '');
  return repo === '' ? null : { owner: m[1], repo };
}

/** 'ref: refs/heads/main' → 'main' (with `prefix` 'refs/heads/'); a detached HEAD gives null. */
function branchFromRef(text: string | undefined, prefix: string): string | null {
  const m = /^ref:\s*(\S+)/.exec(text?.trim() ?? '');
  return m?.[1]?.startsWith(prefix) ? m[1].slice(prefix.length) || null : null;
}
