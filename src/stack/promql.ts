/**
 * The PromQL the metric gate evaluates and the monitoring layer's rules use,
 * defined once. The recording rules, the alerts, the dashboard and the gate all
 * build their expressions from the functions here, so "error" and "slow" mean
 * the same thing everywhere. The pipeline substitutes the revision being
 * promoted for REVISION_PLACEHOLDER.
 */
import type { RepoFacts } from '../detect/types.js';

export const REVISION_PLACEHOLDER = '__REVISION__';

export interface MetricNames {
  /** Counter of HTTP requests, e.g. http_requests_total. */
  requestsTotal: string;
  /** Latency histogram bucket series, e.g. http_request_duration_seconds_bucket. */
  durationBucket: string;
  /** The histogram's observation counter (bucket name with _count), for the latency SLI. */
  durationCount: string;
  /** Label carrying the HTTP status code, e.g. code or status. */
  codeLabel: string;
  /** Label carrying the route template (for per-route dashboard panels), e.g. route, uri, handler. */
  routeLabel: string;
  /** Label the scrape config / collector sets to the service name. */
  serviceLabel: string;
  /** Label the scrape/collector sets to the running revision (task definition revision, Cloud Run revision, ACA revision). */
  revisionLabel: string;
  /** Which instrumentation these names come from, e.g. 'Micrometer (micrometer-registry-prometheus)'. */
  source: string;
  /** Key of the library (RepoFacts.metricsLibrary value), or 'contract' for the default names. */
  library: string;
  /** True when these are names the app must make sure it exposes: no library was detected, or one that leaves HTTP metrics to the app. */
  contract: boolean;
}

export interface MetricGate {
  /** Error ratio of the new revision over `window` (5xx / all). */
  errorRatioQuery: string;
  /** p99 latency in seconds of the new revision over `window`. */
  latencyP99Query: string;
  /** Request count of the new revision over `window`: below minRequests the gate fails safe. */
  requestCountQuery: string;
  /** Promotion stops when the error ratio is above this (the SLO's error budget, e.g. 0.001 for 99.9%). */
  maxErrorRatio: number;
  maxLatencySeconds: number;
  minRequests: number;
  window: string;
}

/** The default instrumentation contract (Prometheus naming conventions). */
export const DEFAULT_METRICS: MetricNames = {
  requestsTotal: 'http_requests_total',
  durationBucket: 'http_request_duration_seconds_bucket',
  durationCount: 'http_request_duration_seconds_count',
  codeLabel: 'code',
  routeLabel: 'route',
  serviceLabel: 'service',
  revisionLabel: 'revision',
  source: 'the default contract',
  library: 'contract',
  contract: true,
};

/** The one error definition: server errors (5xx; also matches grouped codes like "5xx"). */
export const SERVER_ERROR_REGEX = '5..';

/**
 * How far back ServiceDown (and its runbook) looks for an instance that
 * answered: a week, so an outage keeps paging for that long; and an
 * environment where nothing has answered yet (the placeholder image before
 * the first deploy serves no metrics) does not page at all.
 */
export const SERVICE_DOWN_LOOKBACK = { range: '7d', words: '7 days' } as const;

/**
 * Label matchers of the traffic the SLIs, the alerts and the metric gate
 * count: the service's requests without those to `probePaths` (the
 * platform's health checks, the collector's scrapes when the library
 * instruments its own endpoint). Probes are a steady stream of fast 200s:
 * they dilute error and slow ratios, and at low traffic they alone would
 * satisfy the gate's minimum request count. Series without a route label
 * still count (the matcher accepts the empty value).
 */
export function servedTraffic(m: MetricNames, service: string, probePaths: readonly string[]): string[] {
  const paths = [...new Set(probePaths)].map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\\\$&'));
  return paths.length === 0 ? [`${m.serviceLabel}="${service}"`] : [`${m.serviceLabel}="${service}"`, `${m.routeLabel}!~"${paths.join('|')}"`];
}

/**
 * The route label a request to `path` carries. Spring Boot maps Actuator's
 * health groups as /actuator/health/{*path}, which Micrometer tags
 * '/actuator/health/**', never '/actuator/health/readiness'.
 */
export function probeRoute(m: MetricNames, path: string): string {
  return m.library === 'micrometer-prometheus' && path.startsWith('/actuator/health/') ? '/actuator/health/**' : path;
}

