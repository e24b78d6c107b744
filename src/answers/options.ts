/**
 * THE option table. Flags, prompts, validation, `--help`, the answers-file JSON
 * Schema and the test matrices are all derived from it; never keep a parallel list.
 */

export const LANGUAGES = ['node', 'python', 'go', 'java'] as const;
export const CLOUDS = ['aws', 'gcp', 'azure'] as const;
export const RUNTIMES = ['ecs-fargate', 'cloud-run', 'container-apps'] as const;
export const IAC_TOOLS = ['terraform', 'opentofu', 'none'] as const;
export const STRATEGIES = ['rolling', 'blue-green', 'canary'] as const;
export const MONITORING = ['prometheus', 'managed-prometheus', 'none'] as const;
export const CI_SYSTEMS = ['github-actions'] as const;

export type Language = (typeof LANGUAGES)[number];
export type Cloud = (typeof CLOUDS)[number];
export type Runtime = (typeof RUNTIMES)[number];
export type IacTool = (typeof IAC_TOOLS)[number];
export type Strategy = (typeof STRATEGIES)[number];
export type Monitoring = (typeof MONITORING)[number];
export type CiSystem = (typeof CI_SYSTEMS)[number];

/** Which runtimes each cloud offers (first = default). Kubernetes comes later. */
export const RUNTIMES_BY_CLOUD: Readonly<Record<Cloud, readonly Runtime[]>> = {
  aws: ['ecs-fargate'],
  gcp: ['cloud-run'],
  azure: ['container-apps'],
};

export const DEFAULT_REGION: Readonly<Record<Cloud, string>> = {
  aws: 'us-east-1',
  gcp: 'us-central1',
  azure: 'eastus',
};

/**
 * How each cloud names its regions: AWS <area>-<direction>-<n> (us-east-1,
 * us-gov-west-1), GCP <area>-<direction><n> (us-central1, europe-west4),
 * Azure one lowercase word, maybe with a digit (eastus, westeurope, eastus2).
 * A region of another cloud would reach the provider and every workflow.
 */
export const REGION_FORMS: Readonly<Record<Cloud, { pattern: string; description: string }>> = {
  aws: { pattern: '^[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}$', description: 'an AWS region id such as us-east-1 or eu-west-2' },
  gcp: { pattern: '^[a-z]+-[a-z]+[0-9]{1,2}$', description: 'a GCP region id such as us-central1 or europe-west4' },
  azure: { pattern: '^[a-z]+[0-9]?$', description: 'an Azure region name such as eastus or westeurope' },
};

/** Any cloud's region form: what a region is checked against before the cloud is known. */
const ANY_REGION = `^(${Object.values(REGION_FORMS).map((f) => f.pattern.slice(1, -1)).join('|')})$`;

/** The user's choices, and nothing derived from them (that is the Stack's job). */
export interface Answers {
  language: Language;
  cloud: Cloud;
  runtime: Runtime;
  iac: IacTool;
  environments: string[];
  strategy: Strategy;
  monitoring: Monitoring;
  ci: CiSystem;
  serviceName: string;
  region: string;
  port: number;
  healthPath: string;
  readinessPath: string;
  serviceDir: string;
  slo: number;
  team: string;
}

export type OptionName = keyof Answers;

/** What a default may depend on: answers already resolved and what detection found. */
export interface DefaultContext {
  answers: Partial<Answers>;
  detected: {
    language: Language | null;
    serviceName: string;
    port: number | null;
    healthPath: string | null;
    readinessPath: string | null;
    appDir: string;
    /** GitHub owner of the repository (organisation or user), or null. */
    owner: string | null;
  };
}

interface OptionBase<T> {
  /** Long flag name, kebab-case, without dashes. */
  flag: string;
  /** Prompt text and `--help` description. */
  message: string;
  /** Asked in the interactive flow (others take their default unless flagged). */
  ask: boolean;
  /** Default value; may read detection or earlier answers. */
  default: (ctx: DefaultContext) => T;
  /** True when the default came from the repository rather than from us. */
  detected?: (ctx: DefaultContext) => boolean;
  /**
   * Valid on the cloud it was chosen for only: when `upgrade` changes the
   * cloud, the stored value is dropped (unless given again) and derived anew.
   */
  cloudBound?: boolean;
}

