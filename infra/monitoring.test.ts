// Offline invariants of the monitoring in infra/terraform (alerts, log-based metrics, dashboard,
// uptime check, SLO, audit sink), parsed with @cdktf/hcl2json. Every log event name Terraform
// matches on is checked against the deployed source, so renaming a log event fails here.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { VERIFY_FAILURES } from '../services/webhook/src/verify-stripe-event.js';
import { attr, child, dig, readTerraform, resource, resourcesOf, str, type Block, type TerraformConfig } from './terraform-config.js';

let tf: TerraformConfig;
beforeAll(async () => {
  tf = await readTerraform();
});

/** The deployed source (tests, test helpers and the local Stripe stand-in excluded), file by file. */
function deployedSources(): string[] {
  const roots = ['../shared/src', '../services/webhook/src', '../services/app/src', '../functions/src'];
  const sources: string[] = [];
  for (const root of roots) {
    const dir = fileURLToPath(new URL(root, import.meta.url));
    for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts') || file.endsWith('.test.ts') || file.split(path.sep).includes('testing')) continue;
      sources.push(readFileSync(path.join(dir, file), 'utf8'));
    }
  }
  return sources;
}

/** The template the webhook names its refusal lines with: `webhook.${reason}` for each VerifyFailure. */
const REFUSAL_TEMPLATE = 'event: `webhook.${verified.reason}`';

