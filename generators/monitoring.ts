import { COLLECTOR_CONFIG_PATH } from '../src/stack/collector.js';
import type { LayerGenerator, RenderAction } from './layer.js';

/**
 * Prometheus rules with their promtool tests, one runbook per alert,
 * Alertmanager, Grafana, the collector sidecar's config, and the monitoring docs. Runbooks render one shared
 * template per alert, and test files one per suite, with the alert's runbook
 * or the suite passed as per-action data.
 * With managed-prometheus the rules file is the source the infra layer
 * deploys; Prometheus and Alertmanager configs are only for self-hosting.
 */
export const monitoringLayer: LayerGenerator = {
  name: 'monitoring',
  description: 'Prometheus RED and SLO burn-rate alerts, promtool tests, runbooks, Alertmanager, Grafana',
  options: ['monitoring', 'slo', 'language', 'cloud', 'runtime', 'strategy', 'environments', 'serviceName', 'region', 'port'],
  enabled: (stack) => stack.answers.monitoring !== 'none',
  actions: (stack) => {
    const m = stack.monitoring;
    const render = (template: string, path: string): RenderAction => ({ type: 'render', template: `monitoring/${template}`, path });
    return [
      render('prometheus/rules.yml.hbs', m.files.rules),
      ...m.ruleTestSuites.map((suite): RenderAction => ({ ...render('prometheus/tests.yml.hbs', suite.path), data: { suite } })),
      render('grafana/dashboard.json.hbs', m.files.dashboard),
      render('grafana/provisioning/dashboards.yml.hbs', `monitoring/grafana/provisioning/dashboards/${stack.service.name}.yml`),
      render('docs/monitoring.md.hbs', 'docs/deploy/monitoring.md'),
      render('collector/otel-collector.yaml.hbs', COLLECTOR_CONFIG_PATH),
      ...(stack.is.gcp && stack.is.managedPrometheus ? [render('prometheus/managed-alerts.yml.hbs', m.files.managedAlerts)] : []),
      ...(stack.is.prometheus
        ? [
            render('prometheus/prometheus.yml.hbs', 'monitoring/prometheus/prometheus.yml'),
            render('alertmanager/alertmanager.yml.hbs', 'monitoring/alertmanager/alertmanager.yml'),
            render('grafana/provisioning/datasources.yml.hbs', 'monitoring/grafana/provisioning/datasources/prometheus.yml'),
          ]
        : []),
      ...m.runbooks.map((runbook): RenderAction => ({ ...render('docs/runbook.md.hbs', runbook.path), data: { runbook } })),
    ];
  },
};
