import { describe, expect, it } from 'vitest';
import type { Answers } from '../../src/answers/options.js';
import type { RepoFacts } from '../../src/detect/types.js';
import { buildInfraStack, INFRA_VERSIONS } from '../../src/stack/infra.js';
import { buildNames } from '../../src/stack/naming.js';

const answers = (over: Partial<Answers> = {}): Answers => ({
  language: 'node', cloud: 'aws', runtime: 'ecs-fargate', iac: 'terraform', environments: ['staging', 'production'],
  strategy: 'rolling', monitoring: 'prometheus', ci: 'github-actions', serviceName: 'orders-api', region: 'eu-west-1',
  port: 3000, healthPath: '/healthz', readinessPath: '/readyz', serviceDir: '.', slo: 0.995, team: 'platform', ...over,
});
const facts = (owner: string | null = 'acme', repo: string | null = 'shop', workflows: string[] = []): RepoFacts =>
  ({ git: { remote: null, owner, repo, defaultBranch: 'trunk' }, existing: { workflows } }) as unknown as RepoFacts;

describe('buildInfraStack', () => {
  it("writes its workflow as devops-stack-infra.yml beside the repository's own infra.yml, and guards re-runs of that one", () => {
    expect(buildInfraStack(answers(), facts()).workflowFile).toBe('infra.yml');
    const beside = buildInfraStack(answers(), facts('acme', 'shop', ['.github/workflows/infra.yaml']));
    expect(beside.workflowFile).toBe('devops-stack-infra.yml');
    expect(beside.rerunGuard).toContain('actions/workflows/devops-stack-infra.yml/runs');
    // The name an earlier run wrote stays, whatever else is there now.
    const generated = new Set(['.github/workflows/infra.yml']);
    expect(buildInfraStack(answers(), facts('acme', 'shop', ['.github/workflows/infra.yml']), generated).workflowFile).toBe('infra.yml');
  });

  it('pins the CLI and provider versions per tool and cloud', () => {
    const tf = buildInfraStack(answers(), facts());
    expect(tf).toMatchObject({ cli: 'terraform', requiredVersion: INFRA_VERSIONS.terraform.required, provider: { name: 'aws', source: 'hashicorp/aws', rootConstraint: '~> 6.25' } });
    const tofu = buildInfraStack(answers({ iac: 'opentofu', cloud: 'gcp', region: 'europe-west1' }), facts());
    expect(tofu).toMatchObject({ cli: 'tofu', toolName: 'OpenTofu', requiredVersion: '>= 1.10, < 2.0', provider: { name: 'google' }, backendKeyArg: 'prefix' });
    expect(buildInfraStack(answers({ cloud: 'azure' }), facts()).provider.name).toBe('azurerm');
  });

  it('gives each environment its own state path and the shared names', () => {
    const infra = buildInfraStack(answers(), facts());
    expect(infra.envs.map((e) => [e.name, e.dir, e.stateKey, e.isProduction, e.previous])).toEqual([
      ['staging', 'infra/envs/staging', 'orders-api/staging/terraform.tfstate', false, null],
      ['production', 'infra/envs/production', 'orders-api/production/terraform.tfstate', true, 'staging'],
    ]);
    expect(infra.envs[1]!.names).toEqual(buildNames(answers(), 'acme/shop').perEnv['production']);
    expect(buildInfraStack(answers({ cloud: 'gcp' }), facts()).envs[0]!.stateKey).toBe('orders-api/staging');
    expect(buildInfraStack(answers({ cloud: 'azure' }), facts()).envs[0]!.stateKey).toBe('orders-api/staging.tfstate');
  });

  it('sizes production for availability and the rest for cost', () => {
    const [staging, prod] = buildInfraStack(answers({ cloud: 'gcp' }), facts()).envs;
    expect(staging).toMatchObject({ minInstances: 0, logRetentionDays: 30, natPerAz: false });
    expect(prod).toMatchObject({ minInstances: 1, logRetentionDays: 90, natPerAz: true });
    // ACA's zone-redundant production environment: one replica per zone.
    expect(buildInfraStack(answers({ cloud: 'azure' }), facts()).envs.map((e) => e.minInstances)).toEqual([0, 3]);
    expect(buildInfraStack(answers(), facts()).envs.map((e) => e.minInstances)).toEqual([1, 2]);
  });

  it('pins OIDC subjects to the repository and environment, pushes to the default branch', () => {
    const infra = buildInfraStack(answers(), facts());
    expect(infra.oidcSubjects).toEqual({ staging: 'repo:acme/shop:environment:staging', production: 'repo:acme/shop:environment:production' });
    expect(infra.pushSubject).toBe('repo:acme/shop:ref:refs/heads/trunk');
  });

  it('derives stable, valid state store names', () => {
    const a = buildInfraStack(answers(), facts());
    expect(a.stateStore).toMatch(/^orders-api-tfstate-[0-9a-f]{6}$/);
    expect(buildInfraStack(answers(), facts()).stateStore).toBe(a.stateStore);
    expect(buildInfraStack(answers(), facts('other')).stateStore).not.toBe(a.stateStore);
    const az = buildInfraStack(answers({ cloud: 'azure', serviceName: 'a-very-long-service-name-x' }), facts()).stateStore;
    expect(az).toMatch(/^[a-z0-9]{3,24}$/);
  });

  it('clips GCP CI identity ids to 30 characters', () => {
    const infra = buildInfraStack(answers({ serviceName: 'a-very-long-service-name-xyz', environments: ['staging', 'production'] }), facts());
    for (const id of [infra.ciIdentities.plan, ...Object.values(infra.ciIdentities.terraform)]) expect(id.length).toBeLessThanOrEqual(30);
  });

  it('points managed Prometheus at the monitoring layer rule file', () => {
    const infra = buildInfraStack(answers(), facts());
    expect(infra.rulesPath).toBe('monitoring/prometheus/rules/orders-api.rules.yml');
    expect(infra.rulesPathFromEnvRoot).toBe('../../../monitoring/prometheus/rules/orders-api.rules.yml');
  });

  it('gives slow-starting JVM services a longer health check grace period', () => {
    expect(buildInfraStack(answers({ language: 'java' }), facts()).healthCheckGraceSeconds).toBe(180);
    expect(buildInfraStack(answers(), facts()).healthCheckGraceSeconds).toBe(60);
  });
});