/** Every `event` name the deployed code writes on a log line. */
function emittedEvents(): Set<string> {
  const events = new Set<string>();
  for (const source of deployedSources()) {
    for (const m of source.matchAll(/\bevent:\s*(['`])([a-z_]+\.[a-z_.]+)\1/g)) events.add(m[2] ?? '');
    if (source.includes(REFUSAL_TEMPLATE)) for (const reason of VERIFY_FAILURES) events.add(`webhook.${reason}`);
  }
  return events;
}

/** Events the deployed code logs at ERROR or CRITICAL. */
function errorEvents(): Set<string> {
  const events = new Set<string>();
  for (const source of deployedSources()) {
    for (const m of source.matchAll(/\.(?:error|fatal)\(\s*\{\s*event:\s*'([a-z_.]+)'/g)) events.add(m[1] ?? '');
    for (const m of source.matchAll(/severity:\s*'(?:ERROR|CRITICAL)',\s*event:\s*'([a-z_.]+)'/g)) events.add(m[1] ?? '');
  }
  return events;
}

const policies = () => resourcesOf(tf, 'google_monitoring_alert_policy');
const policy = (name: string) => resource(tf, 'google_monitoring_alert_policy', name);
const logMetric = (name: string) => resource(tf, 'google_logging_metric', name);
const logEventAlerts = () =>
  tf.locals['log_event_alerts'] as Record<string, { events: string[]; services: unknown; severity: string; rate_limit: string }>;

/** The event names a log filter matches: `jsonPayload.event="x"` literals and `local.event_filter.<list>` lists. */
function filterEvents(filter: string): string[] {
  const literal = [...filter.matchAll(/jsonPayload\.event="([^"]+)"/g)].map((m) => m[1] ?? '');
  const lists = [...filter.matchAll(/\$\{local\.event_filter\.([a-z_]+)\}/g)].map((m) => {
    const name = m[1] ?? '';
    expect(str(tf.locals['event_filter'] as Block, name), name).toContain(`local.${name}`);
    return tf.locals[name] as string[];
  });
  return [...literal, ...lists.flat()];
}

describe('alerts name causes', () => {
  test('the policies: one per cause, and none of them pages on every ERROR line', () => {
    expect([...policies().keys()].sort()).toEqual([
      'applier_backlog',
      'dead_letters',
      'http_5xx_rate',
      'log_events',
      'usage_reporting_stopped',
      'webhook_unreachable',
    ]);
    expect(Object.keys(logEventAlerts()).sort()).toEqual([
      'deployable_cannot_start',
      'refused_deliveries',
      'several_live_subscriptions',
      'track_key_unrecorded',
      'usage_not_billed',
      'usage_report_failing',
      'webhook_publish_failures',
    ]);
    for (const [name, p] of policies()) {
      const text = JSON.stringify(p);
      // A severity filter alone would page on every ERROR line; a log-match policy must name its events.
      expect(text, name).not.toMatch(/severity>=ERROR/);
      const logMatch = dig(p, 'conditions', 'condition_matched_log');
      if (logMatch) expect(str(logMatch, 'filter'), name).toMatch(/jsonPayload\.event=/);
    }
  });

  test('every policy notifies the alert_emails channels and links to the runbook', () => {
    expect(str(resource(tf, 'google_monitoring_notification_channel', 'email'), 'for_each')).toBe('${toset(var.alert_emails)}');
    expect(attr(tf.variables.get('alert_emails'), 'default')).toEqual([]);
    for (const [name, p] of policies()) {
      expect(str(p, 'notification_channels'), name).toBe('${local.alert_channels}');
      expect(str(child(p, 'documentation'), 'content'), name).toContain('${local.alert_runbook}');
    }
    expect(tf.locals['alert_runbook']).toContain('infra/README.md, "Alerts and what to do"');
    expect(tf.locals['apis']).toEqual(expect.arrayContaining(['monitoring.googleapis.com', 'logging.googleapis.com']));
  });

  test('each log-event alert matches exactly its events from its services, rate limited', () => {
    const p = policy('log_events');
    expect(str(p, 'for_each')).toBe('${local.log_event_alerts}');
    const filter = str(dig(p, 'conditions', 'condition_matched_log'), 'filter') ?? '';
    expect(filter).toContain('resource.type="cloud_run_revision"');
    expect(filter).toContain('resource.labels.service_name=(${join(" OR ", [for name in each.value.services : "\\"${name}\\""])})');
    expect(filter).toContain('jsonPayload.event=(${join(" OR ", [for event in each.value.events : "\\"${event}\\""])})');
    expect(str(dig(p, 'alert_strategy', 'notification_rate_limit'), 'period')).toBe('${each.value.rate_limit}');
    for (const [name, alert] of Object.entries(logEventAlerts())) {
      expect(alert.events.length, name).toBeGreaterThan(0);
      expect(alert.rate_limit, name).toMatch(/^\d+s$/);
      expect(['CRITICAL', 'ERROR', 'WARNING'], name).toContain(alert.severity);
    }
  });

  test('every event an alert or a log-based metric matches is one the code emits (a renamed event fails here)', () => {
    const emitted = emittedEvents();
    expect(emitted.size).toBeGreaterThan(20);
    const matched = new Map<string, string[]>();
    for (const [name, alert] of Object.entries(logEventAlerts())) matched.set(`alert ${name}`, alert.events);
    for (const [name, metric] of resourcesOf(tf, 'google_logging_metric'))
      matched.set(`metric ${name}`, filterEvents(str(metric, 'filter') ?? ''));
    for (const [where, events] of matched) {
      for (const event of events) expect(emitted, `${where}: ${event}`).toContain(event);
    }
    // Every metric that is not the ERROR count names its events.
    for (const name of resourcesOf(tf, 'google_logging_metric').keys()) {
      if (name !== 'error_entries') expect(matched.get(`metric ${name}`)?.length, name).toBeGreaterThan(0);
    }
  });

  test('refused Stripe deliveries: every reason the webhook refuses a signed delivery, not a missing header', () => {
    const refused = logEventAlerts()['refused_deliveries']?.events ?? [];
    const signedRefusals = VERIFY_FAILURES.filter((reason) => reason !== 'signature_missing').map((reason) => `webhook.${reason}`);
    expect([...refused].sort()).toEqual([...signedRefusals, 'webhook.livemode_mismatch', 'webhook.api_version_unsupported'].sort());
    const receive = readFileSync(new URL('../services/webhook/src/receive-stripe-event.ts', import.meta.url), 'utf8');
    expect(receive).toContain(REFUSAL_TEMPLATE);
    expect(logEventAlerts()['refused_deliveries']?.services).toEqual(['${google_cloud_run_v2_service.webhook.name}']);
  });

  /**
   * ERROR events that no log-event alert matches, and what pages for their cause instead. A new
   * ERROR event fails the test below until it is given an alert or listed here.
   */
  const ERROR_EVENTS_COVERED_ELSEWHERE: Record<string, string> = {
    'stripe_event.dead_lettered': 'dead_letters', // the message waits in the dead-letter subscription
    'stripe_event.not_pubsub': 'dead_letters', // dead-lettered too
    'usage.sync_failed': 'http_5xx_rate', // the request got 503
    'http.unhandled_error': 'http_5xx_rate', // the request got 500
    'http.error_after_headers': 'dashboard', // the status was already sent; charted (error_entries)
    'usage.flush_failed': 'log_events', // retried; usage.units_lost pages if it lasts until shutdown
    'server.shutdown_failed': 'dashboard', // the webhook loses nothing (Stripe retries); the app's loss is usage.units_lost
  };

  test('every event the code logs at ERROR pages through a cause-named alert, or is accounted for', () => {
    const errors = errorEvents();
    expect([...errors]).toEqual(
      expect.arrayContaining(['webhook.publish_failed', 'stripe_event.dead_lettered', 'usage_report.run_failed', 'config.invalid']),
    );
    const alerted = new Set(Object.values(logEventAlerts()).flatMap((a) => a.events));
    const unalerted = [...errors].filter((event) => !alerted.has(event)).sort();
    expect(unalerted).toEqual(Object.keys(ERROR_EVENTS_COVERED_ELSEWHERE).sort());
    for (const [event, cover] of Object.entries(ERROR_EVENTS_COVERED_ELSEWHERE)) {
      if (cover === 'dashboard') expect(resourcesOf(tf, 'google_logging_metric').has('error_entries'), event).toBe(true);
      else expect(policies().has(cover), `${event} -> ${cover}`).toBe(true);
    }
  });

  test('the webhook publish failures, usage reporter and usage-not-billed alerts watch the services that log those events', () => {
    const alerts = logEventAlerts();
    expect(alerts['webhook_publish_failures']?.events).toEqual(['webhook.publish_failed']);
    expect(alerts['webhook_publish_failures']?.services).toEqual(['${google_cloud_run_v2_service.webhook.name}']);
    expect(alerts['usage_report_failing']?.events).toEqual(['usage_report.run_failed']);
    expect(alerts['usage_report_failing']?.services).toEqual(['${google_cloudfunctions2_function.report_usage.name}']);
    expect(alerts['usage_not_billed']?.services).toEqual([
      '${google_cloudfunctions2_function.report_usage.name}',
      '${google_cloud_run_v2_service.app.name}',
    ]);
    expect(alerts['deployable_cannot_start']?.services).toBe('${local.logging_services}');
    const deployables = [
      ...[...resourcesOf(tf, 'google_cloud_run_v2_service').keys()].map((n) => `\${google_cloud_run_v2_service.${n}.name}`),
      ...[...resourcesOf(tf, 'google_cloudfunctions2_function').keys()].map((n) => `\${google_cloudfunctions2_function.${n}.name}`),
    ];
    expect([...(tf.locals['logging_services'] as string[])].sort()).toEqual(deployables.sort());
  });

  test('5xx rate: webhook and app, 5xx requests over all requests above a tunable percentage', () => {
    const p = policy('http_5xx_rate');
    expect(attr(p, 'for_each')).toEqual({
      webhook: '${google_cloud_run_v2_service.webhook.name}',
      app: '${google_cloud_run_v2_service.app.name}',
    });
    const condition = dig(p, 'conditions', 'condition_threshold');
    expect(str(condition, 'filter')).toContain(
      'metric.type = "run.googleapis.com/request_count" AND metric.labels.response_code_class = "5xx"',
    );
    expect(str(condition, 'denominator_filter')).toContain('metric.type = "run.googleapis.com/request_count"');
    expect(str(condition, 'denominator_filter')).not.toContain('response_code_class');
    expect(str(condition, 'threshold_value')).toBe('${var.http_5xx_percent_alert / 100}');
    expect(attr(tf.variables.get('http_5xx_percent_alert'), 'default')).toBe(5);
  });

  test('messages in the dead-letter subscription alert until it is empty', () => {
    const condition = dig(policy('dead_letters'), 'conditions', 'condition_threshold');
    expect(str(condition, 'filter')).toContain(
      'resource.labels.subscription_id = "${google_pubsub_subscription.stripe_events_dead_letter_inspect.name}"',
    );
    expect(str(condition, 'filter')).toContain('pubsub.googleapis.com/subscription/num_undelivered_messages');
    expect(str(condition, 'comparison')).toBe('COMPARISON_GT');
    expect(attr(condition, 'threshold_value')).toBe(0);
  });

  test('apply lag: an applier backlog older than applier_backlog_alert_seconds alerts', () => {
    const condition = dig(policy('applier_backlog'), 'conditions', 'condition_threshold');
    expect(str(condition, 'filter')).toContain(
      'resource.labels.subscription_id = "${google_pubsub_subscription.stripe_events_applier.name}"',
    );
    expect(str(condition, 'filter')).toContain('pubsub.googleapis.com/subscription/oldest_unacked_message_age');
    expect(str(condition, 'threshold_value')).toBe('${var.applier_backlog_alert_seconds}');
    expect(attr(tf.variables.get('applier_backlog_alert_seconds'), 'default')).toBe(900);
  });

  test('usage reporting that stops finishing runs alerts, counted from the run line report-usage logs', () => {
    const metric = logMetric('usage_report_runs');
    expect(str(metric, 'filter')).toContain('resource.labels.service_name="${google_cloudfunctions2_function.report_usage.name}"');
    expect(filterEvents(str(metric, 'filter') ?? '')).toEqual(['usage_report.run']);
    const absent = dig(policy('usage_reporting_stopped'), 'conditions', 'condition_absent');
    expect(str(absent, 'filter')).toContain('metric.type = "logging.googleapis.com/user/${google_logging_metric.usage_report_runs.name}"');
    expect(str(absent, 'duration')).toBe('900s');
    expect(str(child(absent, 'aggregations'), 'cross_series_reducer')).toBe('REDUCE_SUM');
  });
});

describe('the runbook', () => {
  test('"Alerts and what to do" has a row for every alert policy, by its name', () => {
    const readme = readFileSync(new URL('./README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Alerts and what to do'), readme.indexOf('## Restore Firestore')).toLowerCase();
    const titles = Object.values(logEventAlerts()).map((a) => (a as unknown as { title: string }).title);
    for (const [name, p] of policies()) {
      if (name === 'log_events') continue;
      const title = (str(p, 'display_name') ?? '').replace(/^Billing: /, '');
      if (name === 'http_5xx_rate')
        titles.push(...Object.keys(attr(p, 'for_each') as object).map((key) => title.replace('${each.key}', key)));
      else titles.push(title);
    }
    expect(titles).toHaveLength(13);
    for (const title of titles) expect(section, title).toContain(`**${title.toLowerCase()}**`);
  });
});

describe('uptime check on the webhook', () => {
  test("checks over HTTPS the webhook's own URL on the path its health route answers", () => {
    const check = resource(tf, 'google_monitoring_uptime_check_config', 'webhook_health');
    const http = child(check, 'http_check');
    expect(str(http, 'path')).toBe('${local.health_path}');
    const webhookApp = readFileSync(new URL('../services/webhook/src/app.ts', import.meta.url), 'utf8');
    const healthPath = /export const HEALTH_PATH = '([^']+)'/.exec(webhookApp)?.[1];
    expect(webhookApp).toContain('app.get(HEALTH_PATH');
    expect(tf.locals['health_path']).toBe(healthPath);
    expect(attr(http, 'use_ssl')).toBe(true);
    expect(attr(http, 'port')).toBe(443);
    const monitored = child(check, 'monitored_resource');
    expect(str(monitored, 'type')).toBe('uptime_url');
    expect(attr(monitored, 'labels')).toEqual({
      project_id: '${var.project_id}',
      host: '${trimprefix(google_cloud_run_v2_service.webhook.uri, "https://")}',
    });
  });

  test('its failure alerts, and the webhook keeps an instance so the check starts none', () => {
    const condition = dig(policy('webhook_unreachable'), 'conditions', 'condition_threshold');
    expect(str(condition, 'filter')).toContain('monitoring.googleapis.com/uptime_check/check_passed');
    expect(str(condition, 'filter')).toContain(
      'metric.label.check_id="${google_monitoring_uptime_check_config.webhook_health.uptime_check_id}"',
    );
    const webhookScaling = attr(tf.variables.get('webhook_scaling'), 'default') as { min_instances: number };
    expect(webhookScaling.min_instances).toBeGreaterThanOrEqual(1);
  });
});

describe('dashboard and SLO', () => {
  test('the dashboard charts every log-based metric and the Pub/Sub, Cloud Run and uptime figures', () => {
    const charts = tf.locals['dashboard_charts'] as { title: string; filter: string }[];
    const filters = charts.map((c) => c.filter).join('\n');
    for (const name of resourcesOf(tf, 'google_logging_metric').keys())
      expect(filters, name).toContain(`google_logging_metric.${name}.name`);
    expect(filters).toContain('"num_undelivered_messages", google_pubsub_subscription.stripe_events_dead_letter_inspect.name');
    expect(filters).toContain('"oldest_unacked_message_age", google_pubsub_subscription.stripe_events_applier.name');
    expect(filters).toContain('"request_latencies", google_cloud_run_v2_service.app.name');
    expect(filters).toContain('"request_count", google_cloud_run_v2_service.app.name');
    expect(filters).toContain('"request_latencies", google_cloudfunctions2_function.apply_stripe_event.name');
    expect(filters).toContain('google_monitoring_uptime_check_config.webhook_health.uptime_check_id');
    expect(str(resource(tf, 'google_monitoring_dashboard', 'billing'), 'dashboard_json')).toContain('local.dashboard_charts');
  });

  test('events received, applied and dead-lettered are counted from the lines the webhook and the applier write', () => {
    expect(filterEvents(str(logMetric('stripe_webhook_deliveries'), 'filter') ?? '')).toEqual(
      expect.arrayContaining(['webhook.event_published', 'webhook.publish_failed']),
    );
    expect(filterEvents(str(logMetric('stripe_events_processed'), 'filter') ?? '')).toContain('stripe_event.applied');
    expect(attr(logMetric('stripe_events_processed'), 'label_extractors')).toEqual({
      outcome: 'EXTRACT(jsonPayload.outcome)',
      type: 'EXTRACT(jsonPayload.type)',
    });
    expect(filterEvents(str(logMetric('stripe_events_failed'), 'filter') ?? '')).toEqual([
      'stripe_event.retry',
      'stripe_event.dead_lettered',
    ]);
    expect(filterEvents(str(logMetric('usage_meter_events'), 'filter') ?? '')).toContain('usage_report.sent');
    // The fields the label extractors read are on those lines.
    const applier = readFileSync(new URL('../shared/src/billing/process-event-message.ts', import.meta.url), 'utf8');
    expect(applier).toMatch(/const fields = \{ eventId: event\.id, type: event\.type, created: event\.created, outcome,/);
    const sender = readFileSync(new URL('../shared/src/usage/reporting/send-usage-reports.ts', import.meta.url), 'utf8');
    expect(sender).toContain('eventName: report.eventName');
  });

  test("an SLO on event-applied latency, end to end: events applied within event_applied_slo_ms of Stripe's created", () => {
    const slo = resource(tf, 'google_monitoring_slo', 'event_applied_latency');
    expect(str(slo, 'service')).toBe('${google_monitoring_custom_service.stripe_event_applier.service_id}');
    expect(str(slo, 'goal')).toBe('${var.event_applied_slo_goal}');
    expect(attr(slo, 'rolling_period_days')).toBe(28);
    const cut = dig(slo, 'request_based_sli', 'distribution_cut');
    expect(str(cut, 'distribution_filter')).toBe(
      'metric.type="logging.googleapis.com/user/${google_logging_metric.stripe_event_apply_lag.name}" resource.type="cloud_run_revision"',
    );
    expect(str(child(cut, 'range'), 'max')).toBe('${var.event_applied_slo_ms}');
    expect(attr(child(cut, 'range'), 'min')).toBeUndefined();
    const goal = attr(tf.variables.get('event_applied_slo_goal'), 'default');
    expect(goal).toBeGreaterThan(0.9);
    expect(goal).toBeLessThan(1);
  });

  test('the SLO threshold is a bucket bound of the lag distribution (a distribution counts whole buckets), checked at plan time', () => {
    const bounds = tf.locals['apply_lag_bucket_bounds_ms'] as number[];
    expect(bounds.length).toBeGreaterThan(10);
    for (let i = 1; i < bounds.length; i++) expect(bounds[i], `bound ${i}`).toBeGreaterThan(bounds[i - 1] ?? Infinity);
    expect(bounds).toContain(attr(tf.variables.get('event_applied_slo_ms'), 'default'));
    const precondition = dig(resource(tf, 'google_monitoring_slo', 'event_applied_latency'), 'lifecycle', 'precondition');
    expect(str(precondition, 'condition')).toBe('${contains(local.apply_lag_bucket_bounds_ms, var.event_applied_slo_ms)}');
  });
});

describe('apply lag: from the applied line to the dashboard and the SLO', () => {
  const lagMetrics = { stripe_event_apply_lag: 'applyLagMs', stripe_event_publish_lag: 'publishLagMs' } as const;

  test.each(Object.entries(lagMetrics))(
    "%s: a distribution in ms of %s, from the applier's stripe_event.applied lines without duplicates",
    (name, field) => {
      const metric = logMetric(name);
      const filter = str(metric, 'filter') ?? '';
      expect(filter).toContain('resource.labels.service_name="${google_cloudfunctions2_function.apply_stripe_event.name}"');
      expect(filterEvents(filter)).toEqual(['stripe_event.applied']);
      // A redelivery of an event applied earlier carries no lag, and would not be the event's.
      expect(filter).toContain('jsonPayload.outcome!="duplicate"');
      expect(str(metric, 'value_extractor')).toBe(`EXTRACT(jsonPayload.${field})`);
      expect(attr(child(metric, 'metric_descriptor'), 'value_type')).toBe('DISTRIBUTION');
      expect(attr(child(metric, 'metric_descriptor'), 'metric_kind')).toBe('DELTA');
      expect(attr(child(metric, 'metric_descriptor'), 'unit')).toBe('ms');
      expect(str(dig(metric, 'bucket_options', 'explicit_buckets'), 'bounds')).toBe('${local.apply_lag_bucket_bounds_ms}');
    },
  );

  test('the applier writes those fields on that line, leaving them out for duplicates', () => {
    const applier = readFileSync(new URL('../shared/src/billing/process-event-message.ts', import.meta.url), 'utf8');
    expect(applier).toContain("const lag = outcome === 'duplicate' ? {} : applyLag(event.created, message.publishTime, deps.clock.now());");
    expect(applier).toContain("logger.info({ event: 'stripe_event.applied', ...fields, ...lag }");
    // applyLag() returns the fields by these names (its own test checks the values).
    expect(applier).toContain('{ applyLagMs, publishLagMs: ');
  });

  test('the dashboard charts the apply lag p99 against the SLO threshold, and our own share of it', () => {
    const charts = tf.locals['dashboard_charts'] as { title: string; filter: string; aligner: string; reducer: string }[];
    const chartOf = (metric: string) => charts.find((c) => c.filter.includes(`google_logging_metric.${metric}.name`));
    const applyLag = chartOf('stripe_event_apply_lag');
    expect(applyLag?.title).toMatch(/^Apply lag: Stripe event created to applied, p99 .*\$\{var\.event_applied_slo_ms\}/);
    for (const chart of [applyLag, chartOf('stripe_event_publish_lag')]) {
      expect(chart?.aligner).toBe('ALIGN_DELTA');
      expect(chart?.reducer).toBe('REDUCE_PERCENTILE_99');
    }
  });
});

describe('audit lines to BigQuery', () => {
  test('a sink of the admin.audit lines into its own dataset, written by its own identity with data editor on that dataset only', () => {
    const sink = resource(tf, 'google_logging_project_sink', 'audit');
    expect(str(sink, 'filter')).toBe('jsonPayload.event="admin.audit"');
    expect(str(sink, 'destination')).toBe(
      'bigquery.googleapis.com/projects/${var.project_id}/datasets/${google_bigquery_dataset.audit.dataset_id}',
    );
    expect(attr(sink, 'unique_writer_identity')).toBe(true);
    const grant = resource(tf, 'google_bigquery_dataset_iam_member', 'audit_sink_writer');
    expect(str(grant, 'dataset_id')).toBe('${google_bigquery_dataset.audit.dataset_id}');
    expect(str(grant, 'role')).toBe('roles/bigquery.dataEditor');
    expect(str(grant, 'member')).toBe('${google_logging_project_sink.audit.writer_identity}');
    expect(resourcesOf(tf, 'google_bigquery_dataset_iam_member').size).toBe(1);
    expect(attr(resource(tf, 'google_bigquery_dataset', 'audit'), 'delete_contents_on_destroy')).toBe(false);
    expect(tf.locals['apis']).toContain('bigquery.googleapis.com');
  });
});
