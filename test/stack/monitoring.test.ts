import { describe, expect, it } from 'vitest';
import { buildMonitoringStack, formatG4 } from '../../src/stack/monitoring.js';
import { buildMetricGate, DEFAULT_METRICS, metricNamesFor, REVISION_PLACEHOLDER, selector, servedTraffic } from '../../src/stack/promql.js';
import { checkPromql } from '../../src/check/promql.js';
import { makeAnswers, makeFacts } from '../helpers/facts.js';

describe('metric names from the detected library', () => {
  it.each([
    ['java', 'micrometer-prometheus', null, 'http_server_requests_seconds_count', 'status', false],
    ['node', 'express-prom-bundle', 'express', 'http_request_duration_seconds_count', 'status_code', false],
    // Client libraries only: the app writes its HTTP metrics, to the default contract.
    ['node', 'prom-client', 'express', 'http_requests_total', 'code', true],
    ['go', 'client_golang', 'net/http', 'http_requests_total', 'code', true],
    ['python', 'prometheus-fastapi-instrumentator', 'fastapi', 'http_requests_total', 'status', false],
    ['node', 'opentelemetry', null, 'http_server_request_duration_seconds_count', 'http_response_status_code', false],
    // Nothing detected: the names of the library the docs tell the user to add.
    ['node', null, 'express', 'http_request_duration_seconds_count', 'status_code', true],
    ['java', null, 'spring-boot', 'http_server_requests_seconds_count', 'status', true],
    ['go', null, 'net/http', 'http_requests_total', 'code', true],
    ['python', null, 'flask', 'flask_http_request_duration_seconds_count', 'status', true],
    ['python', null, 'django', 'http_requests_total', 'code', true],
  ] as const)('%s %s / %s -> %s{%s}', (language, metricsLibrary, framework, requests, code, contract) => {
    const m = metricNamesFor({ language, metricsLibrary, framework });
    expect(m.requestsTotal).toBe(requests);
    expect(m.codeLabel).toBe(code);
    expect(m.contract).toBe(contract);
    expect(m.durationBucket.endsWith('_bucket')).toBe(true);
  });

  it('falls back to the default contract', () => {
    expect(metricNamesFor({ language: 'python', metricsLibrary: 'something-else', framework: 'django' })).toBe(DEFAULT_METRICS);
  });
});

