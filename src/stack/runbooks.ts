import type { Answers } from '../answers/options.js';
import type { MonitoringAlert, NameValue, RecordingRule, SloStack } from './monitoring.js';
import { appContainerName, type CloudNames } from './naming.js';
import { ecsRollbackConfiguration } from './ecs-rollback.js';
import type { WorkflowFiles } from './workflow-files.js';
import { COLLECTOR_CONFIG_PATH, COLLECTOR_CONTAINER as COLLECTOR } from './collector.js';
import { errorRatioExpr, latencyQuantileExpr, requestRateExpr, selector, SERVER_ERROR_REGEX, SERVICE_DOWN_LOOKBACK, type MetricNames } from './promql.js';

/** A titled snippet (PromQL or a shell command) a runbook shows in a code block. */
export interface Snippet {
  title: string;
  code: string;
}

/** Where an engineer runs the runbooks' PromQL, and how when there is no query UI. */
export interface QueryConsole {
  /** Named after each query ("Error ratio per revision (<where>)"). */
  where: string;
  /** A command that runs one query, shown once before the queries; null where a console runs them. */
  command: Snippet | null;
}

/**
 * Self-hosted: Prometheus's own UI, or Grafana with the generated data source.
 * A managed Prometheus has neither (no Prometheus UI, and no Grafana data
 * source is generated for it): each cloud's own query console, and on AWS,
 * whose console has none, Amazon Managed Grafana or a SigV4-signed request.
 */
export function queryConsole(a: Pick<Answers, 'cloud' | 'monitoring' | 'region'>): QueryConsole {
  if (a.monitoring !== 'managed-prometheus') return { where: 'Prometheus or Grafana Explore', command: null };
  switch (a.cloud) {
    case 'aws':
      return {
        where: 'Amazon Managed Grafana with the workspace as data source, or awscurl as shown above',
        command: {
          // awscurl (pip install awscurl) signs with your AWS credentials; it has no --data-urlencode, so jq encodes the query.
          title: 'Without Amazon Managed Grafana, run a query with [awscurl](https://github.com/okigan/awscurl) and your AWS credentials (`AMP_WORKSPACE_ID`: the environment\'s `amp_workspace_id` output, also its GitHub variable)',
          code: [
            "query='<the query>'",
            `awscurl -X POST --region ${a.region} --service aps \\`,
            `  "https://aps-workspaces.${a.region}.amazonaws.com/workspaces/$AMP_WORKSPACE_ID/api/v1/query" \\`,
            `  -d "query=$(jq -rn --arg q "$query" '$q|@uri')" --header 'Content-Type: application/x-www-form-urlencoded'`,
          ].join('\n'),
        },
      };
    case 'gcp':
      return { where: 'Cloud Monitoring → Metrics explorer, PromQL', command: null };
    case 'azure':
      return { where: 'the Azure Monitor workspace → Prometheus explorer', command: null };
  }
}

/** Everything `templates/monitoring/runbook.md.hbs` writes for one alert. */
export interface Runbook {
  alert: string;
  path: string;
  severity: string;
  expr: string;
  for: string;
  meaning: string;
  impact: string;
  queries: Snippet[];
  commands: Snippet[];
  /** The environment whose resources the commands name (the last: production). */
  commandsEnv: string;
  /** Rollback first (when a deploy can be the cause), then the other steps. */
  rollback: Snippet[];
  mitigation: string[];
  /** The scale-out command, shown after the mitigation steps (null: not applicable). */
  scale: Snippet | null;
  escalation: string;
  /** Which environment the alert is about, first line of the diagnosis (most carry an `env` label; not all). */
  scope: string;
  /** Markdown links, relative to the runbook. */
  related: NameValue[];
}

