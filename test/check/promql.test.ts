import { describe, expect, it } from 'vitest';
import { checkPromql, checkRulesFile, dashboardExprs } from '../../src/check/promql.js';

describe('checkPromql', () => {
  it('accepts valid PromQL', () => {
    for (const e of [
      'up == 0',
      'sum by (le) (rate(x_bucket{a="b"}[5m]))',
      'a > on (service) group_left () (14.4 * (1 - b{slo="x"})) and c > 1',
      'absent(up{job="api"})',
      'vector(1)',
    ]) expect(checkPromql(e), e).toBeNull();
  });

  it('rejects broken PromQL', () => {
    for (const e of ['sum(rate(x[5m])', 'rate(x[5m]) >', 'x{a="b"', '', 'foo bar']) expect(checkPromql(e), e).not.toBeNull();
  });
});

describe('checkRulesFile', () => {
  const good = `groups:
  - name: g
    rules:
      - record: service:x:rate5m
        expr: sum(rate(x[5m]))
      - alert: A
        expr: up == 0
        for: 5m
        labels: { severity: page, service: api }
        annotations: { summary: s, description: d, runbook_url: https://github.com/o/r/blob/main/docs/runbooks/A.md }
`;
  it('passes a complete file', () => {
    expect(checkRulesFile('r.yml', good)).toEqual([]);
  });

  it('reports a broken expression, a missing for, label and annotation', () => {
    const bad = good.replace('up == 0', 'up ==').replace('        for: 5m\n', '').replace('severity: page, ', '').replace('summary: s, ', '');
    const rules = checkRulesFile('r.yml', bad).map((f) => f.rule);
    expect(rules).toEqual(expect.arrayContaining(['promql/parse', 'promql/for', 'promql/labels', 'promql/annotations']));
  });

  it('rejects a severity outside page|ticket', () => {
    expect(checkRulesFile('r.yml', good.replace('severity: page', 'severity: critical'))[0]?.message).toMatch(/page or ticket/);
  });

  it('extracts dashboard targets', () => {
    expect(dashboardExprs(JSON.stringify({ panels: [{ targets: [{ expr: 'up' }, { expr: 'x' }] }] }))).toEqual(['up', 'x']);
  });
});