export interface ChoiceOption<T extends string = string> extends OptionBase<T> {
  kind: 'choice';
  choices: readonly T[];
  /** Narrow the choices to those valid given earlier answers. */
  choicesFor?: (answers: Partial<Answers>) => readonly T[];
}
export interface ListOption extends OptionBase<string[]> {
  kind: 'list';
  item: { pattern: string; description: string };
  minItems: number;
  maxItems: number;
}
export interface StringOption extends OptionBase<string> {
  kind: 'string';
  pattern: string;
  description: string;
  maxLength: number;
  /** A narrower form given earlier answers (null: `pattern` only). */
  formFor?: (answers: Partial<Answers>) => { pattern: string; description: string } | null;
}
export interface NumberOption extends OptionBase<number> {
  kind: 'integer' | 'number';
  minimum: number;
  maximum: number;
}
export type OptionSpec = ChoiceOption | ListOption | StringOption | NumberOption;

const choice = <T extends string>(o: Omit<ChoiceOption<T>, 'kind'>): ChoiceOption<T> => ({ kind: 'choice', ...o });

/** In prompt order: later options may depend on earlier ones. */
export const OPTIONS = {
  language: choice<Language>({
    flag: 'language',
    message: 'Application language',
    ask: true,
    choices: LANGUAGES,
    default: (c) => c.detected.language ?? 'node',
    detected: (c) => c.detected.language !== null,
  }),
  serviceName: {
    kind: 'string',
    flag: 'service-name',
    message: 'Service name (used for the image, cloud resources and alerts)',
    ask: true,
    pattern: '^[a-z][a-z0-9-]{1,26}[a-z0-9]$',
    description: '3-28 characters: lowercase letters, digits and dashes, starting with a letter',
    maxLength: 28,
    default: (c) => c.detected.serviceName,
    detected: () => true,
  },
  cloud: choice<Cloud>({
    flag: 'cloud',
    message: 'Cloud provider',
    ask: true,
    choices: CLOUDS,
    default: () => 'aws',
  }),
  runtime: choice<Runtime>({
    flag: 'runtime',
    message: 'Container runtime',
    ask: true,
    choices: RUNTIMES,
    choicesFor: (a) => (a.cloud ? RUNTIMES_BY_CLOUD[a.cloud] : RUNTIMES),
    default: (c) => RUNTIMES_BY_CLOUD[c.answers.cloud ?? 'aws'][0] ?? 'ecs-fargate',
    cloudBound: true,
  }),
  region: {
    kind: 'string',
    flag: 'region',
    message: 'Cloud region',
    ask: true,
    pattern: ANY_REGION,
    description: "the cloud's region id: us-east-1 (AWS), us-central1 (GCP) or eastus (Azure)",
    maxLength: 40,
    formFor: (a) => (a.cloud ? REGION_FORMS[a.cloud] : null),
    default: (c) => DEFAULT_REGION[c.answers.cloud ?? 'aws'],
    cloudBound: true,
  },
  iac: choice<IacTool>({
    flag: 'iac',
    message: 'Infrastructure as code',
    ask: true,
    choices: IAC_TOOLS,
    default: () => 'terraform',
  }),
  environments: {
    kind: 'list',
    flag: 'environments',
    message: 'Environments, in promotion order (comma-separated)',
    ask: true,
    item: { pattern: '^[a-z][a-z0-9]{1,11}$', description: '2-12 lowercase letters or digits, starting with a letter' },
    minItems: 1,
    maxItems: 5,
    default: () => ['staging', 'production'],
  },
  strategy: choice<Strategy>({
    flag: 'strategy',
    message: 'Deployment strategy',
    ask: true,
    choices: STRATEGIES,
    default: () => 'rolling',
  }),
  monitoring: choice<Monitoring>({
    flag: 'monitoring',
    message: 'Monitoring',
    ask: true,
    choices: MONITORING,
    // Managed Prometheus is provisioned by the IaC, so it needs an IaC tool.
    choicesFor: (a) => (a.iac === 'none' ? MONITORING.filter((m) => m !== 'managed-prometheus') : MONITORING),
    default: () => 'prometheus',
  }),
  ci: choice<CiSystem>({
    flag: 'ci',
    message: 'CI system',
    ask: false,
    choices: CI_SYSTEMS,
    default: () => 'github-actions',
  }),
  port: {
    kind: 'integer',
    flag: 'port',
    message: 'Port the service listens on',
    ask: false,
    minimum: 1,
    maximum: 65535,
    default: (c) => c.detected.port ?? 8080,
    detected: (c) => c.detected.port !== null,
  },
  healthPath: {
    kind: 'string',
    flag: 'health-path',
    message: 'HTTP health check path',
    ask: false,
    pattern: '^/[A-Za-z0-9._~/-]*$',
    description: 'an absolute URL path such as /healthz',
    maxLength: 100,
    default: (c) => c.detected.healthPath ?? '/healthz',
    detected: (c) => c.detected.healthPath !== null,
  },
  readinessPath: {
    kind: 'string',
    flag: 'readiness-path',
    message: 'HTTP readiness path (load balancer and readiness probes)',
    ask: false,
    pattern: '^/[A-Za-z0-9._~/-]*$',
    description: 'an absolute URL path such as /readyz',
    maxLength: 100,
    // Without a readiness route, the health check decides both.
    default: (c) => c.detected.readinessPath ?? c.answers.healthPath ?? '/healthz',
    detected: (c) => c.detected.readinessPath !== null,
  },
  serviceDir: {
    kind: 'string',
    flag: 'service-dir',
    message: 'Directory of the service inside the repository (monorepos)',
    ask: false,
    // No '.' or '..' segment: the path stays inside the repository and reads the same everywhere.
    pattern: '^(\\.|(?!\\.\\.?(/|$))[A-Za-z0-9._-]+(/(?!\\.\\.?(/|$))[A-Za-z0-9._-]+)*)$',
    description: "a relative path inside the repository, such as '.' or services/api",
    maxLength: 200,
    default: (c) => c.detected.appDir,
    detected: (c) => c.detected.appDir !== '.',
  },
  slo: {
    kind: 'number',
    flag: 'slo',
    message: 'Availability SLO in percent',
    ask: false,
    // Below 95 the fast-burn page (14.4x the error budget) would need more than 100 % errors: it could never fire.
    minimum: 95,
    maximum: 99.999,
    default: () => 99.9,
  },
  team: {
    kind: 'string',
    flag: 'team',
    message: 'Team that owns the service (the team label on every alert)',
    ask: false,
    pattern: '^[a-z0-9][a-z0-9_-]{0,62}$',
    description: 'lowercase letters, digits, dashes and underscores (at most 63), such as payments',
    maxLength: 63,
    // The GitHub organisation is the owner until a team is named; else the service itself.
    default: (c) => teamName(c.detected.owner) ?? c.answers.serviceName ?? 'app',
    detected: (c) => teamName(c.detected.owner) !== null,
  },
} as const satisfies { [K in OptionName]: OptionSpec & OptionBase<Answers[K]> };