export interface RunbookInput {
  answers: Answers;
  names: CloudNames;
  repo: { url: string; defaultBranch: string };
  alerts: MonitoringAlert[];
  slo: SloStack;
  metrics: MetricNames;
  /** Matchers of the requests the SLIs count, so the runbook's queries show what the alert saw. */
  traffic: string[];
  /** The environment whose pages reach the pager (monitoring.alertmanager.pagingEnv). */
  pagingEnv: string;
  rulesPath: string;
  dashboardPath: string;
  recordingRules: RecordingRule[];
  /** Nothing evaluates recording rules (Cloud Run with managed Prometheus): queries use their expressions. */
  inline: boolean;
  /** The pipeline's workflow files, which the rollback and deploy-history commands name. */
  workflows: Pick<WorkflowFiles, 'deploy' | 'rollback'>;
}

/** Runtime CLI commands with the production environment's resource names. */
function runtimeCommands(a: Answers, names: CloudNames, rollbackWorkflow: string) {
  const env = a.environments[a.environments.length - 1] ?? 'production';
  const n = names.perEnv[env];
  const svc = n?.service ?? `${a.serviceName}-${env}`;
  const cluster = n?.cluster ?? svc;
  const rg = n?.resourceGroup ?? `rg-${svc}`;
  const logGroup = n?.logGroup ?? `/ecs/${svc}`;
  const r = a.region;
  // infra/ names the app's container next to the collector sidecar; without it the name is the user's.
  const container = appContainerName(a);
  const appLogs = a.iac === 'none' ? '' : ` --container ${container}`;
  const gh = { title: 'Roll back through the pipeline (records who and why in the Actions log)', code: `gh workflow run ${rollbackWorkflow} -f environment=${env} -f target=<digest-or-revision>` };
  if (a.cloud === 'aws') {
    // ECS's rolling strategy has no deployment to stop and no bakes to skip.
    const rolling = a.strategy === 'rolling';
    return {
      env,
      status: [
        { title: 'Deployments and recent events of the service', code: `aws ecs describe-services --cluster ${cluster} --services ${svc} --region ${r} --query 'services[0].{deployments:deployments,events:events[:10]}'` },
        { title: 'Running tasks and why stopped ones stopped', code: `aws ecs list-tasks --cluster ${cluster} --service-name ${svc} --desired-status STOPPED --region ${r}\naws ecs describe-tasks --cluster ${cluster} --region ${r} --tasks <task-arn> --query 'tasks[].{status:lastStatus,reason:stoppedReason,health:healthStatus}'` },
        { title: 'Application logs of the last 30 minutes', code: `aws logs tail ${logGroup} --since 30m --region ${r}` },
      ],
      rollback: [
        gh,
        ...(rolling
          ? []
          : [{ title: `Or directly, while a ${a.strategy} deployment is still under way: stop it, ECS returns to what served before`, code: `aws ecs list-service-deployments --cluster ${cluster} --service ${svc} --status IN_PROGRESS --region ${r}\naws ecs stop-service-deployment --service-deployment-arn <arn> --stop-type ROLLBACK --region ${r}` }]),
        // Not "the revision before the newest": Terraform registers revisions of the family too, with its placeholder image.
        // Past rolling, without the strategy's steps and bakes: the service's own configuration would take
        // the old revision through the whole blue/green or canary again.
        {
          title: `Or directly${rolling ? '' : ', once the deployment completed'}: pin the task definition that served before (the Deploy run summary names it), after checking it runs your image${rolling ? '' : `, without the ${a.strategy}'s steps and bakes (its alarms and circuit breaker kept)`}`,
          code: [
            `aws ecs describe-task-definition --task-definition ${svc}:<previous-revision> --region ${r} --query 'taskDefinition.containerDefinitions[*].image'`,
            ...(rolling ? [] : [`config="$(aws ecs describe-services --cluster ${cluster} --services ${svc} --region ${r} --query 'services[0].deploymentConfiguration' --output json | jq -c '. + ${ecsRollbackConfiguration(a.strategy)}')"`]),
            `aws ecs update-service --cluster ${cluster} --service ${svc} --task-definition ${svc}:<previous-revision>${rolling ? '' : ' --deployment-configuration "$config"'} --region ${r}`,
          ].join('\n'),
        },
      ],
      scale: { title: 'Add capacity', code: `aws ecs update-service --cluster ${cluster} --service ${svc} --desired-count <n> --region ${r}` },
      collectorLogs: { title: 'Logs of the metrics collector sidecar', code: `aws logs tail ${logGroup} --log-stream-name-prefix ${COLLECTOR} --since 30m --region ${r}` },
    };
  }
  if (a.cloud === 'gcp') {
    return {
      env,
      status: [
        { title: 'Revisions and where traffic goes', code: `gcloud run revisions list --service ${svc} --region ${r}\ngcloud run services describe ${svc} --region ${r} --format 'yaml(status.traffic,status.conditions)'` },
        // Cloud Logging reads a JSON line's severity from its `severity` field only: lines that say `level`
        // (slog, pino with string levels, most JSON loggers) and plain-text lines carry none, so match those
        // too (`=~` is an RE2 match; `:` a case-insensitive substring match).
        { title: 'Error logs of the last 30 minutes (failed requests, JSON lines with an error severity or level, plain-text lines that mention an error)', code: `gcloud logging read 'resource.type="cloud_run_revision" AND resource.labels.service_name="${svc}" AND (severity>=ERROR OR jsonPayload.level=~"(?i)^(error|fatal|critical|panic)$" OR textPayload:("error" OR "exception" OR "traceback" OR "panic"))' --freshness=30m --limit=50` },
      ],
      rollback: [
        gh,
        { title: 'Or directly: send all traffic to the previous revision', code: `gcloud run services update-traffic ${svc} --region ${r} --to-revisions <previous-revision>=100` },
      ],
      // Service-level minimum (`--min`), not the revision's (`--min-instances`): a revision-level change makes a
      // new revision from the service's template, which after a rollback still names the bad image.
      scale: { title: 'Keep warm instances (cold starts, bursts): a service-wide minimum, shared by the revisions serving now; no new revision, so a rollback stays in place. Remove it with `--min=default` once the incident is over', code: `gcloud run services update ${svc} --region ${r} --min=<n>` },
      collectorLogs: { title: 'Logs of the service, the metrics collector sidecar\'s included (its lines name receivers and exporters)', code: `gcloud run services logs read ${svc} --region ${r} --limit 100` },
    };
  }
  return {
    env,
    status: [
      { title: 'Revisions, their health and traffic weights', code: `az containerapp revision list --name ${svc} --resource-group ${rg} -o table\naz containerapp ingress traffic show --name ${svc} --resource-group ${rg}` },
      { title: 'Application logs', code: `az containerapp logs show --name ${svc} --resource-group ${rg}${appLogs} --tail 100` },
    ],
    rollback: [
      gh,
      // Every strategy runs the app in multiple-revision mode (traffic pinned by revision name): a new
      // revision made with `update --image` would get no traffic, so roll back by weight.
      { title: 'Or directly: send all traffic to the previous revision', code: `az containerapp ingress traffic set --name ${svc} --resource-group ${rg} --revision-weight <previous-revision>=100` },
    ],
    // Scale is part of the revision: copy the revision serving now (its image, not the app template's, which
    // after a rollback still names the bad one) with more replicas, then move the traffic to the copy.
    scale: { title: 'Add capacity: a copy of the revision serving now with a higher minimum, then all traffic to the copy (temporary: the next deploy starts from Terraform\'s value)', code: `az containerapp revision copy --name ${svc} --resource-group ${rg} --from-revision <serving-revision> --revision-suffix <new-suffix> --min-replicas <n>\naz containerapp ingress traffic set --name ${svc} --resource-group ${rg} --revision-weight ${svc}--<new-suffix>=100` },
    collectorLogs: { title: 'Logs of the metrics collector sidecar', code: `az containerapp logs show --name ${svc} --resource-group ${rg} --container ${COLLECTOR} --tail 100` },
  };
}

