import type { Answers } from '../answers/options.js';
import type { RepoFacts } from '../detect/types.js';
import { buildNames, clipUnique, fromEnvRoot, monitoringPaths, repoScopedHash, type EnvNames } from './naming.js';
import { ACTION_PINS, usesLine } from './pins.js';
import { pipelineVariables, withoutInfraOutput } from './pipeline.js';
import { buildRepo } from './repo.js';
import { awsStateReplicaRegion } from './aws-replica-regions.js';
import { gcpStateDualRegion } from './gcp-dual-regions.js';
import { rerunGuard } from './rerun-guard.js';
import { workflowFile } from './workflow-files.js';

/**
 * Provider and CLI versions, pinned in one place (STYLE.md habit 11). Roots
 * use `~>` on the provider minor; modules only a lower bound (CI validates
 * them with an env root's lock file: infra.yml, moduleLockFrom). Versions
 * exist as of late 2025: hashicorp/aws 6.25, hashicorp/google 7.x;
 * hashicorp/azurerm 4.65 as of March 2026.
 *
 * azurerm: 4.65 is the first release with `user_assigned_identity_id` on
 * azurerm_federated_identity_credential (`parent_id` deprecated there, and
 * removed with `resource_group_name` in 5.0).
 */
export const INFRA_VERSIONS = {
  terraform: { required: '>= 1.11, < 2.0', ci: '1.13.3' },
  opentofu: { required: '>= 1.10, < 2.0', ci: '1.10.6' },
  providers: {
    aws: { source: 'hashicorp/aws', root: '~> 6.25', module: '>= 6.25' },
    gcp: { source: 'hashicorp/google', root: '~> 7.10', module: '>= 7.0' },
    azure: { source: 'hashicorp/azurerm', root: '~> 4.65', module: '>= 4.65' },
  },
  /**
   * tflint, run by the infra workflow: the CLI CI installs, the oldest the
   * config works with (call_module_type came in 0.54), and each cloud's
   * ruleset plugin (latest releases as of August 2026, read from their repositories).
   */
  tflint: {
    ci: 'v0.64.0',
    required: '>= 0.54',
    rulesets: {
      aws: { name: 'aws', version: '0.48.0' },
      gcp: { name: 'google', version: '0.39.0' },
      azure: { name: 'azurerm', version: '0.32.0' },
    },
  },
} as const;

/** tflint's config, for every directory under infra/ (the infra workflow passes it to `tflint --recursive`). */
export const TFLINT_CONFIG_PATH = 'infra/.tflint.hcl';

/** A GitHub variable the infra workflow reads: its own identities', and the pipeline's it shares (stack.pipeline.variables). */
export interface InfraVariable {
  name: string;
  description: string;
  perEnvironment: boolean;
  /** The bootstrap output that supplies it. */
  bootstrapOutput: string;
  /** The build and deploy workflows read it too (set once, used by both). */
  sharedWithPipeline: boolean;
}

/** Per-environment settings, rendered into the env roots' settings map. */
export interface InfraEnv {
  name: string;
  isProduction: boolean;
  isFirst: boolean;
  /** Environment applied before this one (its apply job must pass first), or null. */
  previous: string | null;
  /** Directory of the environment's root module, relative to the repo root. */
  dir: string;
  /** Backend key / prefix of this environment's state (one state per env). */
  stateKey: string;
  /**
   * Azure: the blob container of this environment's state, its own so that
   * only its Terraform identity can write it (null elsewhere: AWS and GCP
   * scope each identity to its key / prefix).
   */
  stateContainer: string | null;
  /** Expression of the fingerprint of the plan this environment's reviewers approve (the plan job's output). */
  reviewedFingerprint: string;
  /** ECS desired count / min replicas: production keeps >= 2 tasks across AZs (ECS), 3 replicas over zones (ACA) or 1 warm instance (Cloud Run). */
  minInstances: number;
  maxInstances: number;
  logRetentionDays: number;
  /** One NAT gateway per AZ in production; a single shared one elsewhere (cost). */
  natPerAz: boolean;
  /** Shared resource names of this environment (from naming.ts, never re-derived). */
  names: EnvNames;
}