describe('buildMonitoringStack', () => {
  const stack = buildMonitoringStack(makeAnswers({ language: 'java' }), makeFacts({ language: 'java' }));

  it('gate and rules share the metric names and the error definition', () => {
    const gate = stack.gate!;
    expect(gate.errorRatioQuery).toContain('http_server_requests_seconds_count');
    expect(gate.errorRatioQuery).toContain(`revision="${REVISION_PLACEHOLDER}"`);
    const rule = stack.recordingRules.find((r) => r.record === 'service:sli_error:ratio_rate5m')!;
    // Same expression, different selector and aggregation.
    const normalize = (e: string) => e.replace(/,revision="__REVISION__"/g, '').replace(/ by \([^)]*\)/g, '');
    expect(normalize(rule.expr)).toBe(normalize(gate.errorRatioQuery));
    expect(gate.maxErrorRatio).toBe(0.001);
  });

  it('counts user traffic only: health checks and scrapes are out of the SLIs, the gate and the error runbooks', () => {
    // Java: Micrometer's uri label, Spring's health and metrics endpoints.
    const probes = `uri!~"/actuator/health|/actuator/prometheus"`;
    for (const r of stack.recordingRules.filter((x) => x.record.startsWith('service:sli_') || x.record.startsWith('service:http_'))) expect(r.expr, r.record).toContain(probes);
    for (const q of [stack.gate!.errorRatioQuery, stack.gate!.latencyP99Query, stack.gate!.requestCountQuery]) expect(q).toContain(probes);
    const errors = stack.runbooks.find((r) => r.alert === 'HighErrorRatio')!;
    expect(errors.queries.map((q) => q.code).join('\n')).toContain(probes);
    expect(servedTraffic(DEFAULT_METRICS, 'api', ['/health.json', '/metrics', '/metrics'])).toEqual(['service="api"', 'route!~"/health\\\\.json|/metrics"']);
    expect(checkPromql(selector('up', servedTraffic(DEFAULT_METRICS, 'api', ['/health.json'])))).toBeNull();
  });

  it("Spring's health groups are one route to Micrometer, /actuator/health/**: the probes behind it are left out", () => {
    const probed = buildMonitoringStack(
      makeAnswers({ language: 'java', healthPath: '/actuator/health/liveness', readinessPath: '/actuator/health/readiness' }),
      makeFacts({ language: 'java', metricsLibrary: 'micrometer-prometheus' }),
    );
    const probes = 'uri!~"/actuator/health/\\\\*\\\\*|/actuator/prometheus"';
    expect(probed.gate!.requestCountQuery).toContain(probes);
    expect(checkPromql(probed.gate!.requestCountQuery.replace('__REVISION__', 'r1'))).toBeNull();
    // The rule tests' health-check series carry the route Micrometer writes, so they test the exclusion for real.
    const series = probed.ruleTestSuites.flatMap((t) => t.cases.flatMap((c) => c.series.map((x) => x.series)));
    expect(series.some((x) => x.includes('uri="/actuator/health/**"'))).toBe(true);
    expect(series.some((x) => x.includes('/actuator/health/readiness'))).toBe(false);
  });

  it('gcp: the error log query also finds plain-text error lines, which Cloud Logging gives no severity', () => {
    const gcp = buildMonitoringStack(makeAnswers({ cloud: 'gcp', runtime: 'cloud-run', region: 'europe-west1' }), makeFacts());
    const logs = gcp.runbooks.find((r) => r.alert === 'HighErrorRatio')!.commands.find((c) => c.code.startsWith('gcloud logging read'))!;
    expect(logs.code).toContain('AND (severity>=ERROR OR jsonPayload.level=~"(?i)^(error|fatal|critical|panic)$" OR textPayload:("error" OR "exception" OR "traceback" OR "panic"))');
  });

  it('runbook capacity steps never bring back the image a rollback moved traffic away from', () => {
    const scaleOf = (cloud: 'gcp' | 'azure', runtime: 'cloud-run' | 'container-apps') =>
      buildMonitoringStack(makeAnswers({ cloud, runtime, region: cloud === 'gcp' ? 'europe-west1' : 'westeurope' }), makeFacts()).runbooks.find((r) => r.alert === 'HighLatencyP99')!.scale!.code;
    // Cloud Run: the service-wide minimum makes no revision; `--min-instances` would, from the template's (bad) image.
    const run = scaleOf('gcp', 'cloud-run');
    expect(run).toMatch(/gcloud run services update \S+ --region \S+ --min=<n>$/);
    expect(run).not.toMatch(/--min-instances|--to-latest/);
    // Container Apps: a copy of the serving revision, then traffic to that copy by name, never to `latest`.
    const aca = scaleOf('azure', 'container-apps');
    expect(aca).toContain('az containerapp revision copy');
    expect(aca).toContain('--from-revision <serving-revision>');
    expect(aca).not.toMatch(/latest=|containerapp update/);
  });

  it('leaves the readiness checks out too (load balancers and probes call them every few seconds)', () => {
    const node = buildMonitoringStack(makeAnswers({ readinessPath: '/readyz' }), makeFacts());
    const probes = 'route!~"/healthz|/readyz|/metrics"';
    for (const q of [node.gate!.errorRatioQuery, node.gate!.requestCountQuery]) expect(q).toContain(probes);
    for (const r of node.recordingRules.filter((x) => x.record.startsWith('service:sli_'))) expect(r.expr, r.record).toContain(probes);
  });

  it('keeps buildMetricGate compatible for the pipeline', () => {
    const gate = buildMetricGate('api', DEFAULT_METRICS, 99.5);
    expect(gate.maxErrorRatio).toBe(0.005);
    for (const q of [gate.errorRatioQuery, gate.latencyP99Query, gate.requestCountQuery]) expect(checkPromql(q)).toBeNull();
  });

  it('writes the SLO objective once', () => {
    const objectives = stack.recordingRules.filter((r) => r.record === 'service:slo_objective:ratio');
    expect(objectives.map((r) => r.expr)).toEqual(['vector(0.999)', 'vector(0.99)']);
    for (const a of stack.alerts) expect(a.expr).not.toMatch(/0\.001|0\.999/);
  });

  it('records the SLI for every burn-rate window', () => {
    for (const w of ['5m', '30m', '1h', '2h', '6h', '1d', '3d']) {
      expect(stack.recordingRules.some((r) => r.record === `service:sli_error:ratio_rate${w}`)).toBe(true);
      expect(stack.recordingRules.some((r) => r.record === `service:sli_latency_slow:ratio_rate${w}`)).toBe(true);
    }
  });

  it('every alert is complete, links its runbook and has a firing and a non-firing test', () => {
    expect(stack.alerts.map((a) => a.name)).toEqual(expect.arrayContaining([
      'HighErrorRatio', 'HighLatencyP99', 'TrafficDrop', 'ErrorBudgetBurnFast', 'ErrorBudgetBurnMedium', 'ErrorBudgetBurnSlow',
      'LatencyBudgetBurnFast', 'LatencyBudgetBurnMedium', 'LatencyBudgetBurnSlow', 'LatencyBucketMissing', 'TargetDown', 'ServiceDown', 'MetricsAbsent', 'Watchdog',
    ]));
    for (const a of stack.alerts) {
      expect(a.for).toMatch(/^\d+m$/);
      expect(['page', 'ticket']).toContain(a.severity);
      expect(a.labels.find((l) => l.name === 'service')?.value).toBe('api');
      // Checklist 7.5: severity, service and team on every alert.
      expect(a.labels.find((l) => l.name === 'team')?.value).toBe('platform');
      expect(a.runbookUrl).toBe(`https://github.com/acme/api/blob/main/docs/runbooks/${a.name}.md`);
      expect(checkPromql(a.expr)).toBeNull();
      // The inlined form reads no recording rule (Cloud Monitoring evaluates no recording rules).
      expect(checkPromql(a.inlineExpr), a.name).toBeNull();
      expect(a.inlineExpr).not.toMatch(/service:[a-z_]+:/);
      const tests = stack.ruleTestSuites.flatMap((suite) => suite.cases).filter((t) => t.alertname === a.name);
      expect(tests.some((t) => t.expAlerts.length > 0), a.name).toBe(true);
      // Burn-rate alerts prove "must not fire" with a second series set in the same group.
      const negative = tests.some((t) => t.expAlerts.length === 0) || tests.some((t) => t.series.some((s) => s.series.includes('env="calm"')));
      expect(negative, a.name).toBe(true);
    }
    expect(stack.runbooks.map((r) => r.alert)).toEqual(stack.alerts.map((a) => a.name));
  });

  it('tickets when requests are counted without the threshold bucket: the latency SLI would record nothing, silently', () => {
    const alert = stack.alerts.find((a) => a.name === 'LatencyBucketMissing')!;
    // Micrometer writes buckets only when histograms are on, and its default edges miss 0.5.
    expect(alert.expr).toBe('group by (service, env) (http_server_requests_seconds_count{service="api"}) unless on (service, env) group by (service, env) (http_server_requests_seconds_bucket{service="api",le="0.5"})');
    expect(alert.inlineExpr).toBe(alert.expr);
    expect(stack.slo.latencyThresholdLe).toBe('0.5');
    expect(alert.severity).toBe('ticket');
    const runbook = stack.runbooks.find((r) => r.alert === alert.name)!;
    expect(runbook.rollback).toEqual([]);
    expect(runbook.mitigation.join('\n')).toContain('(../deploy/monitoring.md#instrumentation-contract)');
  });

  it('runbooks say which environment an alert is about as its rule does: by its env label, the paging one only, or none', () => {
    const runbook = (name: string) => stack.runbooks.find((r) => r.alert === name)!;
    // ServiceDown's rule selects the paging environment; MetricsAbsent's absent() keeps no env label.
    expect(stack.alerts.find((a) => a.name === 'ServiceDown')!.expr).toContain(`env="${stack.alertmanager.pagingEnv}"`);
    expect(runbook('ServiceDown').scope).toBe(`It watches ${stack.alertmanager.pagingEnv} only.`);
    expect(runbook('ServiceDown').escalation).not.toContain('other environments');
    expect(stack.alerts.find((a) => a.name === 'MetricsAbsent')!.expr).toMatch(/^absent\(up\{job="[^"]+"\}\)$/);
    expect(runbook('MetricsAbsent').scope).toContain('no `env` label');
    expect(runbook('MetricsAbsent').escalation).not.toContain('other environments');
    expect(runbook('HighErrorRatio').scope).toBe("The alert's `env` label says which environment fired.");
  });

  it('every test case is in exactly one file, and evaluated at a multiple of that file\'s evaluation interval', () => {
    const minutes = (d: string) => Number(/^(\d+)m$/.exec(d)?.[1] ?? NaN);
    const cases = stack.ruleTestSuites.flatMap((suite) => suite.cases);
    expect(new Set(cases).size).toBe(cases.length);
    expect(stack.files.tests).toEqual(stack.ruleTestSuites.map((suite) => suite.path));
    for (const suite of stack.ruleTestSuites) {
      expect(suite.cases.length, suite.path).toBeGreaterThan(0);
      for (const c of suite.cases) expect(minutes(c.evalTime) % minutes(suite.evaluationInterval), `${c.alertname} in ${suite.path}`).toBe(0);
      for (const c of suite.recordingCases) expect(minutes(c.evalTime) % minutes(suite.evaluationInterval), `${c.expr} in ${suite.path}`).toBe(0);
    }
    // What the alerts read is tested too: the 5m SLIs and rate, in the alerts' file (promtool runs them).
    const recorded = stack.ruleTestSuites.flatMap((suite) => suite.recordingCases.map((c) => c.expr));
    expect(recorded).toEqual(['service:sli_error:ratio_rate5m', 'service:sli_error:ratio_rate5m', 'service:sli_latency_slow:ratio_rate5m', 'service:http_requests:rate5m']);
    for (const r of recorded) expect(stack.recordingRules.map((x) => x.record)).toContain(r);
    // The 3-day windows are evaluated hourly, in a file of their own: everything else stays at 10m.
    const slow = stack.ruleTestSuites.find((suite) => suite.path.endsWith('.slow-burn.test.yml'));
    expect(slow?.evaluationInterval).toBe('60m');
    expect(slow?.cases.map((c) => c.alertname).sort()).toEqual(['ErrorBudgetBurnSlow', 'LatencyBudgetBurnSlow']);
  });

  it('pages on the fast and medium burn, tickets on the slow one', () => {
    const sev = Object.fromEntries(stack.alerts.map((a) => [a.name, a.severity]));
    expect([sev.ErrorBudgetBurnFast, sev.ErrorBudgetBurnMedium, sev.ErrorBudgetBurnSlow]).toEqual(['page', 'page', 'ticket']);
  });

  it('--monitoring none: no gate, no alerts', () => {
    const none = buildMonitoringStack(makeAnswers({ monitoring: 'none' }), makeFacts());
    expect(none.gate).toBeNull();
    expect(none.alerts).toEqual([]);
  });

  it('formats values like Go %.4g', () => {
    expect(formatG4(2.16)).toBe('2.16');
    expect(formatG4(995.0000000001)).toBe('995');
    expect(formatG4(0.0216)).toBe('0.0216');
    expect(formatG4(0.15000000000000002)).toBe('0.15');
    expect(formatG4(123456)).toBe('1.235e+05');
  });
});
