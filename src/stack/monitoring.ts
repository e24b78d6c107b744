import type { Answers } from '../answers/options.js';
import type { RepoFacts } from '../detect/types.js';
import { buildNames, monitoringPaths } from './naming.js';
import {
  buildMetricGate,
  errorRatioExpr,
  LATENCY_THRESHOLD_SECONDS,
  latencyQuantileExpr,
  metricNamesFor,
  metricsPathFor,
  micrometerFramework,
  probeRoute,
  requestRateExpr,
  selector,
  SERVICE_DOWN_LOOKBACK,
  servedTraffic,
  slowRatioExpr,
  type MetricGate,
  type MetricNames,
} from './promql.js';
import { buildRepo } from './repo.js';
import { buildCollector, type CollectorStack } from './collector.js';
import { buildRunbooks, queryConsole, type QueryConsole, type Runbook } from './runbooks.js';
import { workflowFiles, type WorkflowFiles } from './workflow-files.js';
import { byCodeUnit } from '../compare.js';

/** Alert severity: one scheme across the project; Alertmanager routes on it. */
export type Severity = 'page' | 'ticket';

/** A label or annotation, as a list entry so templates keep a stable order. */
export interface NameValue {
  name: string;
  value: string;
}

export type AlertKind =
  | 'error-ratio' | 'latency-p99' | 'traffic-drop'
  | 'availability-burn' | 'latency-burn' | 'latency-unmeasured'
  | 'target-down' | 'service-down' | 'metrics-absent' | 'watchdog';

/** One alerting rule. The rules file, the runbooks and the rule tests all iterate `MonitoringStack.alerts`. */
export interface MonitoringAlert {
  name: string;
  kind: AlertKind;
  severity: Severity;
  expr: string;
  /**
   * `expr` with the recording rules' expressions inlined and the SLO objective
   * as a number: for evaluators that run alerts without the recording rules
   * (Cloud Monitoring PromQL alert policies for Cloud Run).
   */
  inlineExpr: string;
  for: string;
  /** Every static label of the rule: severity, service, and slo for burn-rate alerts. */
  labels: NameValue[];
  summary: string;
  description: string;
  /** summary, description, runbook_url: exactly what the rule file writes. */
  annotations: NameValue[];
  /** docs/runbooks/<AlertName>.md, relative to the repository root. */
  runbookPath: string;
  runbookUrl: string;
}

export interface RecordingRule {
  record: string;
  expr: string;
  labels: NameValue[];
}

/** A series of a promtool unit test, in promtool's expanding notation. */
export interface TestSeries {
  series: string;
  values: string;
}

/** One promtool test group: one alert evaluated once, expected to fire (expAlerts non-empty) or not. */
export interface RuleTestCase {
  /** What the case proves (a YAML comment). */
  title: string;
  interval: string;
  series: TestSeries[];
  evalTime: string;
  alertname: string;
  expAlerts: Array<{ labels: NameValue[]; annotations: NameValue[] }>;
}

/** One promtool promql_expr_test: what a recording rule records for given input series. */
export interface RecordingTestCase {
  /** What the case proves (a YAML comment). */
  title: string;
  interval: string;
  series: TestSeries[];
  evalTime: string;
  /** The recorded series to query. */
  expr: string;
  /** Expected samples: the series (name and labels) and its value. */
  expSamples: Array<{ labels: string; value: string }>;
}

/** One promtool test file: its cases share one evaluation_interval (promtool has no per-case one). */
export interface RuleTestSuite {
  path: string;
  /** promtool evaluation_interval; every eval time of the file is a multiple of it. */
  evaluationInterval: string;
  /** What the file covers, for its header. */
  about: string;
  cases: RuleTestCase[];
  /** Recording-rule cases (the alerts' file only). */
  recordingCases: RecordingTestCase[];
}

export interface SloStack {
  /** Availability objective from --slo, as a ratio (0.999). Written once, as a recording rule. */
  availability: number;
  availabilityPercent: number;
  /** Share of requests that must be faster than latencyThresholdSeconds. */
  latency: number;
  latencyPercent: number;
  latencyThresholdSeconds: number;
  /** The histogram bucket edge (`le` value) at the threshold. */
  latencyThresholdLe: string;
  /** Windows the SLI ratios are recorded for. */
  windows: string[];
}

/** A panel of the Grafana dashboard: title, unit and the PromQL targets. */
export interface DashboardPanel {
  id: number;
  title: string;
  unit: string;
  type: 'timeseries' | 'stat';
  targets: Array<{ expr: string; legend: string; refId: string }>;
  /** Grid position, computed here so the template holds no arithmetic. */
  x: number;
  y: number;
  w: number;
  h: number;
  /** JSON: comma between panels. */
  last: boolean;
}