/** Values the infra layer's templates read. Owned by the infra layer. */
export interface InfraStack {
  /** The infra workflow's file name in .github/workflows/: infra.yml, or devops-stack-infra.yml when the repository has its own. */
  workflowFile: string;
  /** Script of each apply job's first step: a re-run of an older infra run applies nothing once a newer one exists. */
  rerunGuard: string;
  /** 'terraform' | 'tofu': the CLI used in docs and workflows. */
  cli: 'terraform' | 'tofu';
  /** Human name of the tool, for docs. */
  toolName: string;
  requiredVersion: string;
  /** Version installed in CI by setup-terraform / setup-opentofu. */
  ciVersion: string;
  /** `uses:` text of the setup action of the chosen CLI. */
  setupUses: string;
  /** tflint in the infra workflow: its config file, versions and the cloud's ruleset plugin. */
  tflint: { configPath: string; ciVersion: string; requiredVersion: string; setupUses: string; ruleset: { name: string; version: string; source: string } };
  /** Every GitHub variable the infra workflow reads: its identities (plan and apply) and the cloud's ids it logs in with. */
  variables: InfraVariable[];
  /** `vars.NAME` expressions for the infra workflow (`{{gh infra.vars.NAME}}`): strict rendering fails on a variable not listed above. */
  vars: Record<string, string>;
  provider: { name: 'aws' | 'google' | 'azurerm'; source: string; rootConstraint: string; moduleConstraint: string };
  /** Cloud region from the answers. */
  region: string;
  /** State storage name (S3/GCS bucket or Azure storage account); globally unique, derived from the repo slug. */
  stateStore: string;
  /** AWS: the region the state bucket is replicated to, null without one (and on the other clouds: see the bootstraps). */
  stateReplicaRegion: string | null;
  /** GCP: the two regions of the state bucket's dual-region, the answers' region first; empty for a regional bucket (and on the other clouds). */
  stateDualRegion: string[];
  /** Azure: resource group holding the state storage account. */
  stateResourceGroup: string;
  /** Azure: blob container of the bootstrap's own state. */
  bootstrapStateContainer: string;
  /** Azure: an environment's state container is this followed by its name (InfraEnv.stateContainer). */
  stateContainerPrefix: string;
  envs: InfraEnv[];
  /** Names of the environments, for variable validations. */
  envNames: string[];
  /** AWS: what all environment roots take of the regional quotas (one VPC each; an Elastic IP per NAT gateway). */
  awsFootprint: { vpcs: number; elasticIps: number };
  /** Alert rules written by the monitoring layer, relative to the repo root. */
  rulesPath: string;
  /** The same path as seen from an env root (infra/envs/<env>). */
  rulesPathFromEnvRoot: string;
  /** Path filter of the infra workflow for that file: a rule change is planned and applied like any infra change. */
  rulesWatch: string;
  /** Cron (UTC) of the scheduled drift check: the infra workflow plans every environment and reports changes in issues. */
  driftSchedule: string;
  /**
   * Names of the CI identities the bootstrap creates: the read-only plan
   * identity and one Terraform identity per environment (GCP service account
   * ids are 6-30 characters, so they are clipped here, once).
   */
  ciIdentities: { plan: string; terraform: Record<string, string> };
  /** ECS: seconds a new task may fail load balancer health checks while starting (JVMs start slowly). */
  healthCheckGraceSeconds: number;
  /**
   * Shell command printing the fingerprint (sha256) of the saved plan `tfplan`
   * of `$ROOT`: of what a reviewer reads in `show -no-color`, the planned
   * actions and output changes without the refresh notes before them, which
   * it also leaves in plan-actions.txt. The plan and apply jobs both run it,
   * so the two fingerprints are computed the same way.
   */
  planFingerprint: string;
  /** Backend setting that takes the per-environment state path at init: `-backend-config="<arg>=..."`. */
  backendKeyArg: 'key' | 'prefix';
  /** An environment's stateKey with `ENV` for its name, for the docs' copy-pasteable commands. */
  stateKeyPattern: string;
  /** The same for its stateContainer. */
  stateContainerPattern: string | null;
  /** The lock file CI validates the shared modules with: the first env root's (they all run the same code). */
  moduleLockFrom: string;
  /** `sub` claims of the deploy identities, per environment name. */
  oidcSubjects: Record<string, string>;
  /** `sub` claim of the image-push identity (builds on the default branch). */
  pushSubject: string;
  /**
   * Azure: resource providers the stack uses beyond azurerm's "core" set. The
   * bootstrap (an administrator) registers them; the CI identities register
   * nothing (the read-only plan identity could not). Empty on other clouds.
   */
  resourceProviders: string[];
  /** GCP: the APIs the bootstrap's administrator enables before the first apply (the CI identities cannot). Empty on other clouds. */
  gcpApis: string[];
}

