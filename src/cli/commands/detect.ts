import { detectRepoOnDisk } from '../../detect/index.js';
import { targetDir } from '../target-dir.js';
import type { Output } from '../output.js';

/** `detect [dir]`: RepoFacts as JSON (--json) or a short human summary. */
export function runDetect(dir: string, flags: { json?: boolean; serviceDir?: string }, out: Output): number {
  const root = targetDir(dir);
  const facts = detectRepoOnDisk(root, flags.serviceDir === undefined ? {} : { serviceDir: flags.serviceDir });
  if (flags.json) {
    out.out(JSON.stringify(facts, null, 2));
    return 0;
  }
  const show = (k: string, v: unknown) => out.out(`${out.color('dim', `${k}:`.padEnd(16))} ${v === null ? '-' : String(v)}`);
  show('language', facts.language ?? facts.otherLanguage);
  show('framework', facts.framework);
  show('package manager', facts.packageManager);
  // Generating says which line it picks instead (stack/versions.ts), so this is not a note.
  const noVersion = facts.language === null ? null : 'none declared: the generated files use our default';
  show('runtime', facts.runtimeVersion === null ? noVersion : `${facts.runtimeVersion} (${facts.runtimeVersionSource})`);
  show('build', facts.buildCommand);
  show('test', facts.testCommand);
  show('start', facts.startCommand);
  show('port', facts.port);
  show('health path', facts.healthPath);
  show('app dir', facts.appDir);
  show('services', facts.services.map((s) => `${s.dir} (${s.language ?? '?'})`).join(', '));
  show('github', facts.git.owner && `${facts.git.owner}/${facts.git.repo}`);
  for (const note of facts.notes) out.out(out.color('dim', `note: ${note}`));
  return 0;
}
