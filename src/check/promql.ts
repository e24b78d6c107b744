import { parser } from '@prometheus-io/lezer-promql';
import { parse as parseYaml } from 'yaml';
import type { Finding } from './types.js';

/**
 * Parses one PromQL expression with Prometheus' own Lezer grammar and returns
 * the first syntax error as a message, or null when it parses. The grammar
 * recovers from errors by inserting error nodes (`⚠`), so we walk the tree.
 */
export function checkPromql(expr: string): string | null {
  if (expr.trim() === '') return 'empty expression';
  const tree = parser.parse(expr);
  let error: string | null = null;
  tree.iterate({
    enter: (node) => {
      if (error !== null) return false;
      if (node.type.isError) {
        const near = expr.slice(node.from, Math.min(expr.length, node.from + 20));
        error = `syntax error at offset ${node.from}${near ? ` near "${near}"` : ''}`;
        return false;
      }
      return undefined;
    },
  });
  return error;
}

const REQUIRED_LABELS = ['severity', 'service'] as const;
const REQUIRED_ANNOTATIONS = ['summary', 'description', 'runbook_url'] as const;
const SEVERITIES = new Set(['page', 'ticket']);

interface RawRule {
  record?: unknown;
  alert?: unknown;
  expr?: unknown;
  for?: unknown;
  labels?: Record<string, unknown> | null;
  annotations?: Record<string, unknown> | null;
}

/** 1-based line of the first occurrence of `needle` in `content`, or null. */
function lineOf(content: string, needle: string): number | null {
  const i = content.indexOf(needle);
  return i < 0 ? null : content.slice(0, i).split('\n').length;
}

/**
 * Checks a Prometheus rules file: it is YAML with `groups[].rules[]`, every
 * `expr` parses, and every alert has `for`, labels severity (page|ticket) and
 * service, and annotations summary, description and runbook_url.
 */
export function checkRulesFile(path: string, content: string): Finding[] {
  const findings: Finding[] = [];
  const add = (rule: string, message: string, line: number | null = null): void => {
    findings.push({ path, line, rule: `promql/${rule}`, message, severity: 'error' });
  };
  let doc: unknown;
  try {
    doc = parseYaml(content);
  } catch (e) {
    add('yaml', `not valid YAML: ${(e as Error).message}`);
    return findings;
  }
  const groups = (doc as { groups?: unknown } | null)?.groups;
  if (!Array.isArray(groups)) {
    add('structure', 'no `groups:` list');
    return findings;
  }
  for (const group of groups as Array<{ name?: unknown; rules?: unknown }>) {
    const rules = Array.isArray(group.rules) ? (group.rules as RawRule[]) : [];
    for (const r of rules) {
      const name = typeof r.alert === 'string' ? r.alert : typeof r.record === 'string' ? r.record : '(unnamed rule)';
      const line = lineOf(content, typeof r.alert === 'string' ? `alert: ${r.alert}` : `record: ${name}`);
      if (typeof r.expr !== 'string') {
        add('expr', `${name}: expr missing or not a string`, line);
      } else {
        const err = checkPromql(r.expr);
        if (err !== null) add('parse', `${name}: ${err}`, line);
      }
      if (typeof r.alert !== 'string') continue;
      if (typeof r.for !== 'string') add('for', `${name}: alert without \`for\``, line);
      for (const l of REQUIRED_LABELS) {
        if (typeof r.labels?.[l] !== 'string' || r.labels[l] === '') add('labels', `${name}: label ${l} missing`, line);
      }
      const severity = r.labels?.severity;
      if (typeof severity === 'string' && !SEVERITIES.has(severity)) add('labels', `${name}: severity must be page or ticket, not ${severity}`, line);
      for (const a of REQUIRED_ANNOTATIONS) {
        if (typeof r.annotations?.[a] !== 'string' || r.annotations[a] === '') add('annotations', `${name}: annotation ${a} missing`, line);
      }
    }
  }
  return findings;
}

/** Every `expr` of a Grafana dashboard's panel targets, for checkPromql. */
export function dashboardExprs(dashboardJson: string): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'expr' && typeof x === 'string') out.push(x);
        else walk(x);
      }
    }
  };
  walk(JSON.parse(dashboardJson));
  return out;
}
