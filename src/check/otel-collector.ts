import { parse as parseYaml } from 'yaml';
import type { Finding } from './types.js';

/**
 * Checks an OpenTelemetry Collector config the way the collector does before
 * it starts (there is no collector binary here): every component a pipeline
 * or `service.extensions` names is defined, every `auth.authenticator` is an
 * enabled extension, and every pipeline has a receiver and an exporter. A
 * component type outside the contrib distribution's components this stack
 * uses is a warning: the user may have added a real one.
 */

const SECTIONS = ['receivers', 'processors', 'exporters', 'connectors', 'extensions'] as const;
type Section = (typeof SECTIONS)[number];

/** Component types of otelcol-contrib the generated configs use, and close relatives a user may add. */
const KNOWN_TYPES: Readonly<Record<Section, ReadonlySet<string>>> = {
  receivers: new Set(['prometheus', 'otlp', 'hostmetrics']),
  processors: new Set(['memory_limiter', 'batch', 'resourcedetection', 'resource', 'transform', 'attributes', 'filter', 'groupbyattrs', 'metricstransform', 'cumulativetodelta']),
  exporters: new Set(['prometheusremotewrite', 'googlemanagedprometheus', 'googlecloud', 'otlp', 'otlphttp', 'debug', 'awsemf', 'azuremonitor']),
  connectors: new Set([]),
  extensions: new Set(['sigv4auth', 'azure_auth', 'azureauth', 'health_check', 'basicauth', 'bearertokenauth', 'oauth2client', 'googleclientauth']),
};

/** `type/name` -> `type`. */
const typeOf = (id: string): string => id.split('/')[0] ?? id;
const record = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const ids = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export function checkCollectorConfig(path: string, content: string): Finding[] {
  const findings: Finding[] = [];
  const lines = content.split('\n');
  const lineOf = (needle: string): number | null => {
    const i = lines.findIndex((l) => !l.trimStart().startsWith('#') && l.includes(needle));
    return i < 0 ? null : i + 1;
  };
  const report = (message: string, needle: string | null, severity: Finding['severity'] = 'error'): void => {
    findings.push({ path, line: needle === null ? null : lineOf(needle), rule: 'otel-collector/config', message, severity });
  };

  let doc: unknown;
  try {
    doc = parseYaml(content);
  } catch (e) {
    return [{ path, line: null, rule: 'otel-collector/yaml', message: (e as Error).message.split('\n')[0] ?? 'invalid YAML', severity: 'error' }];
  }
  const root = record(doc);
  for (const key of Object.keys(root)) if (!(SECTIONS as readonly string[]).includes(key) && key !== 'service') report(`unknown top-level key "${key}"`, `${key}:`);

  const defined = Object.fromEntries(SECTIONS.map((s) => [s, new Set(Object.keys(record(root[s])))])) as Record<Section, Set<string>>;
  for (const s of SECTIONS)
    for (const id of defined[s])
      if (!KNOWN_TYPES[s].has(typeOf(id))) report(`${s}: "${typeOf(id)}" is not a component this stack knows; check that otelcol-contrib has it`, `${id}:`, 'warning');

  const service = record(root.service);
  const enabledExtensions = ids(service.extensions);
  for (const id of enabledExtensions) if (!defined.extensions.has(id)) report(`service.extensions names "${id}", which extensions: does not define`, id);

  const pipelines = record(service.pipelines);
  if (Object.keys(pipelines).length === 0) report('service.pipelines is empty: the collector would do nothing', 'service:');
  for (const [name, p] of Object.entries(pipelines)) {
    const pipeline = record(p);
    for (const part of ['receivers', 'processors', 'exporters'] as const) {
      const refs = ids(pipeline[part]);
      if (part !== 'processors' && refs.length === 0) report(`pipeline ${name} has no ${part}`, `${name}:`);
      for (const id of refs) {
        // A connector may stand in for a receiver or an exporter.
        if (!defined[part].has(id) && !(part !== 'processors' && defined.connectors.has(id))) report(`pipeline ${name} names ${part.slice(0, -1)} "${id}", which ${part}: does not define`, id);
      }
    }
  }

  // An authenticator must be an extension that is defined and enabled.
  for (const s of ['receivers', 'exporters'] as const) {
    for (const [id, cfg] of Object.entries(record(root[s]))) {
      const auth = record(record(cfg).auth).authenticator;
      if (typeof auth !== 'string') continue;
      if (!defined.extensions.has(auth)) report(`${id} authenticates with "${auth}", which extensions: does not define`, 'authenticator:');
      else if (!enabledExtensions.includes(auth)) report(`${id} authenticates with "${auth}", which service.extensions does not enable`, 'authenticator:');
    }
  }
  return findings;
}