/** `{a="x",b=~"y"}` from label matchers; empty matchers give `{}`-free selectors. */
export function selector(metric: string, matchers: readonly string[]): string {
  return matchers.length === 0 ? metric : `${metric}{${matchers.join(',')}}`;
}

const byClause = (by: readonly string[]): string => (by.length === 0 ? '' : ` by (${by.join(', ')})`);

/** Requests per second over `window`, summed by `by`. */
export function requestRateExpr(m: MetricNames, matchers: readonly string[], window: string, by: readonly string[]): string {
  return `sum${byClause(by)} (rate(${selector(m.requestsTotal, matchers)}[${window}]))`;
}

/**
 * Ratio of 5xx responses to all responses over `window`: the availability SLI
 * and the gate's error ratio. Client libraries create a 5xx series at the first
 * 5xx only, so without one the errors are the requests times 0: a healthy
 * service records 0, not nothing (which would leave panels empty and make
 * averages over time count only the windows that had errors).
 */
export function errorRatioExpr(m: MetricNames, matchers: readonly string[], window: string, by: readonly string[]): string {
  const errors = [...matchers, `${m.codeLabel}=~"${SERVER_ERROR_REGEX}"`];
  const all = requestRateExpr(m, matchers, window, by);
  return `(${requestRateExpr(m, errors, window, by)} or ${all} * 0) / ${all}`;
}

/** Ratio of requests slower than `thresholdLe` (a histogram bucket edge) over `window`: the latency SLI. */
export function slowRatioExpr(m: MetricNames, matchers: readonly string[], window: string, by: readonly string[], thresholdLe: string): string {
  const fast = `sum${byClause(by)} (rate(${selector(m.durationBucket, [...matchers, `le="${thresholdLe}"`])}[${window}]))`;
  const all = `sum${byClause(by)} (rate(${selector(m.durationCount, matchers)}[${window}]))`;
  return `1 - (${fast} / ${all})`;
}

/** p-quantile latency in seconds over `window`; `le` is always kept in the aggregation. */
export function latencyQuantileExpr(m: MetricNames, matchers: readonly string[], window: string, by: readonly string[], q = 0.99): string {
  return `histogram_quantile(${q}, sum by (${['le', ...by].join(', ')}) (rate(${selector(m.durationBucket, matchers)}[${window}])))`;
}

/** The latency objective: a request slower than this many seconds is slow (a bucket edge every library must write). */
export const LATENCY_THRESHOLD_SECONDS = 0.5;

/** The gate's checks for one revision, from the same expressions (and traffic: servedTraffic) as the rules. */
export function buildMetricGate(service: string, m: MetricNames, slo: number, opts: { latencySeconds?: number; window?: string; probePaths?: readonly string[] } = {}): MetricGate {
  const { latencySeconds = LATENCY_THRESHOLD_SECONDS, window = '5m', probePaths = [] } = opts;
  const sel = [...servedTraffic(m, service, probePaths), `${m.revisionLabel}="${REVISION_PLACEHOLDER}"`];
  return {
    errorRatioQuery: errorRatioExpr(m, sel, window, []),
    latencyP99Query: latencyQuantileExpr(m, sel, window, []),
    requestCountQuery: `sum(increase(${selector(m.requestsTotal, sel)}[${window}]))`,
    maxErrorRatio: Number((1 - slo / 100).toFixed(6)),
    maxLatencySeconds: latencySeconds,
    minRequests: 100,
    window,
  };
}

const named = (library: string, base: string, code: string, route: string, source: string, requestsTotal = `${base}_count`): MetricNames => ({
  library,
  requestsTotal,
  durationBucket: `${base}_bucket`,
  durationCount: `${base}_count`,
  codeLabel: code,
  routeLabel: route,
  serviceLabel: 'service',
  revisionLabel: 'revision',
  source,
  contract: false,
});

/**
 * Metric names per metrics library, as the library writes them by default.
 * Keys are RepoFacts.metricsLibrary values.
 */
