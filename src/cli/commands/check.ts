
import { blobId } from '../../apply/blob-id.js';
import { MANIFEST_PATH, readManifest } from '../../apply/manifest.js';
import { readInside } from '../../apply/safe-path.js';
import { refuseInterrupted } from '../../apply/transaction.js';
import { buildSourceFindings, imageBuilds } from '../../check/build-sources.js';
import { checkFiles } from '../../check/check-files.js';
import { githubAnnotation } from '../../check/github-annotation.js';
import type { Finding } from '../../check/types.js';
import { detectGit } from '../../detect/git-remote.js';
import { joinPath } from '../../detect/paths.js';
import { filesFromDisk } from '../../detect/repo-files.js';
import { UserError } from '../../errors.js';
import { TOOL_NAME } from '../../package-root.js';
import { targetDir } from '../target-dir.js';
import type { Output } from '../output.js';

export interface Drift {
  path: string;
  state: 'edited' | 'deleted';
}

/**
 * `check [dir]`: validates the generated files as they are now, and reports
 * drift from what was generated. Exit 0 clean, 1 errors, 2 drift only.
 */
export async function runCheck(dir: string, flags: { json?: boolean; githubAnnotations?: boolean }, out: Output): Promise<number> {
  const root = targetDir(dir);
  // A run killed mid-write would read as drift; undoing it is a write, which check never does.
  refuseInterrupted(root, `${TOOL_NAME} upgrade${dir === '.' ? '' : ` ${dir}`}`);
  const manifest = readManifest(root);
  if (manifest === null) throw new UserError(`no ${MANIFEST_PATH} in ${dir}: nothing generated to check`);
  const files = new Map<string, string>();
  const drift: Drift[] = [];
  const unreadable: Finding[] = [];
  for (const [path, entry] of Object.entries(manifest.files)) {
    let content: string | null;
    try {
      content = readInside(root, path);
    } catch (e) {
      // A symlink, a directory, a path through a link leaving the target: not read, not followed.
      if (!(e instanceof UserError)) throw e;
      unreadable.push({ path, line: null, rule: 'stack/unreadable', message: `not checked: ${e.message}`, severity: 'error' });
      continue;
    }
    if (content === null) {
      drift.push({ path, state: 'deleted' });
      continue;
    }
    files.set(path, content);
    if (blobId(content) !== entry.blob) drift.push({ path, state: 'edited' });
  }
  const repoFiles = filesFromDisk(root);
  const language = manifest.answers.language ?? 'node';
  // A vendoring Go module's ignore file keeps vendor/, which its build reads.
  const goVendored = language === 'go' && repoFiles.exists(joinPath(manifest.answers.serviceDir ?? '.', 'vendor/modules.txt'));
  const findings = [...unreadable, ...(await checkFiles(files, { language, goVendored, pinTable: false }))];
  // What the image builds read from the repository, as CI's build steps run them.
  const workflows = new Map([...files].filter(([p]) => p.startsWith('.github/workflows/')));
  for (const build of imageBuilds(workflows)) findings.push(...buildSourceFindings(build, repoFiles));
  if (detectGit(repoFiles).owner === null) {
    findings.push({ path: MANIFEST_PATH, line: null, rule: 'stack/placeholder', message: 'no GitHub remote: OIDC subjects and runbook links use OWNER/REPO; add the remote (git remote add origin ...) and run upgrade', severity: 'warning' });
  }
  const errors = findings.filter((f) => f.severity === 'error');
  if (flags.json) out.out(JSON.stringify({ root, findings, drift }, null, 2));
  else report(findings, drift, out, flags.githubAnnotations === true);
  return errors.length > 0 ? 1 : drift.length > 0 ? 2 : 0;
}

function report(findings: Finding[], drift: Drift[], out: Output, annotate: boolean): void {
  for (const f of findings) {
    if (annotate) {
      out.out(githubAnnotation(f));
      continue;
    }
    const where = f.line === null ? f.path : `${f.path}:${f.line}`;
    out.out(`${out.color(f.severity === 'error' ? 'red' : 'yellow', f.severity.padEnd(7))} ${where}  ${f.message} ${out.color('dim', `[${f.rule}]`)}`);
  }
  for (const d of drift) out.out(`${out.color('cyan', 'drift  ')} ${d.path}  ${d.state} since generated`);
  const errors = findings.filter((f) => f.severity === 'error').length;
  out.out(`${errors} error(s), ${findings.length - errors} warning(s), ${drift.length} drifted file(s)`);
}