/** The Watchdog's runbook: who receives it depends on what evaluates the rules. */
function watchdog(a: Answers) {
  const common = { rollback: [], scale: null, mitigation: ['Do not silence it.'] };
  if (a.monitoring === 'prometheus') {
    return {
      ...common,
      meaning: 'Always firing, by design. Alertmanager routes it to a dead man\'s switch (heartbeat) receiver.',
      impact: 'None while it fires. When the heartbeat service reports it missing, Prometheus or Alertmanager is down and no alert can reach anyone.',
      queries: [{ title: 'Is the rule evaluated?', code: 'ALERTS{alertname="Watchdog"}' }],
      commands: [{ title: 'Check the Alertmanager configuration', code: 'amtool check-config monitoring/alertmanager/alertmanager.yml' }],
      mitigation: ['Do not silence it. If the heartbeat stopped, restore Prometheus and Alertmanager first.'],
      escalation: 'The Watchdog itself is never handled; the heartbeat monitor pages the on-call engineer when it stops arriving.',
    };
  }
  const evaluator = a.cloud === 'aws' ? 'Amazon Managed Service for Prometheus' : a.cloud === 'gcp' ? 'Cloud Monitoring' : 'Azure Monitor';
  const receiver = a.cloud === 'aws'
    ? 'Its alert manager sends it to the heartbeat SNS topic: subscribe a dead man\'s switch service to it (docs/deploy/monitoring.md).'
    : 'It notifies nobody: it shows in the list of firing alerts that the rules are evaluated.';
  return {
    ...common,
    meaning: `Always firing, by design, to prove that ${evaluator} evaluates the rules. ${receiver}`,
    impact: `None while it fires. If it stops firing, ${evaluator} no longer evaluates the rules and no other alert can fire.`,
    queries: [],
    commands: [],
    escalation: a.cloud === 'aws'
      ? 'The Watchdog itself is never handled; the heartbeat monitor pages the on-call engineer when it stops arriving.'
      : `The Watchdog itself is never handled; if it is missing from ${evaluator}'s firing alerts, check the rule deployment (infra/, the monitoring module).`,
  };
}