/**
 * The pipeline's variables the infra workflow's OIDC logins read too: the
 * cloud's ids (the identities are the infra workflow's own).
 */
const SHARED_WITH_PIPELINE: Record<Answers['cloud'], string[]> = {
  aws: [],
  gcp: ['GCP_PROJECT_ID', 'GCP_WORKLOAD_IDENTITY_PROVIDER'],
  azure: ['AZURE_TENANT_ID', 'AZURE_SUBSCRIPTION_ID'],
};

/** Every variable the infra workflow reads: its own identities, then the ones it shares with the pipeline. */
function infraVariables(answers: Pick<Answers, 'cloud' | 'monitoring'>): InfraVariable[] {
  const shared = pipelineVariables({ cloud: answers.cloud, monitoring: answers.monitoring })
    .filter((p) => SHARED_WITH_PIPELINE[answers.cloud].includes(p.name))
    .map((p): InfraVariable => {
      if (!p.infraOutput || p.perEnvironment) throw new Error(`${p.name}: a variable the infra workflow shares must be a repository-wide bootstrap output`);
      return { name: p.name, description: withoutInfraOutput(p.description), perEnvironment: false, bootstrapOutput: p.infraOutput, sharedWithPipeline: true };
    });
  return [...identityVariables(answers.cloud), ...shared];
}

/** Identities of the infra workflow, per cloud: a read-only plan identity and one apply identity per environment. */
function identityVariables(cloud: Answers['cloud']): InfraVariable[] {
  const v = (name: string, description: string, perEnvironment: boolean, bootstrapOutput: string): InfraVariable => ({ name, description, perEnvironment, bootstrapOutput, sharedWithPipeline: false });
  switch (cloud) {
    case 'aws':
      return [
        v('AWS_PLAN_ROLE_ARN', 'Read-only role of plans (pull requests and the default branch)', false, 'plan_role_arn'),
        v('AWS_TERRAFORM_ROLE_ARN', 'Role that applies this environment', true, 'terraform_role_arns["<env>"]'),
      ];
    case 'gcp':
      return [
        v('GCP_PLAN_SERVICE_ACCOUNT', 'Read-only service account of plans (pull requests and the default branch)', false, 'plan_service_account'),
        v('GCP_TERRAFORM_SERVICE_ACCOUNT', 'Service account that applies this environment', true, 'terraform_service_accounts["<env>"]'),
      ];
    case 'azure':
      return [
        v('AZURE_PLAN_CLIENT_ID', 'Read-only identity of plans (pull requests and the default branch)', false, 'plan_client_id'),
        v('AZURE_TERRAFORM_CLIENT_ID', 'Identity that applies this environment', true, 'terraform_client_ids["<env>"]'),
      ];
  }
}

/**
 * Production's floor: ECS keeps >= 2 tasks across AZs; ACA's zone-redundant
 * environment three replicas, one per zone (the minimum Microsoft's
 * reliability guide sets for zone redundancy); Cloud Run one warm instance.
 */
const PRODUCTION_MIN_INSTANCES: Record<Answers['cloud'], number> = { aws: 2, azure: 3, gcp: 1 };

