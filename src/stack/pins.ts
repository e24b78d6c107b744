/**
 * THE one map of third-party GitHub Actions and the commits we pin them to,
 * copied from reference/action-pins.md (the commit a release tag resolves to).
 * Templates never hand-type a SHA: they read `stack.pipeline.uses.<key>`, and
 * `check` refuses any `uses:` whose SHA is not in this table.
 */
export interface ActionPin {
  /** owner/repo, or owner/repo/sub-path for actions that live in a sub-directory. */
  action: string;
  /** Full 40-character commit SHA. */
  sha: string;
  /** Exact release tag, written as the `# vX.Y.Z` comment Dependabot updates. */
  version: string;
}

const CODEQL_SHA = '8aad20d150bbac5944a9f9d289da16a4b0d87c1e';

export const ACTION_PINS = {
  setupTerraform: { action: 'hashicorp/setup-terraform', sha: 'dfe3c3f87815947d99a8997f908cb6525fc44e9e', version: 'v4.0.1' },
  setupOpentofu: { action: 'opentofu/setup-opentofu', sha: 'a1320f892987e89d278cc92dc5adc984fb93aca4', version: 'v2.0.2' },
  checkout: { action: 'actions/checkout', sha: '3d3c42e5aac5ba805825da76410c181273ba90b1', version: 'v7.0.1' },
  setupNode: { action: 'actions/setup-node', sha: '820762786026740c76f36085b0efc47a31fe5020', version: 'v7.0.0' },
  setupPython: { action: 'actions/setup-python', sha: '5fda3b95a4ea91299a34e894583c3862153e4b97', version: 'v7.0.0' },
  setupGo: { action: 'actions/setup-go', sha: 'b7ad1dad31e06c5925ef5d2fc7ad053ef454303e', version: 'v7.0.0' },
  setupJava: { action: 'actions/setup-java', sha: 'b6effb05e454b25005698d916606bdc6ffcbf961', version: 'v5.7.0' },
  cache: { action: 'actions/cache', sha: '27d5ce7f107fe9357f9df03efb73ab90386fccae', version: 'v5.0.5' },
  uploadArtifact: { action: 'actions/upload-artifact', sha: 'bbbca2ddaa5d8feaa63e36b76fdaad77386f024f', version: 'v7.0.0' },
  downloadArtifact: { action: 'actions/download-artifact', sha: '3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c', version: 'v8.0.1' },
  attest: { action: 'actions/attest', sha: '1e69f48acb82d1966a394da916b4c1698aa569d6', version: 'v4.2.2' },
  dependencyReview: { action: 'actions/dependency-review-action', sha: '2031cfc080254a8a887f58cffee85186f0e49e48', version: 'v4.9.0' },
  setupBuildx: { action: 'docker/setup-buildx-action', sha: '37fe631027851001ddb9b187196cc803df7f5f0e', version: 'v4.3.0' },
  dockerLogin: { action: 'docker/login-action', sha: '4907a6ddec9925e35a0a9e82d7399ccc52663121', version: 'v4.1.0' },
  dockerMetadata: { action: 'docker/metadata-action', sha: 'dc802804100637a589fabce1cb79ff13a1411302', version: 'v6.2.0' },
  buildPush: { action: 'docker/build-push-action', sha: '53b7df96c91f9c12dcc8a07bcb9ccacbed38856a', version: 'v7.3.0' },
  awsCredentials: { action: 'aws-actions/configure-aws-credentials', sha: 'e6de054238d6b7531b4efff3b6587d9aade6a06c', version: 'v6.2.3' },
  ecrLogin: { action: 'aws-actions/amazon-ecr-login', sha: '03f1aad4c6c7ffd436567f42f9384779290529bd', version: 'v2.1.7' },
  ecsRenderTaskDefinition: { action: 'aws-actions/amazon-ecs-render-task-definition', sha: '138c24f321fdbdf7edee4a685519d253cae2cdea', version: 'v1.9.0' },
  gcpAuth: { action: 'google-github-actions/auth', sha: '7c6bc770dae815cd3e89ee6cdf493a5fab2cc093', version: 'v3.0.0' },
  setupGcloud: { action: 'google-github-actions/setup-gcloud', sha: 'aa5489c8933f4cc7a4f7d45035b3b1440c9c10db', version: 'v3.0.1' },
  azureLogin: { action: 'azure/login', sha: 'f5d393ae46f8fde4be8b75f32e3fc50e654ad0ca', version: 'v3.0.1' },
  // Not in reference/action-pins.md: read from the action's repository (tag v6.3.0 is a
  // lightweight tag on this commit; node24, no nested actions). Re-verify like the others.
  setupTflint: { action: 'terraform-linters/setup-tflint', sha: '6e1e0642c0289bd619021bf6b34e3c08ed1e005a', version: 'v6.3.0' },
  trivy: { action: 'aquasecurity/trivy-action', sha: 'ed142fd0673e97e23eac54620cfb913e5ce36c25', version: 'v0.36.0' },
  codeqlInit: { action: 'github/codeql-action/init', sha: CODEQL_SHA, version: 'v4.36.2' },
  codeqlAnalyze: { action: 'github/codeql-action/analyze', sha: CODEQL_SHA, version: 'v4.36.2' },
  codeqlUploadSarif: { action: 'github/codeql-action/upload-sarif', sha: CODEQL_SHA, version: 'v4.36.2' },
} as const satisfies Record<string, ActionPin>;

export type PinKey = keyof typeof ACTION_PINS;

/**
 * Trivy binary the trivy-action installs. Set explicitly: a future default
 * change must not pull an unexpected binary (see the March 2026 incident).
 */
export const TRIVY_VERSION = 'v0.70.0';

/** `owner/repo@<sha> # vX.Y.Z`, the exact text after `uses: `. */
export function usesLine(pin: ActionPin): string {
  return `${pin.action}@${pin.sha} # ${pin.version}`;
}

/** Every pin as its `uses:` text, keyed like ACTION_PINS. */
export function buildUses(): Record<PinKey, string> {
  const out = {} as Record<PinKey, string>;
  for (const key of Object.keys(ACTION_PINS) as PinKey[]) out[key] = usesLine(ACTION_PINS[key]);
  return out;
}

/** Known SHAs per action (an action may legitimately share a SHA with its sub-paths). */
export function pinnedShas(): ReadonlyMap<string, string> {
  return new Map(Object.values(ACTION_PINS).map((p) => [p.action.toLowerCase(), p.sha]));
}
