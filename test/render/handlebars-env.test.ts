import { describe, expect, it } from 'vitest';
import { createTemplateEnv, renderTemplate } from '../../src/render/handlebars-env.js';
import { hclString } from '../../src/render/escape/hcl.js';
import { shellWord } from '../../src/render/escape/shell.js';
import { yamlBlock, yamlScalar } from '../../src/render/escape/yaml.js';
import { dockerfileExec, dockerfileQuoted } from '../../src/render/escape/dockerfile.js';
import { parse as parseYaml } from 'yaml';
import { execFileSync } from 'node:child_process';

const env = createTemplateEnv();
const render = (src: string, ctx: object = {}) => renderTemplate(env, src, ctx);

describe('template environment', () => {
  it('fails loudly on a missing value (strict mode)', () => {
    expect(() => render('image: {{image.name}}', { image: {} })).toThrow(/name/);
  });

  it('does not HTML-escape', () => {
    expect(render('{{v}}', { v: `a<b>&"c'` })).toBe(`a<b>&"c'`);
  });

  it('passes GitHub and Prometheus expressions through', () => {
    expect(render('ref: {{gh "github.sha"}}')).toBe('ref: ${{ github.sha }}');
    expect(render('x: \\{{ y }}')).toBe('x: {{ y }}');
    expect(render('summary: {{prom "$labels.service"}} down')).toBe('summary: {{ $labels.service }} down');
  });

  it('writes the header with the regenerate command and no version or date', () => {
    const out = render('{{header "#"}}', { tool: { name: 'create-devops-stack', regenerateCommand: 'npx create-devops-stack@latest upgrade' } });
    expect(out.split('\n').every((l) => l.startsWith('# '))).toBe(true);
    expect(out).toContain('npx create-devops-stack@latest upgrade');
    expect(out).not.toMatch(/\d{4}-\d{2}-\d{2}|0\.\d+\.\d+/);
  });

  it('helpers refuse objects instead of printing [object Object]', () => {
    expect(() => render('{{yaml v}}', { v: { a: 1 } })).toThrow(/yaml/);
  });
});

describe('escapers', () => {
  it('yaml: hostile strings round-trip as the same string', () => {
    for (const s of ['yes', 'on', '0755', '1e3', 'null', '~', 'a: b', '- x', '#c', '*ref', '&a', '{x}', '[y]', 'x #y', "it's", 'a"b', '', ' lead', 'multi\nline', '@x', '`x`', '%x', '!tag']) {
      expect(parseYaml(`k: ${yamlScalar(s)}`)).toEqual({ k: s });
    }
    expect(yamlScalar('my-service')).toBe('my-service');
  });

  it('yaml block: scripts read as written and round-trip (single lines stay scalars)', () => {
    const script = 'mkdir -p "$D"\nnpm test -- \\\n  --a=1 # not a comment\n\necho \'done: ok\'';
    const block = yamlBlock(script, 4);
    expect(block.startsWith('|\n    mkdir -p "$D"\n')).toBe(true);
    expect(parseYaml(`job:\n  run: ${block}\n`)).toEqual({ job: { run: `${script}\n` } });
    for (const s of ['npm test', 'yes', ' lead\nx', 'a: b']) expect(parseYaml(`k: ${yamlBlock(s, 2)}`)).toEqual({ k: s });
  });

  it('shell: hostile strings reach the program unchanged', () => {
    for (const s of ['plain', 'with space', "it's", '$(rm -rf /)', '`id`', 'a;b', '"q"', '*', '$HOME', 'new\nline']) {
      expect(execFileSync('sh', ['-c', `printf %s ${shellWord(s)}`]).toString()).toBe(s);
    }
  });

  it('hcl: interpolation and directives are escaped', () => {
    expect(hclString('${var.x}')).toBe('"$${var.x}"');
    expect(hclString('%{if x}')).toBe('"%%{if x}"');
    expect(hclString('say "hi"\n')).toBe('"say \\"hi\\"\\n"');
  });

  it('dockerfile: exec arrays are JSON even with commas; quoted values escape $ and quotes', () => {
    expect(JSON.parse(dockerfileExec(['sh', '-c', 'a,b']))).toEqual(['sh', '-c', 'a,b']);
    expect(dockerfileQuoted('a "b" $HOME')).toBe('"a \\"b\\" \\$HOME"');
  });
});