/**
 * Namespaces of what the Azure roots create, beyond azurerm's "core" set
 * (Authorization, ManagedIdentity, Network, Resources, Storage...): the
 * registry, Container Apps and Log Analytics, and with managed Prometheus the
 * Azure Monitor workspace, its rule groups, action groups and data collection.
 */
function azureResourceProviders(monitoring: Answers['monitoring']): string[] {
  const managed = monitoring === 'managed-prometheus' ? ['Microsoft.AlertsManagement', 'Microsoft.Insights', 'Microsoft.Monitor'] : [];
  return ['Microsoft.App', 'Microsoft.ContainerRegistry', 'Microsoft.OperationalInsights', ...managed].sort();
}

/**
 * The Google APIs the roots call. Secret Manager always: the env roots grant
 * the runtime account each secret of the `secrets` variable (and the
 * collector's remote-write password), and planning those grants calls the API.
 */
const GCP_APIS = [
  'run.googleapis.com', 'artifactregistry.googleapis.com', 'iam.googleapis.com', 'iamcredentials.googleapis.com', 'sts.googleapis.com',
  'monitoring.googleapis.com', 'cloudresourcemanager.googleapis.com', 'logging.googleapis.com', 'secretmanager.googleapis.com',
];

/** Backend key (S3, azurerm) or prefix (GCS) of one environment's state: one state per env. */
function stateKeyOf(cloud: Answers['cloud'], svc: string, env: string): string {
  return cloud === 'aws' ? `${svc}/${env}/terraform.tfstate` : cloud === 'gcp' ? `${svc}/${env}` : `${svc}/${env}.tfstate`;
}

/** Azure: the container of each environment's state (3-63 characters: env names are at most 12). */
const STATE_CONTAINER_PREFIX = 'tfstate-';
const stateContainerOf = (cloud: Answers['cloud'], env: string): string | null => (cloud === 'azure' ? `${STATE_CONTAINER_PREFIX}${env}` : null);

const missing = (env: string): never => {
  throw new Error(`no resource names for environment ${env}`);
};

