import { createHash } from 'node:crypto';
import type { Answers } from '../answers/options.js';

/**
 * Canonical names of every cloud resource, computed once. The pipeline, the
 * IaC and the monitoring layer all read these (never copy strings), so the
 * workflow deploys the service the IaC creates with the role it trusts.
 * Per-environment names take the environment as a suffix.
 */
export interface CloudNames {
  /** Image repository name inside the registry (ECR repo / AR repo image / ACR repo). */
  imageRepository: string;
  /** Prometheus job / `service` label value. */
  metricsJob: string;
  /** Every EnvNames.releaseLock is this followed by the environment's name (rollback.yml builds it from its input). */
  releaseLockPrefix: string;
  perEnv: Record<string, EnvNames>;
  aws: {
    /** ECR repository name. */
    ecrRepository: string;
    /** Name of the GitHub OIDC deploy role per environment is in perEnv; this is the image-push role. */
    pushRoleName: string;
  };
  gcp: {
    /** Artifact Registry repository id. */
    artifactRepository: string;
    workloadIdentityPool: string;
    workloadIdentityProvider: string;
    deployServiceAccountId: string;
  };
  azure: {
    /**
     * ACR names are globally unique, 5-50 alphanumerics: service name without
     * dashes + 'acr' + the repository's short hash (repoScopedHash), so two
     * repositories with the same service name get different registries.
     */
    acrName: string;
    sharedResourceGroup: string;
  };
}

export interface EnvNames {
  /** `<service>-<env>`: ECS service, Cloud Run service, Container App. */
  service: string;
  /** ECS cluster / Container Apps environment. */
  cluster: string;
  /** GitHub OIDC deploy role (AWS) / service account id (GCP) / managed identity (Azure). */
  deployIdentity: string;
  /** Runtime identity: ECS task role / Cloud Run service account id / Container App identity. */
  runtimeIdentity: string;
  /** Azure resource group for the environment. */
  resourceGroup: string;
  /** CloudWatch / Log Analytics log group or workspace. */
  logGroup: string;
  /**
   * GitHub concurrency group of every job that changes the environment: the
   * deploys, the rollback and the infra apply. They queue behind each other,
   * so an apply never rewrites the service halfway through a rollout.
   */
  releaseLock: string;
}

/** Short stable hash: makes names unique and reproducible for the same input. */
export const shortHash = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 6);

/**
 * Suffix of names that must be unique across all users of a cloud (bucket and
 * storage account of the state, Azure Container Registry): the same service
 * in another repository gets another one. `slug` is OWNER/REPO (buildRepo).
 */
export const repoScopedHash = (slug: string, service: string): string => shortHash(`${slug}/${service}`);

/**
 * `s` if it fits in `max` characters, else a prefix and a hash of the whole:
 * plain truncation would give two environments of a long service name the
 * same identity (`...-deploy-staging` and `...-deploy-production` both cut
 * to `...-deploy`). Never ends in '-'.
 */
export function clipUnique(s: string, max: number): string {
  if (s.length <= max) return s;
  const hash = shortHash(s);
  return `${s.slice(0, max - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

/** `slug`: the repository's OWNER/REPO (buildRepo(...).slug), which globally unique names hash. */
export function buildNames(a: Pick<Answers, 'serviceName' | 'environments'>, slug: string): CloudNames {
  const svc = a.serviceName;
  const releaseLockPrefix = `deploy-${svc}-`;
  const perEnv: Record<string, EnvNames> = {};
  for (const env of a.environments) {
    perEnv[env] = {
      service: `${svc}-${env}`,
      cluster: `${svc}-${env}`,
      // GCP service account ids are 6-30 characters.
      deployIdentity: clipUnique(`${svc}-deploy-${env}`, 30),
      runtimeIdentity: clipUnique(`${svc}-run-${env}`, 30),
      resourceGroup: `rg-${svc}-${env}`,
      logGroup: `/ecs/${svc}-${env}`,
      releaseLock: `${releaseLockPrefix}${env}`,
    };
  }
  return {
    imageRepository: svc,
    metricsJob: svc,
    releaseLockPrefix,
    perEnv,
    aws: { ecrRepository: svc, pushRoleName: `${svc}-github-push` },
    gcp: {
      artifactRepository: svc,
      workloadIdentityPool: clipUnique(`${svc}-github`, 32),
      workloadIdentityProvider: 'github',
      deployServiceAccountId: clipUnique(`${svc}-push`, 30),
    },
    // At most 28 + 3 + 6 = 37 characters (service names are 3-28).
    azure: { acrName: `${svc.replace(/-/g, '')}acr${repoScopedHash(slug, svc)}`, sharedResourceGroup: `rg-${svc}-shared` },
  };
}

/** `path` (relative to the repository root) as Terraform's file() sees it from an env root, infra/envs/<env>. */
export const fromEnvRoot = (path: string): string => `../../../${path}`;

/**
 * The app's container in the task definition / Cloud Run service / container
 * app that infra/ writes: on ECS named after the service (the deploy renders
 * the task definition by that name); on Cloud Run and Container Apps `app`,
 * next to the collector sidecar (the runbooks' log and update commands name it).
 */
export const appContainerName = (a: Pick<Answers, 'cloud' | 'serviceName'>): string => (a.cloud === 'aws' ? a.serviceName : 'app');

/**
 * Where the monitoring layer writes its rules, read by the infra layer too
 * (managed Prometheus deploys the same file). One definition for both.
 */
export function monitoringPaths(service: string): { rules: string; tests: string; slowBurnTests: string; managedAlerts: string } {
  return {
    rules: `monitoring/prometheus/rules/${service}.rules.yml`,
    tests: `monitoring/prometheus/tests/${service}.test.yml`,
    // The 3-day burn-rate cases, evaluated hourly: see TEST_SUITES in monitoring.ts.
    slowBurnTests: `monitoring/prometheus/tests/${service}.slow-burn.test.yml`,
    // Cloud Run has no rule evaluator for recording rules: these alerts carry them inlined.
    managedAlerts: `monitoring/prometheus/managed/${service}.alerts.yml`,
  };
}