const LIBRARY_METRICS: Readonly<Record<string, MetricNames>> = {
  'micrometer-prometheus': named('micrometer-prometheus', 'http_server_requests_seconds', 'status', 'uri', 'Micrometer (micrometer-registry-prometheus)'),
  // The usual HTTP middleware over prom-client.
  'express-prom-bundle': named('express-prom-bundle', 'http_request_duration_seconds', 'status_code', 'path', 'express-prom-bundle (over prom-client)'),
  'prometheus-fastapi-instrumentator': named('prometheus-fastapi-instrumentator', 'http_request_duration_seconds', 'status', 'handler', 'prometheus-fastapi-instrumentator', 'http_requests_total'),
  // Requests are counted from the histogram: flask_http_request_total has no path label, so probes
  // could not be left out of it (the library's export_defaults gives the counter method and status only).
  'prometheus-flask-exporter': named('prometheus-flask-exporter', 'flask_http_request_duration_seconds', 'status', 'path', 'prometheus-flask-exporter'),
  'starlette-exporter': named('starlette-exporter', 'starlette_request_duration_seconds', 'status_code', 'path', 'starlette-exporter', 'starlette_requests_total'),
  // OpenTelemetry HTTP semantic conventions (http.server.request.duration, seconds) exported to Prometheus.
  opentelemetry: named('opentelemetry', 'http_server_request_duration_seconds', 'http_response_status_code', 'http_route', 'OpenTelemetry HTTP semantic conventions'),
};

/**
 * Client libraries with no HTTP metrics of their own: the app writes them by
 * hand, so the rules assume the default contract and the docs show how.
 */
const CLIENT_ONLY: Readonly<Record<string, string>> = {
  'prom-client': 'prom-client, HTTP metrics written by the app',
  client_golang: 'prometheus/client_golang, HTTP metrics written by the app',
};

/**
 * The request counter and latency histogram the app exposes, from the detected
 * metrics library; the default contract when none is detected. A Spring Boot
 * app without the Prometheus registry gets Micrometer's names (adding
 * micrometer-registry-prometheus is the one step it needs).
 */
export function metricNamesFor(facts: { metricsLibrary: string | null; framework: string | null; language: string | null }): MetricNames {
  const detected = facts.metricsLibrary === null ? undefined : libraryNames(facts.metricsLibrary);
  if (detected) return detected;
  const suggested = suggestedLibrary(facts);
  const names = suggested === null ? undefined : libraryNames(suggested);
  // The names the library we tell the user to add will write, so detection agrees after they add it.
  return names ? { ...names, contract: true } : DEFAULT_METRICS;
}

/** The names `library` writes, or (a client library only) the default contract the app writes with it. */
function libraryNames(library: string): MetricNames | undefined {
  const client = CLIENT_ONLY[library];
  return LIBRARY_METRICS[library] ?? (client === undefined ? undefined : { ...DEFAULT_METRICS, library, source: client });
}

/** The library the docs tell the user to add when none is detected, or null (default contract, hand-written). */
function suggestedLibrary(facts: { framework: string | null; language: string | null }): string | null {
  if (facts.language === 'java') return 'micrometer-prometheus';
  if (facts.language === 'go') return 'client_golang';
  if (facts.language === 'node') return 'express-prom-bundle';
  if (facts.language === 'python' && facts.framework === 'fastapi') return 'prometheus-fastapi-instrumentator';
  if (facts.language === 'python' && facts.framework === 'flask') return 'prometheus-flask-exporter';
  if (facts.language === 'python' && facts.framework === 'starlette') return 'starlette-exporter';
  return null;
}

/**
 * Where the app serves its metrics: for Micrometer's registry, the path
 * detection worked out from the framework and its config (JavaFacts.metricsPath),
 * else Spring Boot's; /metrics for every other library.
 */
export function metricsPathFor(m: MetricNames, facts: Pick<RepoFacts, 'java'>): string {
  if (!m.requestsTotal.startsWith('http_server_requests_seconds')) return '/metrics';
  return facts.java?.metricsPath ?? '/actuator/prometheus';
}

/** The framework whose Micrometer setup an app with Micrometer's Prometheus registry needs (Spring Boot unless Micronaut or Quarkus), else null. */
export function micrometerFramework(m: MetricNames, facts: Pick<RepoFacts, 'framework'>): 'spring-boot' | 'micronaut' | 'quarkus' | null {
  if (m.library !== 'micrometer-prometheus') return null;
  return facts.framework === 'micronaut' || facts.framework === 'quarkus' ? facts.framework : 'spring-boot';
}
