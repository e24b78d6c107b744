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
  const doc = parseYaml(rulesContent) as { groups?: Array<{ rules?: Array<{ alert?: unknown; annotations?: Record<string, unknown> }> }> } | null;
  for (const group of doc?.groups ?? []) {
    for (const rule of group.rules ?? []) {
      if (typeof rule.alert !== 'string') continue;
      const url = rule.annotations?.runbook_url;
      const fail = (message: string): void => {
        findings.push({ path: rulesPath, line: null, rule: 'runbook-links/missing', message: `${rule.alert}: ${message}`, severity: 'error' });
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
      if (path !== `docs/runbooks/${rule.alert}.md`) fail(`runbook_url points at ${path}, expected docs/runbooks/${rule.alert}.md`);
      if (!tree.has(path)) fail(`runbook ${path} does not exist`);
    }
  }
  return findings;
}