/** Values the monitoring layer's templates read; `gate` and `metrics` are also read by the pipeline. */
export interface MonitoringStack {
  metrics: MetricNames;
  /** null with --monitoring none: the pipeline gates on smoke tests and health checks only. */
  gate: MetricGate | null;
  /** Where the app serves metrics: /metrics, /actuator/prometheus (Spring Boot), /prometheus (Micronaut), /q/metrics (Quarkus). */
  metricsPath: string;
  /** Which framework's Micrometer setup the docs show (a JVM app with Micrometer's Prometheus registry), else null. */
  micrometerFramework: 'spring-boot' | 'micronaut' | 'quarkus' | null;
  /** Route label values of health checks and scrapes, which the SLIs leave out (see probeRoute); empty with --monitoring none. */
  probeRoutes: string[];
  /** The sidecar that scrapes the app and writes its samples out; null with --monitoring none. */
  collector: CollectorStack | null;
  /** The Prometheus job name and the `service` label value. */
  job: string;
  /** Label values in the rule tests (the production-like environment). */
  testEnv: string;
  slo: SloStack;
  recordingRules: RecordingRule[];
  alerts: MonitoringAlert[];
  /** The promtool test files with their cases; every alert has a case that fires and one that must not. */
  ruleTestSuites: RuleTestSuite[];
  runbooks: Runbook[];
  /** Where the runbooks' queries run (the label after each, and a command where there is no console). */
  queryConsole: QueryConsole;
  /** The pipeline's workflow files (devops-stack-*.yml where the repository had its own): the docs and runbooks name them. */
  workflows: WorkflowFiles;
  /** Paths of the generated files, relative to the target root. */
  files: {
    rules: string;
    /** Every promtool test file (ruleTestSuites' paths). */
    tests: string[];
    /** GCP managed Prometheus: alerts with the recording rules inlined (nothing evaluates them on Cloud Run). */
    managedAlerts: string;
    /** The file whose alerts run: managedAlerts where nothing evaluates recording rules, else rules. */
    alertRules: string;
    /** Every rule file CI checks with promtool, and whose runbook links it checks. */
    checkedRules: string[];
    /** rule_files entry of the test file, relative to the test file. */
    rulesFromTests: string;
    dashboard: string;
  };
  dashboard: {
    uid: string;
    title: string;
    /** JSON has no comments: the generated-file header goes here. */
    description: string;
    tags: string[];
    /** Link from the dashboard to the runbooks folder. */
    runbooksUrl: string;
    /** Panels compute the expressions inline, with this service's objectives (nothing evaluates recording rules). */
    inline: boolean;
    /** The service variable's query (Grafana label_values, not PromQL), and its default: this service. */
    serviceQuery: string;
    service: string;
    /** The env variable's query, for the selected service. */
    envQuery: string;
    panels: DashboardPanel[];
  };
  /** host:port of the service for the local scrape job (docker compose). */
  localTarget: string;
  alertmanager: {
    chatChannel: string;
    /** Name of the heartbeat check the Watchdog pings (its ping URL is a secret file: it carries a token). */
    heartbeat: string;
    /**
     * The environment whose pages go to the pager (the last one, production);
     * pages from the others go to chat. Alerts without an env label (MetricsAbsent:
     * every environment is blind) page too.
     */
    pagingEnv: string;
  };
  /**
   * Alerts that mean there is no target at all. They mute TrafficDrop (which
   * adds nothing then), and environments that scale to zero when idle leave
   * them out (an idle service has no targets either).
   */
  noTargetAlerts: string[];
  /** Rule group names in the rules file. */
  groups: { recording: string; alerts: string };
}

/**
 * The promtool test files. promtool evaluates every rule at each
 * evaluation_interval from 0 to a case's eval_time, and one interval serves a
 * whole file. The slow burn-rate cases need 3 days of rule time: at the 10m
 * the other alerts' `for` needs that is ~435 evaluations and seconds of
 * promtool, so they have a file of their own, evaluated hourly.
 */
const TEST_SUITES = {
  alerts: { evalMinutes: 10, about: 'every alert but the slow burn-rate ones has a case that fires and one that must not' },
  slowBurn: { evalMinutes: 60, about: 'the slow burn-rate alerts (3-day window), evaluated hourly to keep promtool quick' },
} as const;
type TestSuiteId = keyof typeof TEST_SUITES;
/** Environment label of the test series that must not fire. */
const CALM_ENV = 'calm';
const SLI_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'];
/** Latency SLO: this share of requests faster than the gate's latency bound. */
const LATENCY_OBJECTIVE = 0.99;
const ERROR_RATIO_FALLBACK = 0.05;

/** The SRE workbook's multi-window, multi-burn-rate table (30-day SLO). */
const BURN_RATES = [
  { suffix: 'Fast', factor: 14.4, long: '1h', short: '5m', severity: 'page', spent: '2%', interval: '1m', stepMinutes: 1, testSuite: 'alerts' },
  { suffix: 'Medium', factor: 6, long: '6h', short: '30m', severity: 'page', spent: '5%', interval: '1m', stepMinutes: 1, testSuite: 'alerts' },
  { suffix: 'Slow', factor: 1, long: '3d', short: '6h', severity: 'ticket', spent: '10%', interval: '30m', stepMinutes: 30, testSuite: 'slowBurn' },
] as const;

// Prometheus template snippets, kept as data: Handlebars never re-parses values.
const P = {
  env: '{{ $labels.env }}',
  instance: '{{ $labels.instance }}',
  pct: '{{ $value | humanizePercentage }}',
  dur: '{{ $value | humanizeDuration }}',
  num: '{{ $value | humanize }}',
};

const minutes = (w: string): number => {
  const n = Number(w.slice(0, -1));
  return w.endsWith('d') ? n * 1440 : w.endsWith('h') ? n * 60 : n;
};

