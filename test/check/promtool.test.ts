import { describe, expect, it } from 'vitest';
import { hasBinary, runPromtool } from '../../src/check/promtool.js';
import { checkRunbookLinks } from '../../src/check/runbook-links.js';

const rules = `groups:
  - name: g
    rules:
      - alert: A
        expr: up == 0
        for: 5m
        labels: { severity: page, service: api }
        annotations: { summary: s, description: d, runbook_url: https://github.com/o/r/blob/main/docs/runbooks/A.md }
`;

describe('runPromtool', () => {
  it('reports a missing binary as a warning, not an error', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const findings = await runPromtool({ 'r.yml': rules }, { rules: ['r.yml'], tests: [], alertmanager: [] });
      expect(findings).toHaveLength(1);
      expect(findings[0]).toMatchObject({ severity: 'warning', rule: 'promtool/missing' });
    } finally {
      process.env.PATH = path;
    }
  });

  // Skipped only where promtool is absent (CI installs it).
  it('passes valid rules and reports broken ones with promtool output', async () => {
    if (!(await hasBinary('promtool'))) return;
    expect(await runPromtool({ 'r.yml': rules }, { rules: ['r.yml'], tests: [], alertmanager: [] })).toEqual([]);
    const broken = await runPromtool({ 'r.yml': rules.replace('up == 0', 'up ==') }, { rules: ['r.yml'], tests: [], alertmanager: [] });
    expect(broken[0]).toMatchObject({ severity: 'error', rule: 'promtool/check-rules', path: 'r.yml' });
  });

  it('runs amtool check-config', async () => {
    if (!(await hasBinary('amtool'))) return;
    const bad = await runPromtool({ 'am.yml': 'route: {receiver: nowhere}\nreceivers: []\n' }, { rules: [], tests: [], alertmanager: ['am.yml'] });
    expect(bad[0]).toMatchObject({ severity: 'error', rule: 'amtool/check-config' });
  });
});

describe('checkRunbookLinks', () => {
  it('passes when the runbook exists and fails when it does not', () => {
    expect(checkRunbookLinks('r.yml', rules, { has: (p) => p === 'docs/runbooks/A.md' })).toEqual([]);
    expect(checkRunbookLinks('r.yml', rules, { has: () => false })[0]?.message).toMatch(/does not exist/);
  });

  it('fails on a link that is not docs/runbooks/<Alert>.md', () => {
    const other = rules.replace('docs/runbooks/A.md', 'docs/runbooks/B.md');
    expect(checkRunbookLinks('r.yml', other, { has: () => true })[0]?.message).toMatch(/expected docs\/runbooks\/A\.md/);
  });

  it('leaves a rules file of any other shape to promtool instead of failing itself', () => {
    for (const odd of [': : bad', 'groups: 5', 'groups: [null]', 'groups: [{rules: 3}]', 'groups: [{rules: [null, 7, {alert: X, annotations: 1}]}]', '']) {
      expect(() => checkRunbookLinks('r.yml', odd, { has: () => true }), odd).not.toThrow();
    }
    expect(checkRunbookLinks('r.yml', 'groups: [{rules: [{alert: X, annotations: 1}]}]', { has: () => true })[0]?.message).toBe('X: no runbook_url');
  });
});
