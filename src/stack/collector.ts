import type { Answers } from '../answers/options.js';
import { fromEnvRoot } from './naming.js';

/**
 * The metrics collector: an OpenTelemetry Collector sidecar next to the app.
 * ECS tasks, Cloud Run instances and Container Apps replicas cannot be scraped
 * by a central Prometheus, so the collector scrapes the app over localhost and
 * writes the samples out. It sets the labels every rule, panel and the canary
 * gate select on (job, service, env, revision) and an instance label unique
 * per replica: without it, replicas would write the same series and corrupt
 * each other's counters.
 *
 * One distribution on every cloud, the upstream contrib build: it has every
 * component used here (AWS's ADOT build lacks the transform processor the ECS
 * revision label needs). The project publishes each release to GHCR and to
 * Docker Hub. GHCR where the platform can pull from it: no anonymous pull
 * limit behind a shared NAT address. Cloud Run pulls only from Artifact
 * Registry, gcr.io and Docker Hub (any other registry fails the service's
 * creation), so there Docker Hub.
 * Bump both with each release of this tool.
 */
export const COLLECTOR_IMAGE = {
  ghcr: 'ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector-contrib:0.159.0',
  dockerHub: 'docker.io/otel/opentelemetry-collector-contrib:0.159.0',
} as const;

/** Name of the sidecar container (logs, the deploy scripts' filters). */
export const COLLECTOR_CONTAINER = 'otel-collector';

/** The one file the collector reads, written by the monitoring layer and passed to the sidecar by the infra layer. */
export const COLLECTOR_CONFIG_PATH = 'monitoring/collector/otel-collector.yaml';

/** Environment variables the config reads (`${env:NAME}`); the IaC sets each one on the sidecar. */
export interface CollectorVars {
  /** The whole config: the collector starts with `--config=env:<this>`, so no file or volume is needed. */
  config: string;
  /** The environment name, the `env` label. */
  environment: string;
  /** Remote-write endpoint, or null where the exporter finds its endpoint itself (Google). */
  remoteWriteUrl: string | null;
  /** Self-hosted Prometheus: the basic-auth user and password of the remote writes (the password from a secret, or empty). */
  remoteWriteUsername: string | null;
  remoteWritePassword: string | null;
  /** Azure: client id of the user-assigned identity the collector authenticates as. */
  clientId: string | null;
  /** AWS managed: region of the SigV4 signature. */
  awsRegion: string | null;
  /** Set by the platform: the running revision (Cloud Run, Container Apps); null on ECS (read from task metadata). */
  revision: string | null;
  /** Set by the platform: a name unique per replica (Container Apps); null where resource detection gives one. */
  replica: string | null;
  /** Set by the platform: the Cloud Run service name (Google's prometheus_target namespace). */
  platformService: string | null;
}

/** The variables the IaC must set on the sidecar (the others come from the platform). */
export function iacSetVars(v: CollectorVars): string[] {
  return [v.config, v.environment, v.remoteWriteUrl, v.remoteWriteUsername, v.remoteWritePassword, v.clientId, v.awsRegion].filter((x): x is string => x !== null);
}

export interface CollectorStack {
  image: string;
  /** What the sidecar runs next to, in words ("ECS Fargate tasks"). */
  replicas: string;
  /** Where a self-hosted Prometheus's remote-write endpoint must be reachable from, in words. */
  reach: string;
  /** The exporter the pipeline writes with. */
  exporter: 'prometheusremotewrite' | 'googlemanagedprometheus';
  /**
   * The extension that authenticates the exporter's writes, or null (Google's
   * own credentials). Self-hosted: basic auth, which Prometheus's web config
   * checks (basic_auth_users) and ignores when it has none.
   */
  auth: 'sigv4auth' | 'azure_auth' | 'basicauth' | null;
  /** Name of the sidecar container. */
  container: string;
  /** Container arguments: the config comes from an environment variable. */
  args: string[];
  configPath: string;
  /** The same path as seen from an env root (infra/envs/<env>), for Terraform's file(). */
  configPathFromEnvRoot: string;
  vars: CollectorVars;
  /** Where the samples go, in words, for comments and docs. */
  destination: string;
  /** Self-hosted: what identifies the secret holding the remote-write password on this cloud, in words. */
  passwordSecret: string;
  /** How the revision label is set, in words. */
  revisionSource: string;
  scrapeTarget: string;
  scrapeInterval: string;
  /** Memory the sidecar gets (MiB); the memory_limiter keeps the collector under it. */
  memoryMib: number;
}