/** Go's %.4g, which Prometheus' humanize* template functions use. */
export function formatG4(x: number): string {
  if (x === 0) return '0';
  const [mant = '0', expStr = '0'] = x.toExponential(3).split('e');
  const exp = Number(expStr);
  if (exp < -4 || exp >= 4) return `${mant.replace(/\.?0+$/, '')}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return x.toFixed(Math.max(0, 3 - exp)).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

const humanizePercentage = (v: number): string => `${formatG4(v * 100)}%`;
function humanizeDuration(v: number): string {
  if (v >= 1 || v === 0) return `${formatG4(v)}s`;
  let scaled = v;
  let prefix = '';
  for (const p of ['m', 'u', 'n']) {
    if (scaled >= 1) break;
    prefix = p;
    scaled *= 1000;
  }
  return `${formatG4(scaled)}${prefix}s`;
}

/** Fills the Prometheus templating of an annotation the way Prometheus would, for exp_annotations. */
function expand(text: string, labels: Record<string, string>, value: string): string {
  return text
    .replace(/\{\{ \$labels\.(\w+) \}\}/g, (_m, n: string) => labels[n] ?? '')
    .replace(/\{\{ \$value \| humanize\w* \}\}/g, value);
}

/** A counter in promtool notation: starts at 0 and grows by `perStep` for `steps` steps per segment. */
function counter(segments: ReadonlyArray<readonly [perStep: number, steps: number]>): string {
  const parts = ['0'];
  let last = 0;
  for (const [perStep, steps] of segments) {
    if (steps <= 0) continue;
    parts.push(`${num(last + perStep)}+${num(perStep)}x${steps - 1}`);
    last += perStep * steps;
  }
  return parts.join(' ');
}
const num = (v: number): string => String(Number(v.toFixed(6)));

/**
 * Answers + RepoFacts -> the monitoring layer's values: metric names matching
 * the app, the metric gate, recording rules, alerts, their promtool tests,
 * runbooks and dashboard panels. Pure. `generated`: the paths a previous run
 * wrote (from the manifest), which keep the workflow names it chose.
 */
export function buildMonitoringStack(answers: Answers, facts: RepoFacts, generated: ReadonlySet<string> = new Set()): MonitoringStack {
  const metrics = metricNamesFor(facts);
  const workflows = workflowFiles(facts.existing.workflows, generated);
  const repo = buildRepo(facts.git);
  const names = buildNames(answers, repo.slug);
  const service = answers.serviceName;
  const job = names.metricsJob;
  // The last environment is production: the rule tests label their series with it, and it alone pages.
  const productionEnv = answers.environments[answers.environments.length - 1] ?? 'production';
  const testEnv = productionEnv;
  const slo: SloStack = {
    availability: Number((answers.slo / 100).toFixed(6)),
    availabilityPercent: answers.slo,
    latency: LATENCY_OBJECTIVE,
    latencyPercent: LATENCY_OBJECTIVE * 100,
    latencyThresholdSeconds: LATENCY_THRESHOLD_SECONDS,
    latencyThresholdLe: String(LATENCY_THRESHOLD_SECONDS),
    windows: SLI_WINDOWS,
  };
  const paths = monitoringPaths(service);
  const testPaths: Record<TestSuiteId, string> = { alerts: paths.tests, slowBurn: paths.slowBurnTests };
  // Cloud Run with Google's managed Prometheus: no rule evaluator, so the alerts and the dashboard inline the recording rules.
  const noRuleEvaluator = answers.cloud === 'gcp' && answers.monitoring === 'managed-prometheus';
  const files = {
    rules: paths.rules,
    tests: Object.values(testPaths),
    managedAlerts: paths.managedAlerts,
    alertRules: noRuleEvaluator ? paths.managedAlerts : paths.rules,
    checkedRules: noRuleEvaluator ? [paths.rules, paths.managedAlerts] : [paths.rules],
    rulesFromTests: `../rules/${service}.rules.yml`,
    dashboard: `monitoring/grafana/dashboards/${service}.json`,
  };
  const localTarget = `${service}:${answers.port}`;
  const heartbeat = `${service}-alertmanager`;
  const pagingEnv = productionEnv;
  const alertmanager = { chatChannel: `#${service}-alerts`, heartbeat, pagingEnv };
  const groups = { recording: `${job}.recording`, alerts: `${job}.alerts` };
  // The series the dashboard's variables list label values of.
  const variableSource = noRuleEvaluator ? metrics.requestsTotal : RECORD.rate('5m');
  const dashboard = {
    uid: `${service}-red-slo`.slice(0, 40),
    title: `${service}: RED and SLO`,
    description: `Generated by create-devops-stack from the rules in ${files.rules}. You may edit it: \`npx create-devops-stack@latest upgrade\` merges your edits. ${noRuleEvaluator ? 'Panels compute the expressions the alerts use (nothing evaluates recording rules here).' : 'Panels read the same recording rules the alerts use.'}`,
    tags: ['create-devops-stack', service, 'slo'],
    runbooksUrl: `${repo.url}/tree/${repo.defaultBranch}/docs/runbooks`,
    inline: noRuleEvaluator,
    serviceQuery: `label_values(${variableSource}, ${metrics.serviceLabel})`,
    service,
    envQuery: `label_values(${variableSource}{${metrics.serviceLabel}="${SERVICE_VAR}"}, env)`,
    panels: [] as DashboardPanel[],
  };
  const metricsPath = metricsPathFor(metrics, facts);
  if (answers.monitoring === 'none') {
    return { metrics, gate: null, metricsPath, micrometerFramework: micrometerFramework(metrics, facts), probeRoutes: [], collector: null, job, testEnv, slo, recordingRules: [], alerts: [], ruleTestSuites: [], runbooks: [], queryConsole: queryConsole(answers), workflows, noTargetAlerts: [], files, dashboard, groups, localTarget, alertmanager };
  }

  // Health and readiness checks and metric scrapes are not user traffic (servedTraffic).
  const probePaths = [answers.healthPath, answers.readinessPath, metricsPath].map((p) => probeRoute(metrics, p));
  const ctx: RuleContext = { m: metrics, service, job, env: testEnv, slo, traffic: servedTraffic(metrics, service, probePaths), probePath: probePaths[0]!, pagingEnv };
  const recordingRules = buildRecordingRules(ctx);
  const specs = buildAlertSpecs(ctx, recordedRefs(ctx));
  const inline = buildAlertSpecs(ctx, inlineRefs(ctx));
  const alerts = specs.map((s, i) => toAlert(s, inline[i]!.expr, service, answers.team, repo));
  const ruleTestSuites = (Object.keys(TEST_SUITES) as TestSuiteId[]).map((id): RuleTestSuite => ({
    path: testPaths[id],
    evaluationInterval: `${TEST_SUITES[id].evalMinutes}m`,
    about: TEST_SUITES[id].about,
    cases: specs.flatMap((s, i) => ((s.testSuite ?? 'alerts') === id ? s.tests(alerts[i]!) : [])),
    recordingCases: id === 'alerts' ? buildRecordingTests(ctx) : [],
  }));
  const runbooks = buildRunbooks({ answers, names, repo, alerts, slo, metrics, traffic: ctx.traffic, pagingEnv, rulesPath: files.alertRules, dashboardPath: files.dashboard, recordingRules, inline: noRuleEvaluator, workflows });
  // The panels select the service through the dashboard's variable (this service by default), so the same JSON serves others.
  dashboard.panels = buildPanels({ ...ctx, service: SERVICE_VAR, traffic: servedTraffic(metrics, SERVICE_VAR, probePaths) }, noRuleEvaluator);
  return {
    metrics,
    gate: buildMetricGate(service, metrics, answers.slo, { latencySeconds: LATENCY_THRESHOLD_SECONDS, probePaths }),
    metricsPath,
    micrometerFramework: micrometerFramework(metrics, facts),
    probeRoutes: [...new Set(probePaths)],
    collector: buildCollector(answers),
    job,
    testEnv,
    slo,
    recordingRules,
    alerts,
    ruleTestSuites,
    runbooks,
    queryConsole: queryConsole(answers),
    workflows,
    noTargetAlerts: alerts.filter((a) => a.kind === 'service-down' || a.kind === 'metrics-absent').map((a) => a.name),
    files,
    dashboard,
    groups,
    localTarget,
    alertmanager,
  };
}