export const OPTION_NAMES = Object.keys(OPTIONS) as OptionName[];

/** A GitHub owner as a team label value (lowercase, label-safe), or null. */
function teamName(owner: string | null): string | null {
  const name = owner?.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 63) ?? '';
  return name === '' ? null : name;
}

/**
 * Rules between options that a single option's spec cannot express.
 * Each returns an error message (naming the flags) or null.
 */
export const CROSS_RULES: ReadonlyArray<(a: Answers) => string | null> = [
  (a) =>
    RUNTIMES_BY_CLOUD[a.cloud].includes(a.runtime)
      ? null
      : `--runtime ${a.runtime} is not available on --cloud ${a.cloud} (choose ${RUNTIMES_BY_CLOUD[a.cloud].join(', ')})`,
  (a) =>
    a.monitoring === 'managed-prometheus' && a.iac === 'none'
      ? '--monitoring managed-prometheus is provisioned by the IaC layer, so it needs --iac terraform or opentofu'
      : null,
  (a) =>
    new Set(a.environments).size === a.environments.length
      ? null
      : `--environments lists a name twice: ${a.environments.join(',')}`,
  (a) => runtimeNameError(a),
  (a) => {
    const taken = a.environments.find((e) => RESERVED_ENVIRONMENTS.includes(e));
    return taken === undefined ? null : `--environments: "${taken}" is taken by the bootstrap's shared resources (${RESERVED_ENVIRONMENTS.join(', ')}); choose another name`;
  },
  (a) => {
    const rule = RESERVED_SERVICE_NAMES[a.cloud].find((r) => r.test(a.serviceName));
    return rule === undefined ? null : `--service-name ${a.serviceName}: ${rule.why}`;
  },
];

