import type { Language } from '../answers/options.js';
import { checkDockerfile } from './dockerfile.js';
import { checkDockerignore } from './dockerignore.js';
import { checkHcl } from './hcl.js';
import { checkCollectorConfig } from './otel-collector.js';
import { checkRulesFile } from './promql.js';
import { runPromtool } from './promtool.js';
import { checkRunbookLinks } from './runbook-links.js';
import type { Finding } from './types.js';
import { checkWorkflow, type PinOptions } from './workflow.js';
import { reusableCallFindings } from './workflow-calls.js';

const isWorkflow = (p: string) => /^\.github\/workflows\/[^/]+\.ya?ml$/.test(p);
const isRules = (p: string) => /^monitoring\/prometheus\/(rules|managed)\/[^/]+\.ya?ml$/.test(p);
const isRuleTest = (p: string) => /^monitoring\/prometheus\/tests\/[^/]+\.ya?ml$/.test(p);
const isAlertmanager = (p: string) => /^monitoring\/alertmanager\/alertmanager\.ya?ml$/.test(p);
const isPrometheusConfig = (p: string) => /^monitoring\/prometheus\/prometheus\.ya?ml$/.test(p);
const isCollectorConfig = (p: string) => /^monitoring\/collector\/[^/]+\.ya?ml$/.test(p);

/**
 * Validates a generated stack (path relative to the root -> content) with the
 * same validators the tests use: Dockerfile rules, actionlint + GitHub's
 * parser + our workflow rules (and reusable-workflow calls' permissions), HCL parse/fmt/references/schema, PromQL,
 * the collector config's component references, runbook links, promtool and amtool (warning when not on PATH).
 */
export async function checkFiles(files: ReadonlyMap<string, string>, opts: { language: Language; goVendored?: boolean } & PinOptions): Promise<Finding[]> {
  const findings: Finding[] = [];
  const paths = [...files.keys()].sort();
  const clean = (p: string) => !hasConflictMarkers(files.get(p)!);
  const prom = {
    rules: paths.filter(isRules).filter(clean),
    tests: paths.filter(isRuleTest).filter(clean),
    alertmanager: paths.filter(isAlertmanager).filter(clean),
    prometheus: paths.filter(isPrometheusConfig).filter(clean),
  };
  // promtool and amtool are processes of their own: they run while the checks below do.
  const promtool = prom.rules.length + prom.alertmanager.length > 0 ? runPromtool(files, prom) : Promise.resolve([]);
  // Awaited once the checks below are done: a failure before then (no usable
  // TMPDIR) must not count as unhandled, which would end the process.
  promtool.catch(() => {});
  for (const p of paths) {
    const content = files.get(p)!;
    // Unresolved merge markers make most files unparseable: report that alone.
    if (!clean(p)) {
      findings.push({ path: p, line: null, rule: 'stack/conflict-markers', message: 'unresolved merge conflict markers', severity: 'error' });
      continue;
    }
    if (p === 'Dockerfile' || p.endsWith('/Dockerfile')) findings.push(...checkDockerfile(p, content, { language: opts.language }));
    if (p.endsWith('.dockerignore')) findings.push(...checkDockerignore(p, content, opts.language, { goVendored: opts.goVendored === true }));
    if (isCollectorConfig(p)) findings.push(...checkCollectorConfig(p, content));
    if (isRules(p)) {
      findings.push(...checkRulesFile(p, content));
      findings.push(...checkRunbookLinks(p, content, { has: (x) => files.has(x) }));
    }
  }
  const workflows = paths.filter(isWorkflow).filter(clean).map((p) => [p, files.get(p)!] as [string, string]);
  for (const [p, content] of workflows) findings.push(...(await checkWorkflow(p, content, { pinTable: opts.pinTable })));
  findings.push(...reusableCallFindings(new Map(workflows)));
  const tf = new Map(paths.filter((p) => (p.endsWith('.tf') || p.endsWith('.tflint.hcl')) && clean(p)).map((p) => [p, files.get(p)!]));
  if (tf.size > 0) findings.push(...(await checkHcl(tf)));
  findings.push(...(await promtool));
  return findings;
}

/** git-style markers left by a conflicting merge (`<<<<<<< path (yours)`). */
function hasConflictMarkers(content: string): boolean {
  return /^<{7} /m.test(content);
}