interface RuleContext {
  m: MetricNames;
  service: string;
  job: string;
  env: string;
  slo: SloStack;
  /** Matchers of the requests the SLIs count (servedTraffic). */
  traffic: string[];
  /** The health check path, for the tests' probe series. */
  probePath: string;
  /** The environment that pages (ServiceDown watches it alone). */
  pagingEnv: string;
}

/** Recording-rule names (`level:metric:operations`), shared by alerts, runbooks and the dashboard. */
export const RECORD = {
  rate: (w: string) => `service:http_requests:rate${w}`,
  errorRatio: (w: string) => `service:sli_error:ratio_rate${w}`,
  slowRatio: (w: string) => `service:sli_latency_slow:ratio_rate${w}`,
  p99: 'service:http_request_duration_seconds:p99_5m',
  objective: 'service:slo_objective:ratio',
} as const;

function buildRecordingRules(c: RuleContext): RecordingRule[] {
  const sel = c.traffic;
  const by = [c.m.serviceLabel, 'env'];
  const svc = [{ name: c.m.serviceLabel, value: c.service }];
  return [
    { record: RECORD.objective, expr: `vector(${c.slo.availability})`, labels: [...svc, { name: 'slo', value: 'availability' }] },
    { record: RECORD.objective, expr: `vector(${c.slo.latency})`, labels: [...svc, { name: 'slo', value: 'latency' }] },
    ...['5m', '1h'].map((w) => ({ record: RECORD.rate(w), expr: requestRateExpr(c.m, sel, w, by), labels: [] })),
    ...SLI_WINDOWS.map((w) => ({ record: RECORD.errorRatio(w), expr: errorRatioExpr(c.m, sel, w, by), labels: [] })),
    ...SLI_WINDOWS.map((w) => ({ record: RECORD.slowRatio(w), expr: slowRatioExpr(c.m, sel, w, by, c.slo.latencyThresholdLe), labels: [] })),
    { record: RECORD.p99, expr: latencyQuantileExpr(c.m, sel, '5m', by), labels: [] },
  ];
}

interface AlertSpec {
  name: string;
  kind: AlertKind;
  severity: Severity;
  expr: string;
  for: string;
  extraLabels: NameValue[];
  summary: string;
  description: string;
  tests: (alert: MonitoringAlert) => RuleTestCase[];
  /** The test file of its cases; 'alerts' when not set. */
  testSuite?: TestSuiteId;
}

function toAlert(s: AlertSpec, inlineExpr: string, service: string, team: string, repo: { url: string; defaultBranch: string }): MonitoringAlert {
  const runbookPath = `docs/runbooks/${s.name}.md`;
  const runbookUrl = `${repo.url}/blob/${repo.defaultBranch}/${runbookPath}`;
  return {
    name: s.name,
    kind: s.kind,
    severity: s.severity,
    expr: s.expr,
    inlineExpr,
    for: s.for,
    labels: [{ name: 'severity', value: s.severity }, { name: 'service', value: service }, { name: 'team', value: team }, ...s.extraLabels],
    summary: s.summary,
    description: s.description,
    annotations: [
      { name: 'summary', value: s.summary },
      { name: 'description', value: s.description },
      { name: 'runbook_url', value: runbookUrl },
    ],
    runbookPath,
    runbookUrl,
  };
}

/** Expected alert of a firing test: the series labels, the rule labels and the annotations as Prometheus fills them. */
function expected(alert: MonitoringAlert, seriesLabels: Record<string, string>, value: string): RuleTestCase['expAlerts'][number] {
  const labels = new Map<string, string>(Object.entries(seriesLabels));
  for (const l of alert.labels) labels.set(l.name, l.value);
  return {
    labels: [...labels].map(([name, v]) => ({ name, value: v })).sort((a, b) => byCodeUnit(a.name, b.name)),
    annotations: alert.annotations.map((a) => ({ name: a.name, value: expand(a.value, seriesLabels, value) })),
  };
}

const labelSet = (metric: string, labels: Record<string, string>): string =>
  `${metric}{${Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`;

/** Request counters (ok + 5xx) for a sequence of [requests per step, error ratio, steps] segments. */
function requestSeries(c: RuleContext, segments: ReadonlyArray<readonly [number, number, number]>, env = c.env): TestSeries[] {
  const base = { [c.m.serviceLabel]: c.service, env };
  return [
    { series: labelSet(c.m.requestsTotal, { ...base, [c.m.codeLabel]: '200' }), values: counter(segments.map(([n, r, s]) => [n * (1 - r), s] as const)) },
    { series: labelSet(c.m.requestsTotal, { ...base, [c.m.codeLabel]: '500' }), values: counter(segments.map(([n, r, s]) => [n * r, s] as const)) },
  ];
}

/**
 * What the recording rules the alerts read must record: the SLIs count user
 * traffic only, per service and env, in the units the thresholds assume.
 */
