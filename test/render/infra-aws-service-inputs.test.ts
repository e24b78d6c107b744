import { describe, expect, it } from 'vitest';
import { renderStack } from '../../src/render/plop-bridge.js';
import type { Monitoring } from '../../src/answers/options.js';
import { infraStack } from './infra-fixtures.js';

async function aws(monitoring: Monitoring) {
  const stack = infraStack('aws', 'terraform', 'rolling', monitoring);
  const tree = await renderStack(stack, 'stack');
  const read = (p: string) => tree.read(p)!.content;
  return { stack, read };
}

/** The text of `<kind> "<name>" {` ... its closing brace at column 0. */
function block(content: string, header: string): string {
  const start = content.indexOf(`${header} {\n`);
  if (start < 0) throw new Error(`no ${header}`);
  return content.slice(start, content.indexOf('\n}\n', start) + 2);
}

describe('aws: metrics_remote_write_url only takes what the tasks can reach', () => {
  it('the tasks may only reach tcp/443, so the variable accepts https on 443 and rejects the rest', async () => {
    const { read } = await aws('prometheus');
    const egress = block(read('infra/modules/service/main.tf'), 'resource "aws_vpc_security_group_egress_rule" "tasks_https"');
    expect(egress).toMatch(/from_port\s+= 443/);
    expect(egress).toMatch(/to_port\s+= 443/);
    for (const env of ['staging', 'production']) {
      const variable = block(read(`infra/envs/${env}/variables.tf`), 'variable "metrics_remote_write_url"');
      const pattern = /can\(regex\("((?:[^"\\]|\\.)*)", var\.metrics_remote_write_url\)\)/.exec(variable)?.[1];
      expect(pattern, 'a regex validation').toBeDefined();
      // HCL string escapes, then the regex (RE2 and JavaScript agree on this subset).
      const re = new RegExp(JSON.parse(`"${pattern!}"`) as string);
      for (const ok of ['https://prom.example.com/api/v1/write', 'https://prom.example.com:443/api/v1/write', 'https://10.0.1.5/api/v1/write', 'https://prom.example.com']) {
        expect(re.test(ok), ok).toBe(true);
      }
      for (const bad of ['http://prom.example.com/api/v1/write', 'https://prom.example.com:9090/api/v1/write', 'https://prom.example.com:4430/api/v1/write', 'https://prom.example.com:8443', 'ftp://x/']) {
        expect(re.test(bad), bad).toBe(false);
      }
      expect(variable).toMatch(/condition\s+= var\.metrics_remote_write_url == null \|\|/);
      expect(variable).toContain('port 443');
    }
    expect(read('docs/deploy/monitoring.md')).toMatch(/must be `https:\/\/` on port 443/);
    expect(read('docs/deploy/infra.md')).toMatch(/https\s+on port 443 only/);
  });
});

describe('aws: secrets encrypted with customer-managed KMS keys', () => {
  for (const monitoring of ['prometheus', 'managed-prometheus', 'none'] as const) {
    it(`${monitoring}: the execution role may kms:Decrypt with the listed keys, and only when some are listed`, async () => {
      const { read } = await aws(monitoring);
      const module = read('infra/modules/service/main.tf');
      const local = /secrets_kms_decrypt = length\(var\.secrets_kms_key_arns\) == 0 \? \[\] : \[\{\n\s+Effect\s+= "Allow"\n\s+Action\s+= \["kms:Decrypt"\]\n\s+Resource = var\.secrets_kms_key_arns\n\s+\}\]/;
      expect(module).toMatch(local);
      const policy = block(module, 'resource "aws_iam_role_policy" "execution_secrets"');
      expect(policy).toMatch(/role = aws_iam_role\.execution\.id/);
      expect(policy).toMatch(/Statement = concat\(\[\{[\s\S]*"secretsmanager:GetSecretValue"[\s\S]*\}\], local\.secrets_kms_decrypt\)/);

      const moduleVar = block(read('infra/modules/service/variables.tf'), 'variable "secrets_kms_key_arns"');
      expect(moduleVar).toMatch(/type\s+= list\(string\)/);
      expect(moduleVar).toMatch(/default\s+= \[\]/);
      expect(moduleVar).toContain('kms:Decrypt');
      for (const env of ['staging', 'production']) {
        const envVar = block(read(`infra/envs/${env}/variables.tf`), 'variable "secrets_kms_key_arns"');
        expect(envVar).toMatch(/type\s+= list\(string\)/);
        expect(envVar).toMatch(/default\s+= \[\]/);
        expect(envVar).toContain('kms:Decrypt');
        const call = block(read(`infra/envs/${env}/main.tf`), 'module "service"');
        expect(call).toMatch(/^\s+secrets_kms_key_arns = var\.secrets_kms_key_arns$/m);
      }
    });
  }
});
