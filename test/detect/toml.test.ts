import { describe, expect, it } from 'vitest';
import { parseToml, tomlStrings, tomlTable } from '../../src/detect/toml.js';

describe('parseToml', () => {
  it('reads tables, dotted keys, multi-line arrays with comments, and inline tables', () => {
    const doc = parseToml(`
# top
title = "x # not a comment"
[project]
name = 'svc'
dependencies = [
  "fastapi>=0.110",  # web
  'uvicorn[standard]',
]
urls.homepage = "https://example.com"

[tool.poetry.dependencies]
python = "^3.12"
django = { version = "^5.0", extras = ["argon2"] }
"my.pkg" = "*"

[[tool.uv.index]]
name = "a"
[[tool.uv.index]]
name = "b"
`);
    expect(doc?.title).toBe('x # not a comment');
    expect(tomlStrings(tomlTable(doc, 'project'), 'dependencies')).toEqual(['fastapi>=0.110', 'uvicorn[standard]']);
    expect(tomlTable(doc, 'project', 'urls')).toEqual({ homepage: 'https://example.com' });
    expect(Object.keys(tomlTable(doc, 'tool', 'poetry', 'dependencies') ?? {})).toEqual(['python', 'django', 'my.pkg']);
    expect(tomlTable(doc, 'tool', 'poetry', 'dependencies')?.django).toEqual({ version: '^5.0', extras: ['argon2'] });
    expect(tomlTable(doc, 'tool', 'uv')?.index).toEqual([{ name: 'a' }, { name: 'b' }]);
  });

  it('reads numbers, booleans, escapes and multi-line strings', () => {
    const doc = parseToml('a = 1_000\nb = true\nc = "tab\\tq\\"u"\nd = """\nline1\nline2"""\ne = 2024-01-01\n');
    expect(doc).toEqual({ a: 1000, b: true, c: 'tab\tq"u', d: 'line1\nline2', e: '2024-01-01' });
  });

  it('returns null for text it cannot read instead of throwing', () => {
    expect(parseToml('[project\nname = "x"')).toBeNull();
    expect(parseToml('a = "unterminated')).toBeNull();
    expect(parseToml(undefined)).toBeNull();
  });
});