function buildRecordingTests(c: RuleContext): RecordingTestCase[] {
  const agg = { [c.m.serviceLabel]: c.service, env: c.env };
  const recorded = (record: string, value: string) => ({ labels: labelSet(record, agg), value });
  return [
    {
      title: 'the error ratio is 5xx over all user requests: health checks (10x the traffic, all 200) do not dilute it',
      interval: '1m', series: [...requestSeries(c, [[100, 0.25, 20]]), probeSeries(c, 1000, 20)], evalTime: '10m',
      expr: RECORD.errorRatio('5m'), expSamples: [recorded(RECORD.errorRatio('5m'), '0.25')],
    },
    {
      title: 'the error ratio is 0, not missing, before the first 5xx creates its series',
      interval: '1m', series: [requestSeries(c, [[100, 0, 20]])[0]!], evalTime: '10m',
      expr: RECORD.errorRatio('5m'), expSamples: [recorded(RECORD.errorRatio('5m'), '0')],
    },
    {
      title: `the slow ratio is the share of requests slower than ${c.slo.latencyThresholdSeconds}s`,
      interval: '1m', series: latencySeries(c, [[100, 0.25, 20]]), evalTime: '10m',
      expr: RECORD.slowRatio('5m'), expSamples: [recorded(RECORD.slowRatio('5m'), '0.25')],
    },
    {
      title: 'the request rate is user requests per second',
      interval: '1m', series: [...requestSeries(c, [[120, 0, 20]]), probeSeries(c, 600, 20)], evalTime: '10m',
      expr: RECORD.rate('5m'), expSamples: [recorded(RECORD.rate('5m'), '2')],
    },
  ];
}

/** Health-check requests (all 200) on the probe path: `perStep` a step for `steps` steps. */
function probeSeries(c: RuleContext, perStep: number, steps: number): TestSeries {
  return { series: labelSet(c.m.requestsTotal, { [c.m.serviceLabel]: c.service, env: c.env, [c.m.routeLabel]: c.probePath, [c.m.codeLabel]: '200' }), values: counter([[perStep, steps]]) };
}

/** Histogram series at the latency threshold for [requests per step, slow ratio, steps] segments. */
function latencySeries(c: RuleContext, segments: ReadonlyArray<readonly [number, number, number]>, env = c.env): TestSeries[] {
  const base = { [c.m.serviceLabel]: c.service, env };
  return [
    { series: labelSet(c.m.durationBucket, { ...base, le: c.slo.latencyThresholdLe }), values: counter(segments.map(([n, r, s]) => [n * (1 - r), s] as const)) },
    { series: labelSet(c.m.durationCount, base), values: counter(segments.map(([n, , s]) => [n, s] as const)) },
  ];
}

/** Full histogram with every observation in one bucket: below or above the threshold. */
function histogramSeries(c: RuleContext, slow: boolean, steps: number): TestSeries[] {
  const base = { [c.m.serviceLabel]: c.service, env: c.env };
  const edges = ['0.25', c.slo.latencyThresholdLe, '1', '+Inf'];
  return edges.map((le, i) => ({
    series: labelSet(c.m.durationBucket, { ...base, le }),
    // fast: everything in the bucket ending at the threshold; slow: in the next one.
    values: counter([[i >= (slow ? 2 : 1) ? 60 : 0, steps]]),
  }));
}

/**
 * How alert expressions reach the SLIs: through the recording rules (the rules
 * file), or with the recording rules' expressions inlined, for evaluators that
 * run alerts without recording rules (Cloud Monitoring PromQL policies).
 */
interface Refs {
  rate: (w: string) => string;
  errorRatio: (w: string) => string;
  slowRatio: (w: string) => string;
  p99: string;
  objective: (sli: 'availability' | 'latency') => string;
  /** Vector matching between an SLI and its objective. */
  join: string;
}

/** The recording rules, selected by service (and `extra` matchers, e.g. the dashboard's env variable). */
function recordedRefs(c: RuleContext, extra: readonly string[] = []): Refs {
  const sel = `{${[`${c.m.serviceLabel}="${c.service}"`, ...extra].join(', ')}}`;
  return {
    rate: (w) => `${RECORD.rate(w)}${sel}`,
    errorRatio: (w) => `${RECORD.errorRatio(w)}${sel}`,
    slowRatio: (w) => `${RECORD.slowRatio(w)}${sel}`,
    p99: `${RECORD.p99}${sel}`,
    objective: (sli) => `${RECORD.objective}{slo="${sli}"}`,
    join: ` on (${c.m.serviceLabel}) group_left ()`,
  };
}

/** The recording rules' expressions themselves (no rule evaluator), on user traffic and `extra` matchers. */
function inlineRefs(c: RuleContext, extra: readonly string[] = []): Refs {
  const sel = [...c.traffic, ...extra];
  const by = [c.m.serviceLabel, 'env'];
  return {
    rate: (w) => `(${requestRateExpr(c.m, sel, w, by)})`,
    errorRatio: (w) => `(${errorRatioExpr(c.m, sel, w, by)})`,
    slowRatio: (w) => `(${slowRatioExpr(c.m, sel, w, by, c.slo.latencyThresholdLe)})`,
    p99: `(${latencyQuantileExpr(c.m, sel, '5m', by)})`,
    objective: (sli) => String(sli === 'availability' ? c.slo.availability : c.slo.latency),
    join: '',
  };
}

