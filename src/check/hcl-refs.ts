import type { Finding } from './types.js';
import { asArray, asObject, labelled1, labelled2, stringsIn, type HclJson } from './hcl-parse.js';

/** What one module directory declares, merged over its .tf files. */
export interface ModuleDecls {
  dir: string;
  variables: Map<string, { required: boolean }>;
  locals: Set<string>;
  outputs: Set<string>;
  resources: Set<string>;
  data: Set<string>;
  modules: Map<string, { source: string; args: string[]; file: string }>;
  /** Expressions with the file they came from. */
  expressions: Array<{ file: string; text: string }>;
  /** Where each variable, local and data source is declared: `var.x`, `local.y`, `data.t.n` -> file. */
  declaredIn: Map<string, string>;
  /** The `var.x`, `local.y` and `data.t.n` that some expression of the directory refers to (the terraform block's too). */
  used: Set<string>;
  /** Variables declared without a `type`, with their file. */
  untyped: Array<{ name: string; file: string }>;
  /** Providers the directory uses (resource and data source type prefixes, provider blocks) -> a file that uses it. */
  providersUsed: Map<string, string>;
  /** required_providers entries: name -> whether they set source and version. */
  requiredProviders: Map<string, { source: boolean; version: boolean }>;
}

const MODULE_META = new Set(['source', 'version', 'providers', 'count', 'for_each', 'depends_on']);

/** Collects the declarations of one directory's parsed files. */
export function collectDecls(dir: string, files: Array<{ path: string; json: HclJson }>): ModuleDecls {
  const d: ModuleDecls = { dir, variables: new Map(), locals: new Set(), outputs: new Set(), resources: new Set(), data: new Set(), modules: new Map(), expressions: [], declaredIn: new Map(), used: new Set(), untyped: [], providersUsed: new Map(), requiredProviders: new Map() };
  for (const { path, json } of files) {
    for (const [name, body] of labelled1(json.variable)) {
      d.variables.set(name, { required: !('default' in body) });
      d.declaredIn.set(`var.${name}`, path);
      if (!('type' in body)) d.untyped.push({ name, file: path });
    }
    const usesProvider = (name: string) => {
      if (!d.providersUsed.has(name)) d.providersUsed.set(name, path);
    };
    for (const [name] of labelled1(json.provider)) usesProvider(name);
    for (const block of asArray(json.terraform)) {
      for (const req of asArray(asObject(block).required_providers)) {
        for (const [name, spec] of Object.entries(asObject(req))) d.requiredProviders.set(name, { source: 'source' in asObject(spec), version: 'version' in asObject(spec) });
      }
    }
    for (const body of asArray(json.locals)) {
      for (const k of Object.keys(asObject(body))) {
        d.locals.add(k);
        d.declaredIn.set(`local.${k}`, path);
      }
    }
    for (const [name] of labelled1(json.output)) d.outputs.add(name);
    // A resource or data source type's prefix is its provider (aws_s3_bucket: aws).
    const providerOf = (type: string) => type.slice(0, type.indexOf('_'));
    for (const [type, name] of labelled2(json.resource)) {
      d.resources.add(`${type}.${name}`);
      usesProvider(providerOf(type));
    }
    for (const [type, name] of labelled2(json.data)) {
      d.data.add(`${type}.${name}`);
      d.declaredIn.set(`data.${type}.${name}`, path);
      usesProvider(providerOf(type));
    }
    for (const [name, body] of labelled1(json.module)) {
      const source = typeof body.source === 'string' ? body.source : '';
      d.modules.set(name, { source, args: Object.keys(body).filter((k) => !MODULE_META.has(k)), file: path });
    }
    // The terraform block holds no references that resolve against the module.
    const { terraform, ...rest } = json;
    const expressions = stringsIn(rest).filter((text) => text.includes('${'));
    for (const text of expressions) d.expressions.push({ file: path, text });
    // ...but it can use variables and locals (OpenTofu's state encryption does).
    for (const text of [...expressions, ...stringsIn(terraform).filter((t) => t.includes('${'))]) for (const name of namesUsed(text)) d.used.add(name);
  }
  return d;
}

/** `var.x`, `local.y` and `data.t.n` named in one expression string. */
function namesUsed(text: string): string[] {
  const names: string[] = [];
  for (const m of expressionCode(text).matchAll(/(?<![\w.])(var|local|data)\.([a-z_][a-z0-9_-]*)(?:\.([a-z_][a-z0-9_-]*))?/gi)) {
    const [, head, second, third] = m as unknown as [string, string, string, string | undefined];
    names.push(head === 'data' ? `data.${second}.${third ?? ''}` : `${head}.${second}`);
  }
  return names;
}