/** The collector of this stack, or null without monitoring. Pure. */
export function buildCollector(answers: Answers): CollectorStack | null {
  if (answers.monitoring === 'none') return null;
  const managed = answers.monitoring === 'managed-prometheus';
  const cloud = answers.cloud;
  const destination = !managed
    ? 'your Prometheus (remote write)'
    : cloud === 'aws'
      ? 'Amazon Managed Service for Prometheus (remote write, SigV4)'
      : cloud === 'gcp'
        ? 'Google Cloud Managed Service for Prometheus'
        : 'the Azure Monitor workspace (remote write, Entra ID)';
  const google = cloud === 'gcp' && managed;
  const revisionSource =
    cloud === 'aws'
      ? 'ECS task metadata: family:revision'
      : cloud === 'gcp'
        ? 'K_REVISION, set by Cloud Run'
        : 'CONTAINER_APP_REVISION, set by Container Apps';
  const vars: CollectorVars = {
    config: 'OTEL_CONFIG',
    environment: 'DEPLOY_ENV',
    remoteWriteUrl: google ? null : 'REMOTE_WRITE_URL',
    remoteWriteUsername: managed ? null : 'REMOTE_WRITE_USERNAME',
    remoteWritePassword: managed ? null : 'REMOTE_WRITE_PASSWORD',
    clientId: cloud === 'azure' && managed ? 'AZURE_CLIENT_ID' : null,
    awsRegion: cloud === 'aws' && managed ? 'AWS_REGION' : null,
    revision: cloud === 'gcp' ? 'K_REVISION' : cloud === 'azure' ? 'CONTAINER_APP_REVISION' : null,
    replica: cloud === 'azure' ? 'CONTAINER_APP_REPLICA_NAME' : null,
    platformService: google ? 'K_SERVICE' : null,
  };
  return {
    image: cloud === 'gcp' ? COLLECTOR_IMAGE.dockerHub : COLLECTOR_IMAGE.ghcr,
    replicas: cloud === 'aws' ? 'ECS Fargate tasks' : cloud === 'gcp' ? 'Cloud Run instances' : 'Container Apps replicas',
    reach:
      cloud === 'aws'
        ? "from the VPC's private subnets (peering, a transit gateway or PrivateLink)"
        : cloud === 'gcp'
          ? 'from Cloud Run (its egress is the internet unless you add a VPC connector)'
          : 'from the Container Apps environment',
    exporter: google ? 'googlemanagedprometheus' : 'prometheusremotewrite',
    auth: !managed ? 'basicauth' : cloud === 'aws' ? 'sigv4auth' : cloud === 'azure' ? 'azure_auth' : null,
    container: COLLECTOR_CONTAINER,
    args: [`--config=env:${vars.config}`],
    configPath: COLLECTOR_CONFIG_PATH,
    configPathFromEnvRoot: fromEnvRoot(COLLECTOR_CONFIG_PATH),
    vars,
    destination,
    passwordSecret:
      cloud === 'aws'
        ? 'ARN of a Secrets Manager secret (the task execution role may read it)'
        : cloud === 'gcp'
          ? 'Secret Manager secret (projects/PROJECT/secrets/NAME; the runtime service account may read it)'
          : 'versionless Key Vault secret id (https://VAULT.vault.azure.net/secrets/NAME; list the vault in key_vault_ids, which grants the runtime identity Key Vault Secrets User on it)',
    revisionSource,
    scrapeTarget: `localhost:${answers.port}`,
    // The same interval as the self-hosted Prometheus: rate() windows in the rules assume it.
    scrapeInterval: '30s',
    memoryMib: 256,
  };
}
