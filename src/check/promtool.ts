import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { makeTempDir } from '../temp-dir.js';
import { forAmtoolOnPath } from './amtool-compat.js';
import type { Finding } from './types.js';

/** Files to validate, by path relative to the target root (so relative rule_files resolve). */
export type FileMap = ReadonlyMap<string, string> | Readonly<Record<string, string>>;

export interface PromtoolInput {
  /** Rules files (`promtool check rules`). */
  rules: string[];
  /** Unit test files (`promtool test rules`); their rule_files are resolved in the same temp tree. */
  tests: string[];
  /** Alertmanager configs (`amtool check-config`). */
  alertmanager: string[];
  /** Prometheus configs (`promtool check config --syntax-only`). */
  prometheus?: string[];
}

const entries = (files: FileMap): Array<[string, string]> =>
  files instanceof Map ? [...files.entries()] : Object.entries(files as Record<string, string>);

/** True when `bin` runs (`--version`). */
export async function hasBinary(bin: string): Promise<boolean> {
  try {
    await execa(bin, ['--version'], { reject: true, timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs promtool and amtool over the given files, written to a private temp
 * directory with their relative layout. A failing tool gives an error
 * finding with its output; a missing tool gives one warning per tool.
 */
export async function runPromtool(files: FileMap, input: PromtoolInput): Promise<Finding[]> {
  const dir = makeTempDir('cds-promtool-', 'run promtool');
  try {
    const findings: Finding[] = [];
    const jobs: Array<{ bin: string; args: string[]; path: string; rule: string }> = [
      ...input.rules.map((p) => ({ bin: 'promtool', args: ['check', 'rules', p], path: p, rule: 'promtool/check-rules' })),
      ...input.tests.map((p) => ({ bin: 'promtool', args: ['test', 'rules', p], path: p, rule: 'promtool/test-rules' })),
      ...(input.prometheus ?? []).map((p) => ({ bin: 'promtool', args: ['check', 'config', '--syntax-only', p], path: p, rule: 'promtool/check-config' })),
      ...input.alertmanager.map((p) => ({ bin: 'amtool', args: ['check-config', p], path: p, rule: 'amtool/check-config' })),
    ];
    const available = new Map<string, boolean>();
    for (const bin of new Set(jobs.map((j) => j.bin))) {
      const ok = await hasBinary(bin);
      available.set(bin, ok);
      if (!ok) {
        findings.push({ path: jobs.find((j) => j.bin === bin)!.path, line: null, rule: `${bin}/missing`, message: `${bin} is not on PATH: ${bin} checks skipped (install the prometheus / prometheus-alertmanager package)`, severity: 'warning' });
      }
    }
    const alertmanager = new Set(available.get('amtool') ? input.alertmanager : []);
    for (const [path, content] of entries(files)) {
      const abs = join(dir, path);
      await mkdir(dirname(abs), { recursive: true });
      await writeFile(abs, alertmanager.has(path) ? await forAmtoolOnPath(content) : content);
    }
    const results = await Promise.all(
      jobs.filter((j) => available.get(j.bin)).map(async (j) => ({ j, r: await execa(j.bin, j.args, { cwd: dir, reject: false, all: true, timeout: 300_000 }) })),
    );
    for (const { j, r } of results) {
      if (r.exitCode !== 0) {
        findings.push({ path: j.path, line: null, rule: j.rule, message: `${j.bin} ${j.args.join(' ')} failed:\n${(r.all ?? '').trim()}`, severity: 'error' });
      }
    }
    return findings;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