/** Answers + facts -> InfraStack. Pure; computed even with --iac none (templates are then not rendered). */
export function buildInfraStack(answers: Answers, facts: RepoFacts, generated: ReadonlySet<string> = new Set()): InfraStack {
  const workflow = workflowFile('infra.yml', facts.existing.workflows, generated);
  const svc = answers.serviceName;
  const slug = buildRepo(facts.git).slug;
  const branch = facts.git.defaultBranch ?? 'main';
  const tofu = answers.iac === 'opentofu';
  const cli = tofu ? 'tofu' : 'terraform';
  const versions = tofu ? INFRA_VERSIONS.opentofu : INFRA_VERSIONS.terraform;
  const p = INFRA_VERSIONS.providers[answers.cloud];
  const hash = repoScopedHash(slug, svc);
  const last = answers.environments.length - 1;
  const names = buildNames(answers, slug);
  const variables = infraVariables(answers);
  const envs = answers.environments.map((name, i): InfraEnv => {
    const prod = i === last;
    return {
      name,
      isProduction: prod,
      isFirst: i === 0,
      previous: i === 0 ? null : (answers.environments[i - 1] ?? null),
      dir: `infra/envs/${name}`,
      stateKey: stateKeyOf(answers.cloud, svc, name),
      stateContainer: stateContainerOf(answers.cloud, name),
      reviewedFingerprint: `needs.plan-${name}.outputs.fingerprint`,
      // Cloud Run / ACA scale to zero outside production; ECS keeps one task.
      minInstances: prod ? PRODUCTION_MIN_INSTANCES[answers.cloud] : answers.cloud === 'aws' ? 1 : 0,
      maxInstances: prod ? 10 : 3,
      logRetentionDays: prod ? 90 : 30,
      natPerAz: prod,
      names: names.perEnv[name] ?? missing(name),
    };
  });
  // Cloud Run has no recording-rule evaluator, so GCP deploys the alerts with the rules inlined.
  const paths = monitoringPaths(svc);
  const rulesPath = answers.cloud === 'gcp' ? paths.managedAlerts : paths.rules;
  return {
    workflowFile: workflow,
    rerunGuard: rerunGuard({ workflowFile: workflow, label: 'infra', harm: "applying this one's code could undo newer changes", instead: 'start the workflow on $BRANCH (Run workflow) to apply the newest code' }),
    cli,
    toolName: tofu ? 'OpenTofu' : 'Terraform',
    requiredVersion: versions.required,
    ciVersion: versions.ci,
    setupUses: usesLine(tofu ? ACTION_PINS.setupOpentofu : ACTION_PINS.setupTerraform),
    tflint: {
      configPath: TFLINT_CONFIG_PATH,
      ciVersion: INFRA_VERSIONS.tflint.ci,
      requiredVersion: INFRA_VERSIONS.tflint.required,
      setupUses: usesLine(ACTION_PINS.setupTflint),
      ruleset: { ...INFRA_VERSIONS.tflint.rulesets[answers.cloud], source: `github.com/terraform-linters/tflint-ruleset-${INFRA_VERSIONS.tflint.rulesets[answers.cloud].name}` },
    },
    variables,
    vars: Object.fromEntries(variables.map((x) => [x.name, `vars.${x.name}`])),
    provider: {
      name: answers.cloud === 'aws' ? 'aws' : answers.cloud === 'gcp' ? 'google' : 'azurerm',
      source: p.source,
      rootConstraint: p.root,
      moduleConstraint: p.module,
    },
    region: answers.region,
    // S3/GCS: 3-63 chars; Azure storage accounts: 3-24 lowercase alphanumerics.
    stateStore: answers.cloud === 'azure' ? `${svc.replace(/-/g, '').slice(0, 11)}tfstate${hash}` : `${svc}-tfstate-${hash}`,
    stateReplicaRegion: answers.cloud === 'aws' ? awsStateReplicaRegion(answers.region) : null,
    stateDualRegion: answers.cloud === 'gcp' ? gcpStateDualRegion(answers.region) : [],
    stateResourceGroup: `rg-${svc}-tfstate`,
    bootstrapStateContainer: 'tfstate',
    stateContainerPrefix: STATE_CONTAINER_PREFIX,
    envs,
    envNames: [...answers.environments],
    awsFootprint: { vpcs: envs.length, elasticIps: envs.reduce((n, e) => n + (e.natPerAz ? 2 : 1), 0) },
    ciIdentities: {
      plan: clipUnique(`${svc}-tf-plan`, 30),
      terraform: Object.fromEntries(answers.environments.map((e) => [e, clipUnique(`${svc}-tf-${e}`, 30)])),
    },
    healthCheckGraceSeconds: answers.language === 'java' ? 180 : 60,
    // Terraform and OpenTofu both head the actions with "<Tool> will perform the following actions:".
    planFingerprint: `${cli} -chdir="$ROOT" show -no-color tfplan | awk '/will perform the following actions:$/ || /^Changes to Outputs:$/ { on = 1 } on' | tee plan-actions.txt | sha256sum | cut -d' ' -f1`,
    backendKeyArg: answers.cloud === 'gcp' ? 'prefix' : 'key',
    stateKeyPattern: stateKeyOf(answers.cloud, svc, 'ENV'),
    stateContainerPattern: stateContainerOf(answers.cloud, 'ENV'),
    moduleLockFrom: `${envs[0]!.dir}/.terraform.lock.hcl`,
    rulesPath,
    rulesPathFromEnvRoot: fromEnvRoot(rulesPath),
    rulesWatch: `${rulesPath.slice(0, rulesPath.lastIndexOf('/'))}/**`,
    // Weekday mornings (UTC), off the hour: GitHub delays scheduled runs at busy times.
    driftSchedule: '23 6 * * 1-5',
    oidcSubjects: Object.fromEntries(answers.environments.map((e) => [e, `repo:${slug}:environment:${e}`])),
    pushSubject: `repo:${slug}:ref:refs/heads/${branch}`,
    resourceProviders: answers.cloud === 'azure' ? azureResourceProviders(answers.monitoring) : [],
    gcpApis: answers.cloud === 'gcp' ? [...GCP_APIS] : [],
  };
}
