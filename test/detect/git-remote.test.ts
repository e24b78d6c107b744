import { describe, expect, it } from 'vitest';
import { detectGit, originUrl, parseGitHubRemote } from '../../src/detect/git-remote.js';
import { filesFromMap } from '../../src/detect/repo-files.js';

const config = (url: string) =>
  `[core]\n\trepositoryformatversion = 0\n[remote "upstream"]\n\turl = https://github.com/other/fork.git\n[remote "origin"]\n\turl = ${url}\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n[branch "main"]\n\tremote = origin\n`;

describe('parseGitHubRemote', () => {
  it.each([
    ['https://github.com/acme/shop.git', 'acme', 'shop'],
    ['https://github.com/acme/shop', 'acme', 'shop'],
    ['https://x-access-token@github.com/acme/shop.git', 'acme', 'shop'],
    ['git@github.com:acme/shop.git', 'acme', 'shop'],
    ['git@github.com:acme/shop', 'acme', 'shop'],
    ['ssh://git@github.com/acme/shop', 'acme', 'shop'],
    ['ssh://git@github.com:22/acme/shop.git', 'acme', 'shop'],
    ['git://github.com/acme/my.repo.git', 'acme', 'my.repo'],
  ])('%s → %s/%s', (url, owner, repo) => {
    expect(parseGitHubRemote(url)).toEqual({ owner, repo });
  });

  it.each(['https://gitlab.com/acme/shop.git', 'git@github.example.com:acme/shop.git', 'https://github.com/acme', '/srv/git/shop.git'])(
    'is null for %s',
    (url) => {
      expect(parseGitHubRemote(url)).toBeNull();
    },
  );
});

describe('detectGit', () => {
  it('reads origin (not another remote) and the default branch from origin/HEAD', () => {
    const git = detectGit(
      filesFromMap({
        '.git/config': config('git@github.com:acme/shop.git'),
        '.git/HEAD': 'ref: refs/heads/feature/x\n',
        '.git/refs/remotes/origin/HEAD': 'ref: refs/remotes/origin/trunk\n',
      }),
    );
    expect(git).toEqual({ remote: 'git@github.com:acme/shop.git', owner: 'acme', repo: 'shop', defaultBranch: 'trunk' });
  });

  it('falls back to the checked-out branch from .git/HEAD', () => {
    const git = detectGit(filesFromMap({ '.git/config': config('https://github.com/acme/shop'), '.git/HEAD': 'ref: refs/heads/main\n' }));
    expect(git.defaultBranch).toBe('main');
    expect(git.repo).toBe('shop');
  });

  it('keeps a non-GitHub remote but no owner/repo; a detached HEAD gives no branch', () => {
    const git = detectGit(filesFromMap({ '.git/config': config('https://gitlab.com/acme/shop.git'), '.git/HEAD': '3f1c2a9e0b\n' }));
    expect(git).toEqual({ remote: 'https://gitlab.com/acme/shop.git', owner: null, repo: null, defaultBranch: null });
  });

  it('returns nulls when .git is a file (worktree or submodule) or missing', () => {
    const nulls = { remote: null, owner: null, repo: null, defaultBranch: null };
    expect(detectGit(filesFromMap({ '.git': 'gitdir: ../.git/worktrees/x\n' }))).toEqual(nulls);
    expect(detectGit(filesFromMap({ 'README.md': '' }))).toEqual(nulls);
  });

  it('has no origin when only other remotes exist', () => {
    expect(originUrl('[remote "upstream"]\n\turl = git@github.com:a/b.git\n')).toBeNull();
  });
});
