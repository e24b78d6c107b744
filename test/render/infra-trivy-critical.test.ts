import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { CLOUDS, IAC_TOOLS, MONITORING, STRATEGIES } from '../../src/answers/options.js';
import { renderStack } from '../../src/render/plop-bridge.js';
import { infraStack } from './infra-fixtures.js';

/**
 * The infra workflow's scan job runs `trivy config` on infra/ with severity
 * CRITICAL and exit code 1, and every plan and apply job needs it: one
 * CRITICAL finding in the generated Terraform and nothing is ever applied.
 *
 * Each CRITICAL check of aquasecurity/trivy-checks (bundle v2) that the
 * generated resource types can trip is modelled below. A resource that trips
 * one must carry Trivy's inline ignore: `# trivy:ignore:<ID>` on the line right
 * above the block (Trivy matches the line before a block's first line, and
 * stacked ignore lines above that one; any other line in between breaks the
 * chain), itself under a comment saying why.
 */

interface Block { file: string; type: string; name: string; body: string; ignores: string[]; why: string | null }

function resourceBlocks(file: string, content: string): Block[] {
  const lines = content.split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^resource "([\w-]+)" "([\w-]+)" \{$/.exec(lines[i]!);
    if (!m) continue;
    let end = i;
    while (end < lines.length && lines[end] !== '}') end++;
    const ignores: string[] = [];
    let j = i - 1;
    for (let ig; j >= 0 && (ig = /^#\s*trivy:ignore:([^\s:[]+)/.exec(lines[j]!)); j--) ignores.push(ig[1]!);
    const why = ignores.length > 0 && j >= 0 && /^#\s*\S/.test(lines[j]!) ? lines[j]! : null;
    out.push({ file, type: m[1]!, name: m[2]!, body: lines.slice(i, end + 1).join('\n'), ignores, why });
  }
  return out;
}

const OPEN = String.raw`"(?:0\.0\.0\.0/0|::/0)"`;

/** CRITICAL checks the generated resource types can trip, and when they do. */
const CRITICAL: Array<{ id: string; check: string; trips: (b: Block) => boolean }> = [
  {
    // Any egress rule whose CIDR allows all addresses.
    id: 'AVD-AWS-0104',
    check: 'aws-ec2-no-public-egress-sgr',
    trips: (b) =>
      (b.type === 'aws_vpc_security_group_egress_rule' && new RegExp(String.raw`cidr_ipv[46]\s*=\s*${OPEN}`).test(b.body)) ||
      (b.type === 'aws_security_group_rule' && /type\s*=\s*"egress"/.test(b.body) && new RegExp(OPEN).test(b.body)) ||
      (b.type === 'aws_security_group' && new RegExp(String.raw`egress\s*\{[^}]*${OPEN}`).test(b.body)),
  },
  {
    // An application load balancer listener on HTTP that does not redirect.
    id: 'AVD-AWS-0054',
    check: 'aws-elb-http-not-used',
    trips: (b) => b.type === 'aws_lb_listener' && !/^\s*protocol\s*=\s*"HTTPS"$/m.test(b.body) && !/type\s*=\s*"redirect"/.test(b.body),
  },
  {
    // A storage account without network rules, or whose default action allows.
    id: 'AVD-AZU-0012',
    check: 'azure-storage-default-action-deny',
    trips: (b) => b.type === 'azurerm_storage_account' && !/default_action\s*=\s*"Deny"/.test(b.body),
  },
];

/**
 * Resource types with a CRITICAL check this test does not model yet: adding
 * one to the templates must come with its rule above (and an ignore or a
 * configuration that passes).
 */
const UNMODELLED = new Set([
  'aws_cloudfront_distribution', 'aws_cloudtrail', 'aws_instance', 'aws_launch_template', 'aws_launch_configuration',
  'aws_network_acl_rule', 'aws_eks_cluster', 'aws_elasticsearch_domain', 'aws_opensearch_domain', 'aws_lambda_permission',
  'aws_redshift_security_group', 'aws_elb', 'aws_alb_listener',
  'azurerm_function_app', 'azurerm_linux_function_app', 'azurerm_windows_function_app', 'azurerm_kubernetes_cluster',
  'azurerm_data_factory', 'azurerm_key_vault', 'azurerm_network_security_rule', 'azurerm_network_security_group',
  'google_compute_firewall', 'google_compute_instance', 'google_compute_instance_template', 'google_compute_disk',
  'google_bigquery_dataset', 'google_compute_ssl_policy',
]);

/** aws-ecs-no-plaintext-secrets: a container environment variable whose name looks like a secret. */
const SENSITIVE = ['password', 'secret', 'private_key', 'aws_access_key_id', 'aws_secret_access_key', 'token', 'api_key'];
const sensitiveName = (name: string) => {
  const n = name.toLowerCase();
  return SENSITIVE.includes(n) || (SENSITIVE.some((t) => n.includes(t)) && !['token_type', 'version'].some((w) => n.startsWith(w)));
};

/** aws-elb-use-secure-tls-policy */
const OUTDATED_TLS = [
  'ELBSecurityPolicy-2015-05', 'ELBSecurityPolicy-2016-08', 'ELBSecurityPolicy-FS-2018-06', 'ELBSecurityPolicy-FS-1-1-2019-08',
  'ELBSecurityPolicy-TLS-1-0-2015-04', 'ELBSecurityPolicy-TLS-1-1-2017-01', 'ELBSecurityPolicy-TLS13-1-0-2021-06',
  'ELBSecurityPolicy-TLS13-1-1-2021-06', 'ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06', 'ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06',
];

const combos = CLOUDS.flatMap((cloud) => IAC_TOOLS.filter((iac) => iac !== 'none').flatMap((iac) => STRATEGIES.flatMap((strategy) => MONITORING.map((monitoring) => ({ cloud, iac, strategy, monitoring })))));

describe('infra: no CRITICAL Trivy finding blocks plan and apply', () => {
  it('the scan job gates on CRITICAL findings (the premise of this test)', async () => {
    const tree = await renderStack(infraStack('aws', 'terraform', 'rolling', 'prometheus'), 'infra');
    const wf = parseYaml(tree.read('.github/workflows/infra.yml')!.content) as { jobs: Record<string, { needs?: string[]; steps?: Array<{ with?: Record<string, string> }> }> };
    const scan = wf.jobs['scan']!.steps!.find((s) => s.with?.['scan-type'] === 'config')!.with!;
    expect(scan).toMatchObject({ 'scan-ref': 'infra', severity: 'CRITICAL', 'exit-code': '1' });
    expect(wf.jobs['plan-staging']!.needs).toContain('scan');
  });

  it('every resource that trips a CRITICAL check carries its inline ignore, with a why, and nothing else is ignored', async () => {
    const problems: string[] = [];
    const ignored = new Set<string>();
    for (const { cloud, iac, strategy, monitoring } of combos) {
      const tree = await renderStack(infraStack(cloud, iac, strategy, monitoring), 'infra');
      const tag = `${cloud}/${iac}/${strategy}/${monitoring}`;
      for (const path of tree.paths().filter((p) => p.endsWith('.tf'))) {
        const content = tree.read(path)!.content;
        if (/^data "http"/m.test(content)) problems.push(`${tag} ${path}: data "http" (aws-ssm-avoid-leaks-via-http)`);
        for (const b of resourceBlocks(path, content)) {
          const where = `${tag} ${path} ${b.type}.${b.name}`;
          if (UNMODELLED.has(b.type)) problems.push(`${where}: a type with CRITICAL checks this test does not model`);
          for (const rule of CRITICAL) {
            const trips = rule.trips(b);
            if (trips && !b.ignores.includes(rule.id)) problems.push(`${where} trips ${rule.id} (${rule.check}) without "# trivy:ignore:${rule.id}" right above it`);
            if (!trips && b.ignores.includes(rule.id)) problems.push(`${where} ignores ${rule.id}, which it does not trip`);
          }
          for (const id of b.ignores) {
            ignored.add(id);
            if (!CRITICAL.some((r) => r.id === id)) problems.push(`${where} ignores ${id}, which no rule here models`);
          }
          if (b.ignores.length > 0 && b.why === null) problems.push(`${where}: its trivy:ignore has no comment above it saying why`);
          for (const m of b.body.matchAll(/ssl_policy\s*=.*?"(ELBSecurityPolicy-[^"]+)"/g)) {
            if (OUTDATED_TLS.includes(m[1]!)) problems.push(`${where}: outdated TLS policy ${m[1]} (aws-elb-use-secure-tls-policy)`);
          }
        }
        // A trivy:ignore anywhere else (a blank or another line in between) ignores nothing.
        const lines = content.split('\n');
        lines.forEach((line, i) => {
          if (!/trivy:ignore/.test(line)) return;
          let k = i + 1;
          while (/^#\s*trivy:ignore:/.test(lines[k] ?? '')) k++;
          if (!/^resource "/.test(lines[k] ?? '')) problems.push(`${tag} ${path}:${i + 1}: "${line.trim()}" is not right above a resource, so Trivy applies it to nothing`);
        });
      }
      if (cloud === 'aws') {
        const module = tree.read('infra/modules/service/main.tf')!.content;
        for (const m of module.matchAll(/\{ name = "([^"]+)", value = /g)) {
          if (sensitiveName(m[1]!)) problems.push(`${tag}: ECS container environment variable ${m[1]} looks like a secret (AVD-AWS-0036, aws-ecs-no-plaintext-secrets): pass it in secrets`);
        }
      }
    }
    expect(problems.slice(0, 20)).toEqual([]);
    // Not vacuous: the known findings are there, and ignored.
    expect([...ignored].sort()).toEqual(['AVD-AWS-0054', 'AVD-AWS-0104', 'AVD-AZU-0012']);
  });

  it('the model recognises what it is meant to', () => {
    const b = (type: string, body: string, ignores: string[] = []): Block => ({ file: 'x.tf', type, name: 'n', body, ignores, why: null });
    const trips = (x: Block) => CRITICAL.filter((r) => r.trips(x)).map((r) => r.id);
    expect(trips(b('aws_vpc_security_group_egress_rule', 'resource "aws_vpc_security_group_egress_rule" "n" {\n  cidr_ipv4 = "0.0.0.0/0"\n}'))).toEqual(['AVD-AWS-0104']);
    expect(trips(b('aws_vpc_security_group_egress_rule', 'resource "aws_vpc_security_group_egress_rule" "n" {\n  cidr_ipv4 = "10.0.0.0/8"\n}'))).toEqual([]);
    expect(trips(b('aws_lb_listener', 'resource "aws_lb_listener" "n" {\n  protocol = local.https ? "HTTPS" : "HTTP"\n}'))).toEqual(['AVD-AWS-0054']);
    expect(trips(b('aws_lb_listener', 'resource "aws_lb_listener" "n" {\n  protocol = "HTTPS"\n}'))).toEqual([]);
    expect(trips(b('azurerm_storage_account', 'resource "azurerm_storage_account" "n" {\n}'))).toEqual(['AVD-AZU-0012']);
    expect(sensitiveName('REMOTE_WRITE_PASSWORD')).toBe(true);
    expect(sensitiveName('REMOTE_WRITE_USERNAME')).toBe(false);
    const [parsed] = resourceBlocks('x.tf', '# why\n# trivy:ignore:AVD-AWS-0104\n# trivy:ignore:AVD-AWS-0054\nresource "a" "b" {\n}\n');
    expect(parsed).toMatchObject({ ignores: ['AVD-AWS-0054', 'AVD-AWS-0104'], why: '# why' });
    const [broken] = resourceBlocks('x.tf', '# trivy:ignore:AVD-AWS-0104\n\nresource "a" "b" {\n}\n');
    expect(broken!.ignores).toEqual([]);
  });
});