/** The code inside `${...}` of a string, without string literals nested in it (no references there). */
export function expressionCode(text: string): string {
  let out = '';
  // 'lit': literal text (the outer string or a string inside code); 'code': inside ${ }.
  // Each code level counts its own braces, so `{ a = 1 }` objects close correctly.
  const stack: Array<{ mode: 'lit' | 'code'; braces: number }> = [{ mode: 'lit', braces: 0 }];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const top = stack[stack.length - 1]!;
    if (top.mode === 'lit') {
      if (c === '\\') i++;
      else if ((c === '$' || c === '%') && text[i + 1] === '$') i++;
      else if ((c === '$' || c === '%') && text[i + 1] === '{') {
        stack.push({ mode: 'code', braces: 0 });
        i++;
        out += ' ';
      } else if (c === '"' && stack.length > 1) stack.pop();
      continue;
    }
    if (c === '"') {
      stack.push({ mode: 'lit', braces: 0 });
      out += ' ';
    } else if (c === '{') {
      top.braces++;
      out += c;
    } else if (c === '}') {
      if (top.braces === 0) {
        stack.pop();
        out += ' ';
      } else {
        top.braces--;
        out += c;
      }
    } else out += c;
  }
  return out;
}

const PROVIDER_PREFIX = /^(aws|google|azurerm|azuread|random|time|tls|null)_/;

/**
 * Every reference in `decls`' expressions must resolve: var.*, local.*,
 * data.T.N, T.N (resources), module.M.OUTPUT (output declared in M's
 * directory); and every module call's arguments must be variables of the
 * module, with all required ones set.
 */
/**
 * Reference errors of one module directory. Directories in `incomplete` had a
 * file that did not parse: what they declare is partly unknown, so nothing is
 * reported against their declarations (the parse error says what is wrong).
 */
export function checkReferences(decls: ModuleDecls, byDir: ReadonlyMap<string, ModuleDecls>, incomplete: ReadonlySet<string> = new Set()): Finding[] {
  if (incomplete.has(decls.dir)) return [];
  const findings: Finding[] = [];
  const add = (path: string, rule: string, message: string) => findings.push({ path, line: null, rule, message, severity: 'error' });
  for (const { file, text } of decls.expressions) {
    const code = expressionCode(text);
    for (const m of code.matchAll(/(?<![\w.])([a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_-]*)(?:\.([a-z_][a-z0-9_-]*))?/gi)) {
      const [, head, second, third] = m as unknown as [string, string, string, string | undefined];
      if (head === 'var' && !decls.variables.has(second)) add(file, 'hcl/undefined-variable', `var.${second} is not declared in ${decls.dir}`);
      else if (head === 'local' && !decls.locals.has(second)) add(file, 'hcl/undefined-local', `local.${second} is not declared in ${decls.dir}`);
      else if (head === 'data' && third !== undefined && !decls.data.has(`${second}.${third}`)) add(file, 'hcl/undefined-data', `data.${second}.${third} is not declared in ${decls.dir}`);
      else if (PROVIDER_PREFIX.test(head) && !decls.resources.has(`${head}.${second}`)) add(file, 'hcl/undefined-resource', `${head}.${second} is not declared in ${decls.dir}`);
      else if (head === 'module') {
        const call = decls.modules.get(second);
        if (!call) add(file, 'hcl/undefined-module', `module.${second} is not declared in ${decls.dir}`);
        else if (third !== undefined) {
          const target = byDir.get(resolveDir(decls.dir, call.source));
          if (target && !incomplete.has(target.dir) && !target.outputs.has(third)) add(file, 'hcl/undefined-output', `module.${second}.${third}: ${target.dir} has no output "${third}"`);
        }
      }
    }
  }
  for (const [name, call] of decls.modules) {
    const target = byDir.get(resolveDir(decls.dir, call.source));
    if (!target) {
      add(call.file, 'hcl/module-source', `module "${name}": source ${call.source} is not a generated module directory`);
      continue;
    }
    if (incomplete.has(target.dir)) continue;
    for (const arg of call.args) if (!target.variables.has(arg)) add(call.file, 'hcl/module-input', `module "${name}": ${target.dir} has no variable "${arg}"`);
    for (const [v, { required }] of target.variables) if (required && !call.args.includes(v)) add(call.file, 'hcl/module-input', `module "${name}": required variable "${v}" of ${target.dir} is not set`);
  }
  return findings;
}

/** POSIX join of a module dir and a relative `source`. */
export function resolveDir(dir: string, source: string): string {
  if (!source.startsWith('./') && !source.startsWith('../')) return source;
  const parts = dir.split('/').filter((p) => p !== '' && p !== '.');
  for (const seg of source.split('/')) {
    if (seg === '..') parts.pop();
    else if (seg !== '.' && seg !== '') parts.push(seg);
  }
  return parts.join('/');
}
