
/**
 * Generated files with uncommitted changes (git status), never-committed ones
 * included, or [] outside git.
 * `upgrade` refuses to run over them unless --allow-dirty, so that a merge
 * can always be undone with git.
 */
export async function dirtyPaths(root: string, paths: readonly string[]): Promise<string[]> {
  if (paths.length === 0) return [];
  const { execa } = await import('execa');
  const r = await execa('git', ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', ...paths], { cwd: root, reject: false });
  if (r.exitCode !== 0) return []; // not a repository, or no git: nothing to protect with
  return String(r.stdout)
    .split('\0')
    .filter((l) => l.length > 3)
    .map((l) => l.slice(3))
    .sort();
}
