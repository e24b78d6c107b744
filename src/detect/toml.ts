/**
 * A small TOML reader for manifests (pyproject.toml, Pipfile, Cargo.toml).
 * It covers tables, arrays of tables, dotted keys, strings, arrays and inline
 * tables; dates and special floats come back as their raw text. It is lenient
 * (later keys overwrite earlier ones) because we only read, never validate.
 */

/** A TOML value; dates and special floats stay strings. */
export type TomlValue = string | number | boolean | TomlValue[] | TomlTable;
export interface TomlTable {
  [key: string]: TomlValue;
}

/** Parses TOML text; null when it is missing or not valid enough to read. */
export function parseToml(text: string | undefined): TomlTable | null {
  if (text === undefined) return null;
  try {
    return new Parser(text).document();
  } catch {
    return null;
  }
}

/** The table at a dotted path (`tomlTable(doc, 'tool', 'poetry')`), or null. */
export function tomlTable(doc: TomlTable | null, ...path: string[]): TomlTable | null {
  let cur: TomlValue | undefined = doc ?? undefined;
  for (const key of path) {
    if (!isTable(cur)) return null;
    cur = cur[key];
  }
  return isTable(cur) ? cur : null;
}

/** The strings of an array at `table[key]`, or []. */
export function tomlStrings(table: TomlTable | null, key: string): string[] {
  const v = table?.[key];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** A string at `table[key]`, or null. */
export function tomlString(table: TomlTable | null, key: string): string | null {
  const v = table?.[key];
  return typeof v === 'string' ? v : null;
}

/** A TOML table (not an array, not a scalar). */
export function isTable(v: TomlValue | undefined): v is TomlTable {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class Parser {
  private pos = 0;
  constructor(private readonly text: string) {}

  document(): TomlTable {
    const root: TomlTable = {};
    let current = root;
    for (;;) {
      this.skipBlank(true);
      if (this.pos >= this.text.length) return root;
      if (this.text.startsWith('[[', this.pos)) {
        this.pos += 2;
        const path = this.key();
        this.expect(']]');
        const parent = this.tableAt(root, path.slice(0, -1));
        const last = path[path.length - 1] as string;
        const existing = parent[last];
        const list = Array.isArray(existing) ? existing : [];
        parent[last] = list;
        current = {};
        list.push(current);
      } else if (this.peek() === '[') {
        this.pos++;
        const path = this.key();
        this.expect(']');
        current = this.tableAt(root, path);
      } else {
        this.keyValue(current);
      }
      this.skipBlank(false);
      if (this.pos < this.text.length && this.peek() !== '\n' && this.peek() !== '\r') {
        throw new Error(`unexpected ${this.peek()} at ${this.pos}`);
      }
    }
  }

  private keyValue(into: TomlTable): void {
    const path = this.key();
    this.skipBlank(false);
    this.expect('=');
    this.skipBlank(false);
    const table = this.tableAt(into, path.slice(0, -1));
    table[path[path.length - 1] as string] = this.value();
  }

  /** Walks (creating) nested tables; an array of tables resolves to its last entry. */
  private tableAt(root: TomlTable, path: string[]): TomlTable {
    let cur = root;
    for (const key of path) {
      let next = cur[key];
      if (Array.isArray(next)) next = next[next.length - 1];
      if (next === undefined) {
        next = {};
        cur[key] = next;
      }
      if (!isTable(next)) throw new Error(`${key} is not a table`);
      cur = next;
    }
    return cur;
  }

  private key(): string[] {
    const parts: string[] = [];
    for (;;) {
      this.skipBlank(false);
      const c = this.peek();
      if (c === '"' || c === "'") {
        parts.push(this.string());
      } else {
        const m = /^[A-Za-z0-9_-]+/.exec(this.text.slice(this.pos, this.pos + 200));
        if (!m) throw new Error(`bad key at ${this.pos}`);
        parts.push(m[0]);
        this.pos += m[0].length;
      }
      this.skipBlank(false);
      if (this.peek() !== '.') return parts;
      this.pos++;
    }
  }

  private value(): TomlValue {
    const c = this.peek();
    if (c === '"' || c === "'") return this.string();
    if (c === '[') return this.array();
    if (c === '{') return this.inlineTable();
    const m = /^[^\s,\]}#]+/.exec(this.text.slice(this.pos, this.pos + 200));
    if (!m) throw new Error(`bad value at ${this.pos}`);
    this.pos += m[0].length;
    const raw = m[0];
    if (raw === 'true') return true;
    if (raw === 'false') return false;
    if (/^[+-]?\d[\d_]*(\.\d[\d_]*)?([eE][+-]?\d+)?$/.test(raw)) return Number(raw.replace(/_/g, ''));
    return raw;
  }

  private array(): TomlValue[] {
    this.pos++;
    const out: TomlValue[] = [];
    for (;;) {
      this.skipBlank(true);
      if (this.peek() === ']') break;
      out.push(this.value());
      this.skipBlank(true);
      if (this.peek() === ',') {
        this.pos++;
        continue;
      }
      if (this.peek() !== ']') throw new Error(`bad array at ${this.pos}`);
    }
    this.pos++;
    return out;
  }

  private inlineTable(): TomlTable {
    this.pos++;
    const out: TomlTable = {};
    for (;;) {
      this.skipBlank(true);
      if (this.peek() === '}') break;
      this.keyValue(out);
      this.skipBlank(true);
      if (this.peek() === ',') {
        this.pos++;
        continue;
      }
      if (this.peek() !== '}') throw new Error(`bad inline table at ${this.pos}`);
    }
    this.pos++;
    return out;
  }

  private string(): string {
    const t = this.text;
    if (t.startsWith('"""', this.pos) || t.startsWith("'''", this.pos)) {
      const quote = t.slice(this.pos, this.pos + 3);
      const end = t.indexOf(quote, this.pos + 3);
      if (end < 0) throw new Error('unterminated string');
      let body = t.slice(this.pos + 3, end).replace(/^\r?\n/, '');
      this.pos = end + 3;
      if (quote === '"""') body = unescape(body.replace(/\\\r?\n\s*/g, ''));
      return body;
    }
    const quote = t[this.pos];
    let j = this.pos + 1;
    while (j < t.length && t[j] !== quote && t[j] !== '\n') j += quote === '"' && t[j] === '\\' ? 2 : 1;
    if (t[j] !== quote) throw new Error('unterminated string');
    const body = t.slice(this.pos + 1, j);
    this.pos = j + 1;
    return quote === '"' ? unescape(body) : body;
  }

  /** Skips spaces and comments, and newlines too when `newlines`. */
  private skipBlank(newlines: boolean): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t[this.pos];
      if (c === ' ' || c === '\t' || (newlines && (c === '\n' || c === '\r'))) {
        this.pos++;
      } else if (c === '#') {
        while (this.pos < t.length && t[this.pos] !== '\n') this.pos++;
      } else {
        return;
      }
    }
  }

  private peek(): string {
    return this.text[this.pos] ?? '';
  }

  private expect(s: string): void {
    this.skipBlank(false);
    if (!this.text.startsWith(s, this.pos)) throw new Error(`expected ${s} at ${this.pos}`);
    this.pos += s.length;
  }
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '"': '"', '\\': '\\' };

function unescape(s: string): string {
  return s.replace(/\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)/g, (_, e: string) =>
    e.length > 1 ? String.fromCodePoint(parseInt(e.slice(1), 16)) : (ESCAPES[e] ?? e),
  );
}
