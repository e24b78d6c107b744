/** The parts of go.mod detection needs. */
export interface GoMod {
  module: string | null;
  /** The `go` directive as written ('1.23' or '1.23.4'). */
  go: string | null;
  /** The `toolchain` directive without its 'go' prefix ('1.24.1'). */
  toolchain: string | null;
  /** Module paths from `require`, direct and indirect. */
  requires: string[];
  /** Directories `replace` points modules at ('./third_party/x', '../libs/shared'), as written. */
  localReplaces: string[];
}

/** Parses go.mod text (single-line and block `require`). */
export function parseGoMod(text: string): GoMod {
  const mod: GoMod = { module: null, go: null, toolchain: null, requires: [], localReplaces: [] };
  let inRequire = false;
  let inReplace = false;
  // `old [version] => ./dir`: a filesystem target starts with ./ or ../ (go.mod reference).
  const replaceTarget = (spec: string): void => {
    const target = spec.split('=>')[1]?.trim().split(/\s+/)[0] ?? '';
    if ((target.startsWith('./') || target.startsWith('../')) && !mod.localReplaces.includes(target)) mod.localReplaces.push(target);
  };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (inRequire) {
      if (line === ')') inRequire = false;
      else if (line !== '') mod.requires.push(line.split(/\s+/)[0] ?? '');
      continue;
    }
    if (inReplace) {
      if (line === ')') inReplace = false;
      else replaceTarget(line);
      continue;
    }
    const [keyword, first] = line.split(/\s+/);
    if (keyword === 'module' && first) mod.module = first.replace(/^"|"$/g, '');
    else if (keyword === 'go' && first) mod.go = first;
    else if (keyword === 'toolchain' && first) mod.toolchain = first.replace(/^go/, '');
    else if (keyword === 'require' && first === '(') inRequire = true;
    else if (keyword === 'require' && first) mod.requires.push(first);
    else if (keyword === 'replace' && first === '(') inReplace = true;
    else if (keyword === 'replace') replaceTarget(line);
  }
  return mod;
}

/** Directories listed by go.work `use` (single-line or block). */
export function parseGoWorkUses(text: string): string[] {
  const out: string[] = [];
  let inUse = false;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (inUse) {
      if (line === ')') inUse = false;
      else if (line !== '') out.push(line);
    } else if (/^use\s*\($/.test(line)) {
      inUse = true;
    } else {
      const m = /^use\s+(\S+)/.exec(line);
      if (m?.[1]) out.push(m[1]);
    }
  }
  return out;
}
