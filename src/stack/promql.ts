/**
 * The PromQL the canary gate evaluates, defined once. The monitoring layer's
 * recording rules and alerts use the same metric names and error definition,
 * and the pipeline substitutes the revision being promoted for REVISION_PLACEHOLDER.
 */
export const REVISION_PLACEHOLDER = '__REVISION__';

export interface MetricNames {
  /** Counter of HTTP requests, e.g. http_requests_total. */
  requestsTotal: string;
  /** Latency histogram bucket series, e.g. http_request_duration_seconds_bucket. */
  durationBucket: string;
  /** Label carrying the HTTP status code, e.g. code or status. */
  codeLabel: string;
  /** Label the scrape config sets to the service name. */
  serviceLabel: string;
  /** Label the scrape/collector sets to the running revision (task definition revision, Cloud Run revision, ACA revision). */
  revisionLabel: string;
}

export interface CanaryGate {
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

export const DEFAULT_METRICS: MetricNames = {
  requestsTotal: 'http_requests_total',
  durationBucket: 'http_request_duration_seconds_bucket',
  codeLabel: 'code',
  serviceLabel: 'service',
  revisionLabel: 'revision',
};

export function buildCanaryGate(service: string, m: MetricNames, slo: number, latencySeconds = 0.5, window = '5m'): CanaryGate {
  const sel = `${m.serviceLabel}="${service}",${m.revisionLabel}="${REVISION_PLACEHOLDER}"`;
  return {
    errorRatioQuery: `sum(rate(${m.requestsTotal}{${sel},${m.codeLabel}=~"5.."}[${window}])) / sum(rate(${m.requestsTotal}{${sel}}[${window}]))`,
    latencyP99Query: `histogram_quantile(0.99, sum by (le) (rate(${m.durationBucket}{${sel}}[${window}])))`,
    requestCountQuery: `sum(increase(${m.requestsTotal}{${sel}}[${window}]))`,
    maxErrorRatio: Number((1 - slo / 100).toFixed(6)),
    maxLatencySeconds: latencySeconds,
    minRequests: 100,
    window,
  };
}