/** One runbook per alert, in the alerts' order. Pure. */
export function buildRunbooks(input: RunbookInput): Runbook[] {
  const { answers: a, metrics: m, slo } = input;
  const rt = runtimeCommands(a, input.names, input.workflows.rollback);
  const service = a.serviceName;
  const sel = input.traffic;
  const errorsBy = (label: string) => `topk(5, ${requestRateExpr(m, [...sel, `${m.codeLabel}=~"${SERVER_ERROR_REGEX}"`], '5m', [label])})`;
  const perRevision: Snippet = { title: 'Error ratio per revision (did a deploy cause it?)', code: errorRatioExpr(m, sel, '5m', [m.revisionLabel]) };
  // The recording rules by name, or (nothing evaluates them) their expressions.
  const recorded = (r: RecordingRule) => (input.inline ? r.expr : `${r.record}{${m.serviceLabel}="${service}"}`);
  const windows = (prefix: string) => input.recordingRules.filter((r) => r.record.startsWith(prefix)).map(recorded);
  const rate5m = input.recordingRules.find((r) => r.record === 'service:http_requests:rate5m');
  const dashboardLink = { name: 'Grafana dashboard', value: `../../${input.dashboardPath}` };
  const rulesLink = { name: 'Alerting rules', value: `../../${input.rulesPath}` };
  const deployStep = `If a deploy happened shortly before the alert, roll back first and diagnose after (commands above). Deploys: \`gh run list --workflow ${input.workflows.deploy} --limit 5\`.`;

  return input.alerts.map((alert) => {
    // The expression the evaluator runs: inlined where nothing evaluates recording rules.
    const base = { alert: alert.name, path: alert.runbookPath, severity: alert.severity, expr: input.inline ? alert.inlineExpr : alert.expr, for: alert.for };
    const siblings = input.alerts
      .filter((o) => o.name !== alert.name && o.kind === alert.kind)
      .map((o) => ({ name: o.name, value: `./${o.name}.md` }));
    const related = [dashboardLink, rulesLink, ...siblings];
    // ServiceDown watches the paging environment alone; MetricsAbsent has no env label (no environment has a target).
    const [scope, pages] = alert.kind === 'service-down'
      ? [`It watches ${input.pagingEnv} only.`, `Pages the on-call engineer (it watches ${input.pagingEnv} only).`]
      : alert.kind === 'metrics-absent'
        ? ['It has no `env` label: it fires when no environment has a target left.', 'Pages the on-call engineer, whatever the environment (the alert has no `env` label).']
        : ["The alert's `env` label says which environment fired.", `Pages the on-call engineer when it fires in ${input.pagingEnv} (from other environments it goes to chat: handle it within business hours).`];
    const escalation = alert.severity === 'page'
      ? `${pages} Acknowledge within 5 minutes; if it is not mitigated within 30 minutes, bring in team ${input.answers.team} (the alert's \`team\` label) and open an incident.`
      : `A ticket: handle it within business hours. If it keeps firing for more than a day, or turns into a page, raise it with team ${input.answers.team} (the alert's \`team\` label).`;
    const common = { ...base, related, escalation, scope, rollback: rt.rollback, commandsEnv: rt.env };

    switch (alert.kind) {
      case 'error-ratio':
      case 'availability-burn':
        return {
          ...common,
          meaning: alert.kind === 'error-ratio'
            ? `More than 5% of the requests to ${service} returned a 5xx status over 5 minutes, for 10 minutes.`
            : `${service} fails requests (5xx) fast enough to exhaust the ${slo.availabilityPercent}% availability SLO's error budget early: the ratio is above the burn-rate threshold over both the long and the short window.`,
          impact: `Users get errors. Each failed request spends the ${slo.availabilityPercent}% availability SLO's 30-day error budget.`,
          queries: [
            { title: 'Error ratio per SLI window', code: windows('service:sli_error:').join('\n') },
            { title: 'Routes with the most 5xx', code: errorsBy(m.routeLabel) },
            perRevision,
          ],
          commands: rt.status,
          mitigation: [deployStep, 'If one dependency fails (database, upstream API), fail over or disable the feature that uses it.', 'If instances are overloaded (CPU, memory, connection pools), add capacity (below).'],
          scale: rt.scale,
        };
      case 'latency-p99':
      case 'latency-burn':
        return {
          ...common,
          meaning: alert.kind === 'latency-p99'
            ? `The 99th percentile latency of ${service} is above ${slo.latencyThresholdSeconds}s over 5 minutes, for 10 minutes.`
            : `More than the allowed share of ${service} requests take longer than ${slo.latencyThresholdSeconds}s (SLO: ${slo.latencyPercent}% faster), over both the long and the short window.`,
          impact: `Users wait; clients may time out and retry, adding load. Slow requests spend the latency SLO's budget.`,
          queries: [
            { title: 'Slow-request ratio per SLI window', code: windows('service:sli_latency_slow:').join('\n') },
            { title: 'p99 latency per route', code: latencyQuantileExpr(m, sel, '5m', [m.routeLabel]) },
            { title: 'p99 latency per revision', code: latencyQuantileExpr(m, sel, '5m', [m.revisionLabel]) },
          ],
          commands: rt.status,
          mitigation: [deployStep, 'Check slow dependencies (database queries, upstream APIs) in the logs and traces.', 'If instances are saturated, add capacity (below).'],
          scale: rt.scale,
        };
      case 'latency-unmeasured':
        return {
          ...common,
          meaning: `${service} counts requests, but its latency histogram \`${m.durationBucket}\` has had no bucket at \`le="${slo.latencyThresholdLe}"\`, the ${slo.latencyThresholdSeconds}s latency SLO threshold, for ${alert.for}.`,
          impact: 'No user impact by itself, but the latency SLO is blind: the slow-request ratio records nothing, so the LatencyBudgetBurn alerts cannot fire however slow the service gets.',
          queries: [
            { title: `Bucket edges the service exposes (\`le="${slo.latencyThresholdLe}"\` is missing)`, code: `count by (le) (${selector(m.durationBucket, [`${m.serviceLabel}="${service}"`])})` },
            { title: 'Environments that count requests', code: `group by (env) (${selector(m.requestsTotal, [`${m.serviceLabel}="${service}"`])})` },
          ],
          commands: [],
          // Nothing to roll back to: the edges have been missing since the histogram was set up.
          rollback: [],
          mitigation: [
            `Give the histogram a bucket edge at exactly ${slo.latencyThresholdSeconds}s: the instrumentation contract in [docs/deploy/monitoring.md](../deploy/monitoring.md#instrumentation-contract) shows the setting for ${m.source}. Library defaults often have no such edge.`,
            'Deploy it; the alert resolves once the new bucket is scraped. The latency burn-rate windows fill from then on (the slow one needs 3 days).',
          ],
          scale: null,
        };
      case 'traffic-drop':
        return {
          ...common,
          meaning: `${service} receives less than 20% of the requests per second it averaged over the last hour, for 10 minutes.`,
          impact: 'Clients may not reach the service at all (DNS, load balancer, certificate, upstream outage), or a client stopped calling it.',
          queries: [
            // offset applies to selectors: inline, it goes inside the range.
            { title: 'Request rate now and an hour ago', code: rate5m ? `${recorded(rate5m)}\n${input.inline ? rate5m.expr.replace(/\[5m\]/g, '[5m] offset 1h') : `${recorded(rate5m)} offset 1h`}` : requestRateExpr(m, sel, '5m', []) },
            { title: 'Requests per route', code: requestRateExpr(m, sel, '5m', [m.routeLabel]) },
          ],
          commands: rt.status,
          mitigation: ['Call the public endpoint yourself; check DNS, the load balancer / ingress and TLS certificates.', deployStep],
          scale: rt.scale,
        };
      case 'target-down':
      case 'metrics-absent':
        return {
          ...common,
          meaning: alert.kind === 'target-down'
            ? `Prometheus could not scrape one instance of job ${input.names.metricsJob} for 15 minutes (all of them: ServiceDown).`
            : `There is no ${input.names.metricsJob} target at all for 10 minutes: every other alert of ${service} is blind.`,
          impact: alert.kind === 'target-down'
            ? 'Less capacity, and errors for the requests the load balancer still sends to that instance; or only its metrics are missing.'
            : 'Every alert of the service is blind; the service itself may be down too.',
          queries: [
            { title: 'Targets of the job', code: `up{job="${input.names.metricsJob}"}` },
            // Any request, health checks included: is the app still seen at all?
            { title: 'Are requests still being recorded?', code: `sum(rate(${selector(m.requestsTotal, [`${m.serviceLabel}="${service}"`])}[5m]))` },
          ],
          commands: [...rt.status, rt.collectorLogs],
          mitigation: [
            'If the service is down: check the last deploy and roll back (commands above).',
            `If only metrics are missing: check that the app serves them, then the collector sidecar's logs (scrape errors, refused writes) and its configuration, ${COLLECTOR_CONFIG_PATH}.`,
          ],
          scale: rt.scale,
        };
      case 'service-down':
        return {
          ...common,
          meaning: `No ${input.names.metricsJob} target in ${input.pagingEnv} has answered a scrape for 5 minutes (about 10 when the instances are gone: Prometheus counts their last samples for 5 more minutes), though one did in the last ${SERVICE_DOWN_LOOKBACK.words}: every instance is down, crash-looping, or gone. After ${SERVICE_DOWN_LOOKBACK.words} of outage the alert resolves by itself.`,
          impact: `An outage: clients of ${input.pagingEnv} get errors or timeouts from the load balancer. The app's own request metrics stop with it, so the SLO alerts cannot see this.`,
          queries: [
            { title: `Targets of the job in ${input.pagingEnv}`, code: `up{job="${input.names.metricsJob}",env="${input.pagingEnv}"}` },
            { title: `When each instance last answered (Unix time, within the last ${SERVICE_DOWN_LOOKBACK.words})`, code: `max by (instance) (last_over_time(timestamp(up{job="${input.names.metricsJob}",env="${input.pagingEnv}"} == 1)[${SERVICE_DOWN_LOOKBACK.range}:5m]))` },
          ],
          commands: [...rt.status, rt.collectorLogs],
          mitigation: [
            deployStep,
            'Read why instances stop (the status commands above): a crash at start-up (configuration, a secret, a migration), failing health checks, or capacity the platform cannot place.',
            'If the service was scaled to zero or deleted on purpose, silence the alert for the change window.',
          ],
          scale: rt.scale,
        };
      case 'watchdog':
        return { ...common, ...watchdog(a) };
    }
  });
}