function buildAlertSpecs(c: RuleContext, r: Refs): AlertSpec[] {
  const s = c.service;
  const aggLabels = { [c.m.serviceLabel]: s, env: c.env };
  const never = (title: string, alertname: string, interval: string, series: TestSeries[], evalTime: string): RuleTestCase =>
    ({ title, interval, series, evalTime, alertname, expAlerts: [] });

  const specs: AlertSpec[] = [
    {
      name: 'HighErrorRatio',
      kind: 'error-ratio',
      severity: 'ticket',
      expr: `${r.errorRatio('5m')} > ${ERROR_RATIO_FALLBACK}`,
      for: '10m',
      extraLabels: [],
      summary: `${s} (${P.env}) answers more than ${ERROR_RATIO_FALLBACK * 100}% of requests with 5xx`,
      description: `${P.pct} of ${s} requests in ${P.env} failed with a 5xx status over the last 5 minutes (threshold ${ERROR_RATIO_FALLBACK * 100}%, for 10 minutes).`,
      tests: (a) => [
        { title: 'fires: 10% errors for 20 minutes', interval: '1m', series: requestSeries(c, [[100, 0.1, 25]]), evalTime: '20m', alertname: a.name, expAlerts: [expected(a, aggLabels, humanizePercentage(0.1))] },
        never('does not fire: 1% errors', a.name, '1m', requestSeries(c, [[100, 0.01, 25]]), '20m'),
        // Without the probe exclusion the ratio would be 10 / 1100 = 0.9%.
        { title: 'fires: health checks (10x the user traffic, all 200) do not dilute 10% errors', interval: '1m', series: [...requestSeries(c, [[100, 0.1, 25]]), probeSeries(c, 1000, 25)], evalTime: '20m', alertname: a.name, expAlerts: [expected(a, aggLabels, humanizePercentage(0.1))] },
      ],
    },
    {
      name: 'HighLatencyP99',
      kind: 'latency-p99',
      severity: 'ticket',
      expr: `${r.p99} > ${c.slo.latencyThresholdSeconds}`,
      for: '10m',
      extraLabels: [],
      summary: `${s} (${P.env}) p99 latency is above ${c.slo.latencyThresholdSeconds}s`,
      description: `The 99th percentile latency of ${s} in ${P.env} is ${P.dur} over the last 5 minutes (target ${c.slo.latencyThresholdSeconds}s, for 10 minutes).`,
      // Everything in (threshold, 1]: p99 = 0.5 + 0.5 * 0.99 = 0.995s.
      tests: (a) => [
        { title: 'fires: every request between 0.5s and 1s', interval: '1m', series: histogramSeries(c, true, 25), evalTime: '20m', alertname: a.name, expAlerts: [expected(a, aggLabels, humanizeDuration(c.slo.latencyThresholdSeconds + (1 - c.slo.latencyThresholdSeconds) * 0.99))] },
        never('does not fire: every request under the threshold', a.name, '1m', histogramSeries(c, false, 25), '20m'),
      ],
    },
    {
      name: 'TrafficDrop',
      kind: 'traffic-drop',
      severity: 'ticket',
      // Only for a service with steady traffic (> 1 req/s over the last hour).
      expr: `${r.rate('5m')} < 0.2 * ${r.rate('1h')} and ${r.rate('1h')} > 1`,
      for: '10m',
      extraLabels: [],
      summary: `${s} (${P.env}) traffic dropped below 20% of its last-hour average`,
      description: `${s} in ${P.env} receives ${P.num} requests/s over the last 5 minutes, less than 20% of its average over the last hour. Clients may not reach it (DNS, load balancer, upstream outage).`,
      tests: (a) => [
        { title: 'fires: 10 req/s for an hour, then nothing', interval: '1m', series: requestSeries(c, [[600, 0, 60], [0, 0, 25]]), evalTime: '80m', alertname: a.name, expAlerts: [expected(a, aggLabels, '0')] },
        never('does not fire: steady traffic', a.name, '1m', requestSeries(c, [[600, 0, 85]]), '80m'),
      ],
    },
    ...BURN_RATES.map((b) => burnSpec(c, r, 'availability', b)),
    ...BURN_RATES.map((b) => burnSpec(c, r, 'latency', b)),
    {
      name: 'LatencyBucketMissing',
      kind: 'latency-unmeasured',
      severity: 'ticket',
      // Requests are counted but the histogram has no bucket at the threshold (its edges were left at a
      // library's defaults, or histograms are off): the latency SLI records nothing, so the latency
      // burn-rate alerts cannot fire, silently. Raw series in both forms: no recording rule reads them.
      expr: latencyBucketMissingExpr(c),
      for: '30m',
      extraLabels: [],
      summary: `${s} (${P.env}): the latency SLO cannot be measured`,
      description: `${s} in ${P.env} counts requests, but ${c.m.durationBucket} has had no bucket at le="${c.slo.latencyThresholdLe}" (the ${c.slo.latencyThresholdSeconds}s latency SLO threshold) for 30 minutes: the latency SLI records nothing and the LatencyBudgetBurn alerts cannot fire.`,
      tests: (a) => {
        const base = { [c.m.serviceLabel]: s, env: c.env };
        const buckets = (edges: string[]) => edges.map((le) => ({ series: labelSet(c.m.durationBucket, { ...base, le }), values: counter([[60, 45]]) }));
        return [
          { title: `fires: requests counted, histogram edges without ${c.slo.latencyThresholdLe}`, interval: '1m', series: [...requestSeries(c, [[60, 0, 45]]), ...buckets(['0.25', '1', '+Inf'])], evalTime: '40m', alertname: a.name, expAlerts: [expected(a, aggLabels, '1')] },
          never('does not fire: the histogram has the threshold bucket', a.name, '1m', [...requestSeries(c, [[60, 0, 45]]), ...histogramSeries(c, false, 45)], '40m'),
          never('does not fire: another service lacks it', a.name, '1m', requestSeries(c, [[60, 0, 45]]).map((t) => ({ ...t, series: t.series.replace(`"${s}"`, `"not-${s}"`) })), '40m'),
        ];
      },
    },
    {
      name: 'TargetDown',
      kind: 'target-down',
      // One replica: the platform's health checks replace it; a ticket if it stays. All of them: ServiceDown pages.
      severity: 'ticket',
      expr: `up{job="${c.job}"} == 0`,
      for: '15m',
      extraLabels: [],
      summary: `${s}: Prometheus cannot scrape ${P.instance}`,
      description: `The ${c.job} target ${P.instance} has not answered scrapes for 15 minutes: the app on that replica is hung, unhealthy but not replaced, or not serving its metrics.`,
      tests: (a) => {
        const labels = { job: c.job, env: c.env, instance: `${s}:8080` };
        return [
          { title: 'fires: the target is down for 25 minutes', interval: '1m', series: [{ series: labelSet('up', labels), values: '1x5 0x30' }], evalTime: '30m', alertname: a.name, expAlerts: [expected(a, labels, '0')] },
          never('does not fire: the target is down for 10 minutes, then replaced', a.name, '1m', [{ series: labelSet('up', labels), values: '1x5 0x10 1x20' }], '30m'),
        ];
      },
    },
    {
      name: 'ServiceDown',
      kind: 'service-down',
      severity: 'page',
      // A target of the paging environment answered within the lookback, none answers now: every
      // replica is down (up == 0), or gone (stopped tasks take their collector along, so their
      // series vanish). Never answered: nothing to page about yet (TargetDown opens a ticket).
      expr: `group by (job, env) (max_over_time(up{job="${c.job}",env="${c.pagingEnv}"}[${SERVICE_DOWN_LOOKBACK.range}]) == 1) unless on (job, env) (up{job="${c.job}",env="${c.pagingEnv}"} == 1)`,
      for: '5m',
      extraLabels: [],
      summary: `${s} (${P.env}): no instance answers`,
      description: `No ${c.job} target in ${P.env} has answered a scrape for 5 minutes (about 10 when the instances are gone: their last samples count for 5 more), though one did in the last ${SERVICE_DOWN_LOOKBACK.words}: every instance is down or gone. Clients get errors from the load balancer, which the app's own request metrics cannot show.`,
      tests: (a) => {
        const target = (instance: string, env = c.pagingEnv) => labelSet('up', { job: c.job, env, instance });
        const alertLabels = { job: c.job, env: c.pagingEnv };
        return [
          { title: 'fires: every instance is down', interval: '1m', series: [{ series: target('a:8080'), values: '1x10 0x20' }, { series: target('b:8080'), values: '1x10 0x20' }], evalTime: '30m', alertname: a.name, expAlerts: [expected(a, alertLabels, '1')] },
          // The series end: after the 5-minute lookback nothing answers; pending from the next evaluation, firing at the one after.
          { title: 'fires: every instance is gone (its series stopped)', interval: '1m', series: [{ series: target('a:8080'), values: '1x10' }], evalTime: '30m', alertname: a.name, expAlerts: [expected(a, alertLabels, '1')] },
          never('does not fire: one instance of two still answers', a.name, '1m', [{ series: target('a:8080'), values: '1x10 0x20' }, { series: target('b:8080'), values: '1x30' }], '30m'),
          never('does not fire: another environment loses its instances', a.name, '1m', [{ series: target('a:8080', `not-${c.pagingEnv}`), values: '1x10 0x20' }], '30m'),
          // The placeholder image before the first deploy serves no metrics: TargetDown's ticket, not a page.
          never('does not fire: no instance has answered yet', a.name, '1m', [{ series: target('a:8080'), values: '0x30' }], '30m'),
        ];
      },
    },
    {
      name: 'MetricsAbsent',
      kind: 'metrics-absent',
      severity: 'page',
      expr: `absent(up{job="${c.job}"})`,
      for: '10m',
      extraLabels: [],
      summary: `${s}: no metrics at all`,
      description: `Prometheus has had no ${c.job} target for 10 minutes, so every other alert of ${s} is blind. The service, its collector or the scrape configuration is gone.`,
      tests: (a) => [
        { title: 'fires: no target of the job for 15 minutes', interval: '1m', series: [{ series: labelSet('up', { job: 'other', instance: 'other:9090' }), values: '1x30' }], evalTime: '20m', alertname: a.name, expAlerts: [expected(a, { job: c.job }, '1')] },
        never('does not fire: the target reports', a.name, '1m', [{ series: labelSet('up', { job: c.job, instance: `${s}:8080` }), values: '1x30' }], '20m'),
      ],
    },
    {
      name: 'Watchdog',
      kind: 'watchdog',
      severity: 'ticket',
      expr: 'vector(1)',
      for: '1m',
      extraLabels: [],
      summary: `${s}: the alerting pipeline is alive (always firing)`,
      description: 'This alert always fires. Alertmanager sends it to a dead man\'s switch; if the heartbeat stops, Prometheus or Alertmanager is down.',
      tests: (a) => [
        { title: 'fires: always, once `for` has passed', interval: '1m', series: [{ series: labelSet('up', { job: c.job, instance: `${s}:8080` }), values: '1x30' }], evalTime: '20m', alertname: a.name, expAlerts: [expected(a, {}, '1')] },
        never('does not fire before `for` has passed', a.name, '1m', [{ series: labelSet('up', { job: c.job, instance: `${s}:8080` }), values: '1x30' }], '0m'),
      ],
    },
  ];
  return specs;
}

