import { posix } from 'node:path';
import { joinPath, normalizePath } from './paths.js';
import type { RepoFiles } from './types.js';

/**
 * Calls that open files by path when the app runs, with the argument that
 * names them: html/text templates, gin/echo/fiber static and template
 * loaders, http.Dir, and plain file reads. A distroless image holds only the
 * binary, so each of these fails there unless the files are copied in too.
 */
const READS: ReadonlyArray<{ re: RegExp; what: string }> = [
  { re: /\b(?:template\.)?(ParseGlob|ParseFiles|LoadHTMLGlob|LoadHTMLFiles)\(\s*("[^"]*"(?:\s*,\s*"[^"]*")*)/g, what: '$1' },
  { re: /\.(Static|StaticFile)\(\s*"[^"]*"\s*,\s*("[^"]*")/g, what: '$1' },
  { re: /\b(http\.Dir)\(\s*("[^"]*")/g, what: '$1' },
  { re: /\b((?:os|ioutil)\.(?:ReadFile|Open|ReadDir))\(\s*("[^"]*")/g, what: '$1' },
];
/** A call with a first argument that is not a string literal: nothing to copy, only to warn about. */
const DYNAMIC_READ = /\b(ParseGlob|ParseFiles|LoadHTMLGlob|LoadHTMLFiles|http\.Dir)\(\s*[^"\s)]/;

/** What the app reads at run time, found in its source. */
export interface RuntimeFiles {
  /** Files and folders to ship beside the binary, relative to the module dir (the working directory the paths resolve from). */
  paths: string[];
  notes: string[];
}

/** The part of a path argument to copy: a glob's folder, or the file or folder itself. */
function copyTarget(arg: string): string | null {
  const path = normalizePath(arg);
  if (path === null || arg.startsWith('/') || path === '.') return null;
  const parts = path.split('/');
  const glob = parts.findIndex((p) => /[*?[]/.test(p));
  return glob < 0 ? path : glob === 0 ? null : parts.slice(0, glob).join('/');
}

/**
 * The files a Go module's code opens by literal relative path (resolved from
 * the working directory, which `go run` from the module root and the image's
 * WORKDIR share), when they exist in the module; notes for the rest.
 */
export function goRuntimeFiles(files: RepoFiles, dir: string, goFiles: readonly string[]): RuntimeFiles {
  const paths = new Set<string>();
  const notes: string[] = [];
  for (const file of goFiles) {
    const text = files.read(file) ?? '';
    for (const { re } of READS) {
      for (const m of text.matchAll(re)) {
        const call = m[1] ?? '';
        for (const arg of (m[2] ?? '').matchAll(/"([^"]*)"/g)) {
          const path = arg[1] ?? '';
          const target = copyTarget(path);
          // Absolute paths are the system's (/etc/ssl/...); dotfiles (.env, keys) stay out of images.
          if (path.startsWith('/')) continue;
          if (target !== null && target.split('/').some((p) => p.startsWith('.'))) {
            notes.push(`${file} reads ${JSON.stringify(path)} at run time (${call}): the image leaves dotfiles out; pass its settings as environment variables or secrets`);
          } else if (target !== null && files.exists(joinPath(dir, target))) paths.add(target);
          else notes.push(`${file} reads ${JSON.stringify(arg[1])} at run time (${call}), which is not a file or folder of the module: the image will not have it; embed it (//go:embed) or copy it in`);
        }
      }
    }
    const dynamic = DYNAMIC_READ.exec(text);
    if (dynamic) notes.push(`${file} reads files at run time (${dynamic[1]}) by a computed path: the image holds only the binary, so embed them (//go:embed) or copy them in`);
  }
  // A folder covers what is inside it.
  const sorted = [...paths].sort();
  const kept = sorted.filter((p) => !sorted.some((q) => q !== p && p.startsWith(`${q}/`)));
  if (kept.length > 0) notes.push(`the app reads ${kept.join(', ')} at run time: the image copies ${kept.length > 1 ? 'them' : 'it'} beside the binary (or embed with //go:embed)`);
  return { paths: kept.map((p) => posix.normalize(p)), notes };
}