/**
 * Environment names a per-environment resource would share with one of the
 * bootstrap: the plan identity (AWS role / GCP service account
 * <service>-terraform-plan, <service>-tf-plan) and Azure's resource groups
 * rg-<service>-shared and rg-<service>-tfstate. Reserved on every cloud, so an
 * environment list stays portable.
 */
const RESERVED_ENVIRONMENTS: readonly string[] = ['plan', 'shared', 'tfstate'];

/** Names a provider refuses for resources named after the service. */
const RESERVED_SERVICE_NAMES: Record<Cloud, ReadonlyArray<{ test: (name: string) => boolean; why: string }>> = {
  aws: [
    { test: (n) => n.startsWith('internal-'), why: "load balancer names cannot begin with 'internal-' (ELBv2)" },
    { test: (n) => ['xn--', 'sthree-', 'amzn-s3-demo-'].some((p) => n.startsWith(p)), why: "S3 bucket names cannot begin with 'xn--', 'sthree-' or 'amzn-s3-demo-'" },
  ],
  gcp: [{ test: (n) => n.startsWith('goog') || /g[o0]{2}gle/.test(n), why: "Cloud Storage bucket names cannot begin with 'goog' or contain 'google'" }],
  azure: [],
};

/**
 * The longest `<service>-<env>` each runtime takes: a Container Apps app name
 * is at most 32 characters (ARM naming rules for Microsoft.App/containerApps);
 * on Cloud Run a traffic tag and the service name together are at most 46
 * (gcloud), and the pipeline's tags (r<run>-<attempt>, rb<run>-<attempt>)
 * take up to 11 with 7-digit run numbers.
 */
const RUNTIME_NAME_LIMITS: Partial<Record<Runtime, { max: number; what: string }>> = {
  'container-apps': { max: 32, what: 'a Container Apps app name (Azure allows 32 characters)' },
  'cloud-run': { max: 35, what: 'a Cloud Run service name (with the pipeline\'s traffic tags, Cloud Run allows 35 characters)' },
};

function runtimeNameError(a: Answers): string | null {
  const limit = RUNTIME_NAME_LIMITS[a.runtime];
  if (limit === undefined) return null;
  if (a.runtime === 'container-apps' && a.serviceName.includes('--')) return `--service-name ${a.serviceName}: Container Apps names cannot contain '--' (it separates an app's name from its revisions')`;
  const longest = a.environments.map((env) => `${a.serviceName}-${env}`).sort((x, y) => y.length - x.length)[0];
  return longest !== undefined && longest.length > limit.max
    ? `--service-name ${a.serviceName}: ${longest} (${longest.length} characters) is too long for ${limit.what}; choose a shorter --service-name or --environments`
    : null;
}