/** Series of (service, env) with requests but no histogram bucket at the latency threshold. */
function latencyBucketMissingExpr(c: RuleContext): string {
  const by = `${c.m.serviceLabel}, env`;
  const svc = `${c.m.serviceLabel}="${c.service}"`;
  return `group by (${by}) (${selector(c.m.requestsTotal, [svc])}) unless on (${by}) group by (${by}) (${selector(c.m.durationBucket, [svc, `le="${c.slo.latencyThresholdLe}"`])})`;
}

/** A multi-window burn-rate alert and its tests (full long window fires; a hot short window alone does not). */
function burnSpec(c: RuleContext, r: Refs, sli: 'availability' | 'latency', b: (typeof BURN_RATES)[number]): AlertSpec {
  const s = c.service;
  const rec = sli === 'availability' ? r.errorRatio : r.slowRatio;
  const objective = sli === 'availability' ? c.slo.availability : c.slo.latency;
  const budget = `(${b.factor} * (1 - ${r.objective(sli)}))`;
  const cond = (w: string) => `${rec(w)} >${r.join} ${budget}`;
  const name = `${sli === 'availability' ? 'ErrorBudget' : 'LatencyBudget'}Burn${b.suffix}`;
  const what = sli === 'availability' ? 'error budget (5xx responses)' : `latency budget (requests slower than ${c.slo.latencyThresholdSeconds}s)`;
  const percent = sli === 'availability' ? c.slo.availabilityPercent : c.slo.latency * 100;

  // Test traffic: a ratio 1.5x over the threshold (capped below 100%), in env c.env for the
  // whole long window (must fire), and in env CALM_ENV only for the short window plus a margin
  // (must not fire: the long window stays under the threshold). One group keeps promtool fast.
  const threshold = b.factor * (1 - objective);
  const hot = Math.min(threshold * 1.5, (threshold + 1) / 2);
  const margin = Math.max(TEST_SUITES[b.testSuite].evalMinutes, b.stepMinutes);
  const burstSteps = (minutes(b.short) + margin) / b.stepMinutes;
  const totalSteps = (minutes(b.long) + margin) / b.stepMinutes;
  const series = sli === 'availability' ? requestSeries : latencySeries;
  const perStep = 1000 * b.stepMinutes;
  const aggLabels = { [c.m.serviceLabel]: s, env: c.env };

  return {
    name,
    kind: sli === 'availability' ? 'availability-burn' : 'latency-burn',
    severity: b.severity,
    expr: `${cond(b.long)} and ${cond(b.short)}`,
    // The windows already smooth the signal; a long `for` would only delay the page.
    for: '2m',
    extraLabels: [{ name: 'slo', value: sli }],
    testSuite: b.testSuite,
    summary: `${s} (${P.env}) burns its ${sli} SLO ${what} ${b.factor}x too fast`,
    description: `${P.pct} of ${s} requests in ${P.env} were bad over the last ${b.long} (and still over the last ${b.short}): ${b.factor}x the rate a ${percent}% SLO allows. At this rate ${b.spent} of the 30-day budget is gone in ${b.long}.`,
    tests: (a) => [{
      title: `${c.env}: ${formatG4(hot * 100)}% bad requests for the full ${b.long} window fires; ${CALM_ENV}: only the last ${b.short} hot, must not fire`,
      interval: b.interval,
      series: [
        ...series(c, [[perStep, hot, totalSteps + 1]]),
        ...series(c, [[perStep, 0, totalSteps - burstSteps], [perStep, Math.min(1, threshold * 1.5), burstSteps + 1]], CALM_ENV),
      ],
      evalTime: `${totalSteps * b.stepMinutes}m`,
      alertname: a.name,
      // A burn rate the SLO cannot express (threshold >= 100% bad) can never fire.
      expAlerts: threshold < 1 ? [expected(a, aggLabels, humanizePercentage(hot))] : [],
    }],
  };
}

