import { describe, expect, it } from 'vitest';
import { checkCollectorConfig } from '../../src/check/otel-collector.js';

const VALID = `
receivers:
  prometheus:
    config: {}
processors:
  batch: {}
exporters:
  prometheusremotewrite:
    endpoint: "\${env:REMOTE_WRITE_URL}"
    auth:
      authenticator: sigv4auth
extensions:
  sigv4auth:
    service: aps
service:
  extensions: [sigv4auth]
  pipelines:
    metrics:
      receivers: [prometheus]
      processors: [batch]
      exporters: [prometheusremotewrite]
`;

const messages = (content: string) => checkCollectorConfig('monitoring/collector/otel-collector.yaml', content).map((f) => `${f.severity} ${f.line ?? '-'} ${f.message}`);

describe('OpenTelemetry Collector config check', () => {
  it('accepts a config whose pipelines and authenticators are all defined', () => {
    expect(messages(VALID)).toEqual([]);
  });

  it('reports a pipeline component no section defines, with its line', () => {
    const out = messages(VALID.replace('processors: [batch]', 'processors: [batch, memory_limiter]'));
    expect(out).toEqual([expect.stringMatching(/^error 20 pipeline metrics names processor "memory_limiter", which processors: does not define$/)]);
  });

  it('reports an authenticator that is defined but not enabled (the collector refuses to start)', () => {
    const out = messages(VALID.replace('  extensions: [sigv4auth]\n', ''));
    expect(out).toEqual([expect.stringContaining('authenticates with "sigv4auth", which service.extensions does not enable')]);
  });

  it('reports a pipeline without an exporter, and an enabled extension nobody defines', () => {
    const out = messages(VALID.replace('      exporters: [prometheusremotewrite]\n', '').replace('extensions: [sigv4auth]', 'extensions: [sigv4auth, health_check]'));
    expect(out).toContain('error 18 pipeline metrics has no exporters');
    expect(out).toEqual(expect.arrayContaining([expect.stringContaining('service.extensions names "health_check"')]));
  });

  it('warns on a component type it does not know, and rejects unparseable YAML', () => {
    expect(messages(VALID.replace('  batch: {}', '  batch: {}\n  spanmetrics/x: {}'))).toEqual([expect.stringMatching(/^warning \d+ processors: "spanmetrics"/)]);
    expect(messages('receivers: [')[0]).toMatch(/^error - /);
  });
});