describe('names that must fit a cloud limit', () => {
  it('stay distinct per environment and valid when a long service name is cut', () => {
    // 28 characters, the longest service name the answers allow.
    const names = buildNames({ serviceName: 'customer-billing-apiv2-north', environments: ['staging', 'production'] }, 'acme/shop');
    const ids = ['staging', 'production'].flatMap((e) => [names.perEnv[e]!.deployIdentity, names.perEnv[e]!.runtimeIdentity]);
    expect(new Set(ids).size).toBe(4);
    // GCP service account ids: 6-30 characters, lowercase, starting with a letter, not ending in '-'.
    for (const id of [...ids, names.gcp.deployServiceAccountId]) expect(id).toMatch(/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/);
    // Short names are kept as they are.
    expect(buildNames({ serviceName: 'api', environments: ['prod'] }, 'acme/shop').perEnv['prod']!.deployIdentity).toBe('api-deploy-prod');
  });
});

describe('globally unique Azure names', () => {
  it('the container registry name carries the same repository hash as the state storage account, and stays a valid ACR name', () => {
    const registry = (svc: string, slug: string) => buildNames({ serviceName: svc, environments: ['prod'] }, slug).azure.acrName;
    // Two repositories with the same service name: different registries (ACR names are global).
    expect(registry('orders-api', 'acme/shop')).not.toBe(registry('orders-api', 'other/shop'));
    // Deterministic: the pipeline, the IaC and the docs all get the same name.
    expect(registry('orders-api', 'acme/shop')).toBe(registry('orders-api', 'acme/shop'));
    const infra = buildInfraStack(answers({ cloud: 'azure', region: 'westeurope' }), facts());
    const hash = infra.stateStore.slice(-6);
    expect(registry('orders-api', 'acme/shop')).toBe(`ordersapiacr${hash}`);
    // 5-50 alphanumerics, for the shortest and the longest service names the answers allow.
    for (const svc of ['a-b', 'abc', 'customer-billing-apiv2-north']) expect(registry(svc, 'acme/shop')).toMatch(/^[a-zA-Z0-9]{5,50}$/);
  });
});