/** The dashboard's service variable, as panel queries reference it. */
const SERVICE_VAR = '$service';

/** RED and SLO panels; the same recording rules the alerts use. */
function buildPanels(c: RuleContext, inline: boolean): DashboardPanel[] {
  const envVar = ['env=~"$env"'];
  const raw = [`${c.m.serviceLabel}="${c.service}"`, ...envVar];
  // What the alerts read: the recording rules, or (no rule evaluator) the same expressions inline.
  const r = inline ? inlineRefs(c, envVar) : recordedRefs(c, envVar);
  const overAllowed = (sli: 'availability' | 'latency') => `/${r.join} (1 - ${r.objective(sli)})`;
  // Budget left over the 30-day SLO period: the period's error ratio as the
  // mean of the 5m ratios (as Sloth computes it), over the allowed ratio.
  // An inline expression needs a subquery to take a range.
  const budget = (sli: 'availability' | 'latency', ratio: (w: string) => string) =>
    `1 - (avg_over_time(${ratio('5m')}${inline ? '[30d:5m]' : '[30d]'}) ${overAllowed(sli)})`;
  const burn = (sli: 'availability' | 'latency', ratio: (w: string) => string, w: string) => `${ratio(w)} ${overAllowed(sli)}`;
  const specs: Array<Omit<DashboardPanel, 'id' | 'x' | 'y' | 'last' | 'targets'> & { targets: Array<[string, string]> }> = [
    { title: 'Request rate (req/s)', unit: 'reqps', type: 'timeseries', w: 8, h: 8, targets: [[r.rate('5m'), '{{env}}']] },
    { title: 'Error ratio (5xx)', unit: 'percentunit', type: 'timeseries', w: 8, h: 8, targets: [[r.errorRatio('5m'), '{{env}}']] },
    { title: 'Latency p99 (s)', unit: 's', type: 'timeseries', w: 8, h: 8, targets: [[r.p99, '{{env}}']] },
    {
      title: 'Latency per route p50 / p90 / p99', unit: 's', type: 'timeseries', w: 24, h: 8,
      targets: [0.5, 0.9, 0.99].map((q) => [latencyQuantileExpr(c.m, raw, '5m', [c.m.routeLabel], q), `p${q * 100} {{${c.m.routeLabel}}}`]),
    },
    { title: 'Availability error budget remaining (30d)', unit: 'percentunit', type: 'stat', w: 6, h: 6, targets: [[budget('availability', r.errorRatio), '{{env}}']] },
    { title: 'Latency budget remaining (30d)', unit: 'percentunit', type: 'stat', w: 6, h: 6, targets: [[budget('latency', r.slowRatio), '{{env}}']] },
    {
      title: 'Availability burn rate (1h / 6h)', unit: 'none', type: 'timeseries', w: 6, h: 6,
      targets: [['1h', '1h {{env}}'], ['6h', '6h {{env}}']].map(([w, l]) => [burn('availability', r.errorRatio, w!), l!]),
    },
    {
      title: 'Latency burn rate (1h / 6h)', unit: 'none', type: 'timeseries', w: 6, h: 6,
      targets: [['1h', '1h {{env}}'], ['6h', '6h {{env}}']].map(([w, l]) => [burn('latency', r.slowRatio, w!), l!]),
    },
  ];
  let x = 0;
  let y = 0;
  let rowH = 0;
  return specs.map((p, i) => {
    if (x + p.w > 24) {
      x = 0;
      y += rowH;
      rowH = 0;
    }
    const panel: DashboardPanel = {
      ...p,
      id: i + 1,
      x,
      y,
      last: i === specs.length - 1,
      targets: p.targets.map(([expr, legend], j) => ({ expr, legend, refId: String.fromCharCode(65 + j) })),
    };
    x += p.w;
    rowH = Math.max(rowH, p.h);
    return panel;
  });
}
