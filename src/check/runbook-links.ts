import { parse as parseYaml } from 'yaml';
import type { Finding } from './types.js';

/** Read access to the generated tree (the in-memory Tree or the files on disk). */
export interface TreeReader {
  has(path: string): boolean;
}

const RUNBOOK_PATH = /^https:\/\/github\.com\/[^/]+\/[^/]+\/blob\/[^/]+\/(docs\/runbooks\/[^/#?]+\.md)$/;

/**
 * Every alert's runbook_url in a rules file must point at
 * `<repo>/blob/<branch>/docs/runbooks/<Alert>.md` and that file must exist in
 * the same tree: an alert whose runbook is missing fails the check.
 */
export function checkRunbookLinks(rulesPath: string, rulesContent: string, tree: TreeReader): Finding[] {
  const findings: Finding[] = [];
  let doc: unknown;
  try {
    doc = parseYaml(rulesContent);
  } catch {
    return []; // promtool and the YAML check report the file itself
  }
  for (const group of list(field(doc, 'groups'))) {
    for (const rule of list(field(group, 'rules'))) {
      const alert = field(rule, 'alert');
      if (typeof alert !== 'string') continue;
      const url = field(field(rule, 'annotations'), 'runbook_url');
      const fail = (message: string): void => {
        findings.push({ path: rulesPath, line: null, rule: 'runbook-links/missing', message: `${alert}: ${message}`, severity: 'error' });
      };
      if (typeof url !== 'string') {
        fail('no runbook_url');
        continue;
      }
      const m = RUNBOOK_PATH.exec(url);
      if (!m) {
        fail(`runbook_url ${url} is not a docs/runbooks/<Alert>.md link into a GitHub repository`);
        continue;
      }
      const path = m[1]!;
      if (path !== `docs/runbooks/${alert}.md`) fail(`runbook_url points at ${path}, expected docs/runbooks/${alert}.md`);
      if (!tree.has(path)) fail(`runbook ${path} does not exist`);
    }
  }
  return findings;
}

/** A key of a YAML mapping, or undefined for anything else (a user's file may have any shape). */
function field(v: unknown, key: string): unknown {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[key] : undefined;
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
