import type { GitFacts } from '../detect/types.js';
import type { RepoStack } from './types.js';

/**
 * Owner/repo from the git remote. Without a GitHub remote we still generate a
 * working stack, with OWNER/REPO placeholders that `check` and the docs point out.
 */
export function buildRepo(git: Pick<GitFacts, 'owner' | 'repo' | 'defaultBranch'>): RepoStack {
  const known = git.owner !== null && git.repo !== null;
  const owner = git.owner ?? 'OWNER';
  const name = git.repo ?? 'REPO';
  return {
    owner,
    name,
    slug: `${owner}/${name}`,
    known,
    defaultBranch: git.defaultBranch ?? 'main',
    url: `https://github.com/${owner}/${name}`,
  };
}
