// Offline invariants of infra/terraform: parsed with @cdktf/hcl2json, no cloud account needed.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { Collection } from '@billing/shared/model/collections.js';
import { PLANS } from '@billing/shared/plans/catalog.js';
import { FunctionConfigSchema } from '../functions/src/config.js';
import { ReportUsageConfigSchema } from '../functions/src/report-usage/config.js';
import { TRACING_MODES } from '@billing/shared/tracing/start-tracing.js';
import { AppConfigSchema } from '../services/app/src/config.js';
import { WebhookConfigSchema } from '../services/webhook/src/config.js';
import { COMPILE_CACHE_DIR } from './scripts/prepare-deploy-dir.js';
import {
  TERRAFORM_DIR,
  attr,
  child,
  children,
  dig,
  readTerraform,
  resource,
  resourcesOf,
  str,
  type Block,
  type TerraformConfig,
} from './terraform-config.js';

let tf: TerraformConfig;
beforeAll(async () => {
  tf = await readTerraform();
});

/** Every role this project may grant. Nothing owner/editor/*.admin; each entry is justified in iam.tf. */
const ALLOWED_ROLES = new Set([
  'roles/datastore.user',
  'roles/pubsub.publisher',
  'roles/pubsub.subscriber',
  'roles/secretmanager.secretAccessor',
  'roles/run.invoker',
  'roles/iap.httpsResourceAccessor',
  'roles/iam.serviceAccountTokenCreator', // Pub/Sub agent on the push identity only
  'roles/iam.serviceAccountUser', // deployer on the runtime accounts only
  'roles/run.developer',
  'roles/cloudfunctions.developer',
  'roles/artifactregistry.writer',
  'roles/logging.logWriter',
  'roles/datastore.indexAdmin',
  'roles/storage.objectViewer', // function builder, on the function source buckets only (an IAM condition)
  'roles/bigquery.dataEditor', // audit sink writer, on the audit dataset only
  'roles/cloudtrace.agent', // the runtimes, when var.tracing is cloud-trace
  '${google_project_iam_custom_role.firestore_rules_deployer.id}',
]);
const PROJECT_LEVEL_ROLES = new Set([
  'roles/datastore.user',
  'roles/run.developer',
  'roles/cloudfunctions.developer',
  'roles/logging.logWriter',
  'roles/datastore.indexAdmin',
  'roles/storage.objectViewer', // only with the condition checked in 'function builds'
  'roles/cloudtrace.agent', // Cloud Trace has no narrower resource to grant on
  '${google_project_iam_custom_role.firestore_rules_deployer.id}',
]);

const run = (name: string) => resource(tf, 'google_cloud_run_v2_service', name);
const fn = (name: string) => resource(tf, 'google_cloudfunctions2_function', name);

/** All IAM grants: [type.name, block]. */
function grants(): [string, Block][] {
  const out: [string, Block][] = [];
  for (const [type, byName] of tf.resources) {
    if (!/_iam_(member|binding)$/.test(type)) continue;
    for (const [name, block] of byName) out.push([`${type}.${name}`, block]);
  }
  return out;
}

function invokersOf(serviceRef: string): string[] {
  return [...resourcesOf(tf, 'google_cloud_run_v2_service_iam_member').values()]
    .filter((b) => (str(b, 'name') ?? '').includes(serviceRef) && str(b, 'role') === 'roles/run.invoker')
    .map((b) => str(b, 'member') ?? '');
}

function containerEnv(service: Block): Block[] {
  return children(dig(service, 'template', 'containers'), 'env');
}

const SECRETISH = /SECRET|KEY|TOKEN|PASSWORD|WHSEC/i;

describe('webhook service', () => {
  test('is public: ingress from anywhere, invoker check off (no allUsers grant), and IAP is off', () => {
    const webhook = run('webhook');
    expect(str(webhook, 'ingress')).toBe('INGRESS_TRAFFIC_ALL');
    expect(attr(webhook, 'iap_enabled') ?? false).toBe(false);
    expect(attr(webhook, 'invoker_iam_disabled')).toBe(true);
    expect(invokersOf('google_cloud_run_v2_service.webhook.name')).toEqual([]);
  });
});

describe('app service and its load balancer', () => {
  const backend = (name: string) => resource(tf, 'google_compute_backend_service', name);
  const urlMap = () => resource(tf, 'google_compute_url_map', 'app');
  /** The backend a URL map entry names, from its "${google_compute_backend_service.X.id}" reference. */
  const backendName = (ref: string | undefined) => /^\$\{google_compute_backend_service\.([a-z_]+)\.id\}$/.exec(ref ?? '')?.[1];

  test('no IAP on the Cloud Run service (it would block /v1 too); ingress admits only the load balancer', () => {
    const app = run('app');
    expect(attr(app, 'iap_enabled') ?? false).toBe(false);
    expect(str(app, 'ingress')).toBe('INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER');
  });

  test('the default backend has IAP enabled, with a Google-managed OAuth client (no client secret in Terraform)', () => {
    const iap = child(backend('app'), 'iap');
    expect(attr(iap, 'enabled')).toBe(true);
    expect(attr(iap, 'oauth2_client_secret')).toBeUndefined();
  });

  test('the /v1 backend has no IAP and serves the same serverless NEG', () => {
    const api = backend('app_api');
    const iap = child(api, 'iap');
    expect(iap === undefined || attr(iap, 'enabled') === false).toBe(true);
    const neg = '${google_compute_region_network_endpoint_group.app.id}';
    expect(str(child(api, 'backend'), 'group')).toBe(neg);
    expect(str(child(backend('app'), 'backend'), 'group')).toBe(neg);
    expect(str(dig(resource(tf, 'google_compute_region_network_endpoint_group', 'app'), 'cloud_run'), 'service')).toBe(
      '${local.app_service_name}',
    );
    expect(tf.locals['app_service_name']).toBe('app');
    expect(str(run('app'), 'name')).toBe('${local.app_service_name}');
  });

  test('the URL map sends only /v1/* to the backend without IAP; everything else goes to the IAP backend', () => {
    const map = urlMap();
    expect(backendName(str(map, 'default_service'))).toBe('app');
    const matchers = children(map, 'path_matcher');
    expect(matchers).toHaveLength(1);
    const matcher = matchers[0];
    expect(backendName(str(matcher, 'default_service'))).toBe('app');
    expect(str(child(map, 'host_rule'), 'path_matcher')).toBe(str(matcher, 'name'));
    // No other routing constructs that could send traffic elsewhere.
    expect(children(matcher, 'route_rules')).toEqual([]);
    expect(child(map, 'default_route_action')).toBeUndefined();
    const rules = children(matcher, 'path_rule');
    expect(rules).toHaveLength(1);
    expect(backendName(str(rules[0], 'service'))).toBe('app_api');
    expect(str(rules[0], 'paths')).toBe('${local.app_api_key_paths}');
    expect(tf.locals['app_api_key_paths']).toEqual(['/v1/*']);
    // Every backend without IAP is reachable only through that rule.
    for (const [name, b] of resourcesOf(tf, 'google_compute_backend_service')) {
      if (attr(child(b, 'iap'), 'enabled') === true) continue;
      expect(name).toBe('app_api');
    }
  });

  test('IAP_AUDIENCE is /projects/NUMBER/global/backendServices/ID of the IAP backend, and is output', () => {
    const audience = tf.locals['app_iap_audience'];
    expect(audience).toBe(
      '/projects/${data.google_project.this.number}/global/backendServices/${google_compute_backend_service.app.generated_id}',
    );
    const env = containerEnv(run('app')).find((e) => str(e, 'name') === 'IAP_AUDIENCE');
    expect(str(env, 'value')).toBe('${local.app_iap_audience}');
    expect(str(tf.outputs.get('app_iap_audience'), 'value')).toBe('${local.app_iap_audience}');
  });

  test('no dependency cycle: the NEG and the backends do not reference the Cloud Run app service', () => {
    for (const block of [resource(tf, 'google_compute_region_network_endpoint_group', 'app'), backend('app'), backend('app_api')]) {
      expect(JSON.stringify(block)).not.toContain('google_cloud_run_v2_service.app');
    }
  });

  test('invoker: check disabled for the non-IAP /v1 path, no allUsers grant; the IAP service agent and the listed service accounts are the only invokers', () => {
    // Requests through the /v1 backend carry no Google identity, and Cloud Run's invoker check is
    // per service: the check is off instead of granting run.invoker to allUsers (infra/README.md).
    expect(attr(run('app'), 'invoker_iam_disabled')).toBe(true);
    const invokers = invokersOf('google_cloud_run_v2_service.app.name');
    expect([...invokers].sort()).toEqual(['serviceAccount:${each.value}', 'serviceAccount:${google_project_service_identity.iap.email}']);
    expect(resource(tf, 'google_cloud_run_v2_service_iam_member', 'app_invoked_by_services')['for_each']).toBe(
      '${toset(var.service_accounts)}',
    );
    for (const [id, block] of grants()) {
      expect(str(block, 'member'), id).not.toMatch(/^all(Users|AuthenticatedUsers)$/);
    }
  });

  test('iap_members get the IAP accessor role on the IAP backend only', () => {
    const users = resource(tf, 'google_iap_web_backend_service_iam_member', 'app_users');
    expect(str(users, 'web_backend_service')).toBe('${google_compute_backend_service.app.name}');
    expect(str(users, 'role')).toBe('roles/iap.httpsResourceAccessor');
    expect(str(users, 'member')).toBe('${each.value}');
    expect(resourcesOf(tf, 'google_iap_web_cloud_run_service_iam_member').size).toBe(0);
  });
});

describe('Cloud Armor ceilings at the load balancer (per API key, per client IP)', () => {
  const policyRef = '${google_compute_security_policy.app.id}';
  const policy = () => resource(tf, 'google_compute_security_policy', 'app');
  const rules = () => children(policy(), 'rule');
  const limits = (rule: Block | undefined) => child(rule, 'rate_limit_options');
  const threshold = (rule: Block | undefined) => child(limits(rule), 'rate_limit_threshold');
  const ruleKeyedOn = (key: string) => {
    const found = rules().filter((r) => str(limits(r), 'enforce_on_key') === key);
    expect(found, `one rule keyed on ${key}`).toHaveLength(1);
    return found[0];
  };
  const defaultOf = (name: string) => attr(tf.variables.get(name), 'default');

  test('one backend security policy on every backend service, /v1 and the IAP backend alike', () => {
    expect(str(policy(), 'type')).toBe('CLOUD_ARMOR');
    const backends = resourcesOf(tf, 'google_compute_backend_service');
    expect([...backends.keys()].sort()).toEqual(['app', 'app_api']);
    for (const [name, b] of backends) expect(str(b, 'security_policy'), name).toBe(policyRef);
  });

  test('requests with an Authorization header are throttled per header value (per API key), with 429, at a tunable ceiling', () => {
    const perKey = ruleKeyedOn('HTTP_HEADER');
    expect(str(perKey, 'action')).toBe('throttle');
    expect(str(dig(perKey, 'match', 'expr'), 'expression')).toBe("has(request.headers['authorization'])");
    expect(str(limits(perKey), 'enforce_on_key_name')).toBe('Authorization');
    expect(str(limits(perKey), 'conform_action')).toBe('allow');
    expect(str(limits(perKey), 'exceed_action')).toBe('deny(429)');
    expect(str(threshold(perKey), 'count')).toBe('${var.edge_requests_per_minute_per_authorization}');
    expect(attr(threshold(perKey), 'interval_sec')).toBe(60);
  });

  test('every other request is throttled per client IP, with 429, at a tunable ceiling', () => {
    const perIp = ruleKeyedOn('IP');
    expect(str(perIp, 'action')).toBe('throttle');
    expect(str(dig(perIp, 'match'), 'versioned_expr')).toBe('SRC_IPS_V1');
    expect(attr(dig(perIp, 'match', 'config'), 'src_ip_ranges')).toEqual(['*']);
    expect(str(limits(perIp), 'conform_action')).toBe('allow');
    expect(str(limits(perIp), 'exceed_action')).toBe('deny(429)');
    expect(str(threshold(perIp), 'count')).toBe('${var.edge_requests_per_minute_per_client_ip}');
    expect(attr(threshold(perIp), 'interval_sec')).toBe(60);
  });

  test('rule order: the per-key rule first (Cloud Armor applies only the first matching rule), then per IP, then the default allow', () => {
    const priority = (r: Block | undefined) => Number(attr(r, 'priority'));
    expect(priority(ruleKeyedOn('HTTP_HEADER'))).toBeLessThan(priority(ruleKeyedOn('IP')));
    const all = rules().map(priority);
    expect(new Set(all).size).toBe(all.length);
    const last = rules().find((r) => priority(r) === 2147483647);
    expect(str(last, 'action')).toBe('allow');
    expect(attr(dig(last, 'match', 'config'), 'src_ip_ranges')).toEqual(['*']);
    expect(Math.max(...all)).toBe(2147483647);
    // Nothing else refuses traffic here: authentication stays with IAP and the app.
    expect(
      rules()
        .map((r) => str(r, 'action'))
        .sort(),
    ).toEqual(['allow', 'throttle', 'throttle']);
  });

  test("the default ceilings sit above what any plan lets one user do, and within Cloud Armor's bounds", () => {
    const highestPlanLimit = Math.max(...Object.values(PLANS).map((p) => p.rateLimitPerMinute));
    const perKey = defaultOf('edge_requests_per_minute_per_authorization');
    const perIp = defaultOf('edge_requests_per_minute_per_client_ip');
    expect(perKey).toBeGreaterThan(highestPlanLimit); // the app's plan limit stays the one a customer meets
    for (const v of [perKey, perIp]) {
      expect(typeof v).toBe('number');
      expect(v).toBeGreaterThanOrEqual(1);
      expect(v).toBeLessThanOrEqual(1_000_000);
    }
    expect(str(tf.outputs.get('app_security_policy'), 'value')).toBe('${google_compute_security_policy.app.name}');
  });
});

describe('health', () => {
  test.each(['webhook', 'app'])('%s: a startup probe on GET /health (not /healthz, which Cloud Run reserves)', (name) => {
    const probe = dig(run(name), 'template', 'containers', 'startup_probe');
    expect(str(child(probe, 'http_get'), 'path')).toBe('${local.health_path}');
    expect(tf.locals['health_path']).toBe('/health');
  });

  test('the services really answer that path', () => {
    const webhook = readFileSync(new URL('../services/webhook/src/app.ts', import.meta.url), 'utf8');
    const app = readFileSync(new URL('../services/app/src/app.ts', import.meta.url), 'utf8');
    expect(webhook).toMatch(/HEALTH_PATH = '\/health'/);
    expect(app).toContain("app.get('/health'");
  });
});

describe('Stripe events pipeline', () => {
  const feedingSubscription = (): Block => {
    const subs = [...resourcesOf(tf, 'google_pubsub_subscription').values()].filter((s) =>
      (str(dig(s, 'push_config'), 'push_endpoint') ?? '').includes('google_cloudfunctions2_function.apply_stripe_event'),
    );
    expect(subs).toHaveLength(1);
    return subs[0] ?? {};
  };

  test('the subscription that feeds the applier reads stripe-events and pushes with an OIDC identity', () => {
    const sub = feedingSubscription();
    expect(str(sub, 'name')).toBe('stripe-events-applier');
    expect(str(sub, 'topic')).toBe('${google_pubsub_topic.stripe_events.id}');
    expect(str(resource(tf, 'google_pubsub_topic', 'stripe_events'), 'name')).toBe('stripe-events');
    expect(str(dig(sub, 'push_config', 'oidc_token'), 'service_account_email')).toMatch(/google_service_account\.sa\["pubsub_push"\]/);
  });

  test("it delivers one customer's events one at a time (the webhook publishes with the customer id as ordering key)", () => {
    expect(attr(feedingSubscription(), 'enable_message_ordering')).toBe(true);
  });

  test('it has a dead-letter policy with a bounded number of delivery attempts, and a retry policy', () => {
    const sub = feedingSubscription();
    const dlq = child(sub, 'dead_letter_policy');
    expect(str(dlq, 'dead_letter_topic')).toBe('${google_pubsub_topic.stripe_events_dead_letter.id}');
    expect(str(resource(tf, 'google_pubsub_topic', 'stripe_events_dead_letter'), 'name')).toBe('stripe-events-dead-letter');
    expect(str(dlq, 'max_delivery_attempts')).toBe('${var.dead_letter_max_delivery_attempts}');
    const attempts = attr(tf.variables.get('dead_letter_max_delivery_attempts'), 'default');
    expect(attempts).toBeGreaterThanOrEqual(5);
    expect(attempts).toBeLessThanOrEqual(100);
    const retry = child(sub, 'retry_policy');
    expect(str(retry, 'minimum_backoff')).toMatch(/^\d+s$/);
    expect(str(retry, 'maximum_backoff')).toMatch(/^\d+s$/);
  });

  test('the dead-letter topic has a pull subscription to inspect and replay from', () => {
    const inspect = resource(tf, 'google_pubsub_subscription', 'stripe_events_dead_letter_inspect');
    expect(str(inspect, 'name')).toBe('stripe-events-dead-letter-inspect');
    expect(str(inspect, 'topic')).toBe('${google_pubsub_topic.stripe_events_dead_letter.id}');
    expect(child(inspect, 'push_config')).toBeUndefined();
  });

  test('the Pub/Sub service agent can publish to the dead-letter topic and ack on the source subscription', () => {
    const pub = resource(tf, 'google_pubsub_topic_iam_member', 'dead_letter_publisher_pubsub_agent');
    expect(str(pub, 'topic')).toContain('stripe_events_dead_letter');
    expect(str(pub, 'role')).toBe('roles/pubsub.publisher');
    expect(str(pub, 'member')).toBe('${local.pubsub_service_agent}');
    const sub = resource(tf, 'google_pubsub_subscription_iam_member', 'applier_subscriber_pubsub_agent');
    expect(str(sub, 'subscription')).toContain('stripe_events_applier');
    expect(str(sub, 'role')).toBe('roles/pubsub.subscriber');
  });

  test('the applier is a gen2 Node 24 function with entry point applyStripeEvent, invocable only by the push identity', () => {
    const applier = fn('apply_stripe_event');
    expect(str(child(applier, 'build_config'), 'runtime')).toBe('nodejs24');
    expect(str(child(applier, 'build_config'), 'entry_point')).toBe('applyStripeEvent');
    expect(invokersOf('google_cloudfunctions2_function.apply_stripe_event.name')).toEqual([
      'serviceAccount:${google_service_account.sa["pubsub_push"].email}',
    ]);
  });
});

describe('usage reporting', () => {
  test('a scheduler job ticks every minute on usage-report-tick, which triggers reportUsage without retries', () => {
    const job = resource(tf, 'google_cloud_scheduler_job', 'usage_report_tick');
    expect(str(job, 'schedule')).toBe('* * * * *');
    expect(str(child(job, 'pubsub_target'), 'topic_name')).toBe('${google_pubsub_topic.usage_report_tick.id}');
    expect(str(resource(tf, 'google_pubsub_topic', 'usage_report_tick'), 'name')).toBe('usage-report-tick');
    const reporter = fn('report_usage');
    expect(str(child(reporter, 'build_config'), 'runtime')).toBe('nodejs24');
    expect(str(child(reporter, 'build_config'), 'entry_point')).toBe('reportUsage');
    const trigger = child(reporter, 'event_trigger');
    expect(str(trigger, 'pubsub_topic')).toBe('${google_pubsub_topic.usage_report_tick.id}');
    // The next tick is the retry (functions/src/report-usage/register.ts never throws into a redelivery).
    expect(str(trigger, 'retry_policy')).toBe('RETRY_POLICY_DO_NOT_RETRY');
    expect(str(job, 'schedule')).toBe('* * * * *');
    expect(attr(child(job, 'retry_config'), 'retry_count')).toBe(0);
  });

  test('report-usage runs as its own account, invocable only by the trigger identity, which the deployer may act as', () => {
    const reporter = fn('report_usage');
    expect(str(child(reporter, 'service_config'), 'service_account_email')).toBe('${google_service_account.sa["usage_reporter"].email}');
    expect(str(child(reporter, 'event_trigger'), 'service_account_email')).toBe('${google_service_account.sa["eventarc_invoker"].email}');
    expect(invokersOf('google_cloudfunctions2_function.report_usage.name')).toEqual([
      'serviceAccount:${google_service_account.sa["eventarc_invoker"].email}',
    ]);
    expect(tf.locals['deployable_runtimes']).toBe(
      '${toset(["webhook", "app", "applier", "usage_reporter", "eventarc_invoker", "functions_builder"])}',
    );
  });
});

describe('service accounts and roles', () => {
  test('every service and function runs as its own service account', () => {
    const identities = [
      ...[...resourcesOf(tf, 'google_cloud_run_v2_service').values()].map((s) => str(child(s, 'template'), 'service_account')),
      ...[...resourcesOf(tf, 'google_cloudfunctions2_function').values()].map((f) =>
        str(child(f, 'service_config'), 'service_account_email'),
      ),
    ];
    expect(identities).toHaveLength(4);
    for (const id of identities) expect(id).toMatch(/^\$\{google_service_account\.sa\["[a-z_]+"\]\.email\}$/);
    expect(new Set(identities).size).toBe(identities.length);
  });

  test('no role broader than the allow-list; nothing owner, editor or *.admin; no authoritative bindings', () => {
    const all = grants();
    expect(all.length).toBeGreaterThan(10);
    for (const [id, block] of all) {
      const role = str(block, 'role') ?? '';
      expect(ALLOWED_ROLES, `${id} grants ${role}`).toContain(role);
      expect(role, id).not.toMatch(/^roles\/(owner|editor|viewer)$|\.admin$|^roles\/[a-z]+\.admin/);
      expect(id, 'use *_iam_member, not authoritative bindings/policies').not.toMatch(/_iam_(binding|policy)\./);
    }
    for (const [id, block] of resourcesOf(tf, 'google_project_iam_member')) {
      expect(PROJECT_LEVEL_ROLES, `google_project_iam_member.${id} should be on the resource, not the project`).toContain(
        str(block, 'role'),
      );
    }
  });

  test('the custom rules-deployer role lists exact permissions, none deleting anything', () => {
    const perms = attr(resource(tf, 'google_project_iam_custom_role', 'firestore_rules_deployer'), 'permissions');
    expect(Array.isArray(perms)).toBe(true);
    for (const p of perms as unknown[]) {
      expect(p).toMatch(/^[a-z]+\.[a-zA-Z]+\.[a-zA-Z]+$/);
      expect(p).not.toMatch(/\*|delete|setIamPolicy/);
    }
  });

  test('the matrix: webhook publishes to stripe-events only and reads only the webhook secret', () => {
    const publish = [...resourcesOf(tf, 'google_pubsub_topic_iam_member').values()].filter((b) =>
      (str(b, 'member') ?? '').includes('sa["webhook"]'),
    );
    expect(publish.map((b) => str(b, 'topic'))).toEqual(['${google_pubsub_topic.stripe_events.name}']);
    expect(tf.locals['secret_readers']).toEqual({
      webhook_reads_webhook_secret: { sa: 'webhook', secret: 'stripe_webhook_secret' },
      app_reads_stripe_key: { sa: 'app', secret: 'stripe_secret_key' },
      applier_reads_stripe_key: { sa: 'applier', secret: 'stripe_secret_key' },
      usage_reporter_reads_stripe_key: { sa: 'usage_reporter', secret: 'stripe_secret_key' },
    });
    expect(str(resource(tf, 'google_secret_manager_secret_iam_member', 'accessor'), 'for_each')).toBe('${local.secret_readers}');
  });
});

describe("the operator console's pipeline view (dead letters)", () => {
  const appEnv = (name: string) =>
    str(
      containerEnv(run('app')).find((e) => str(e, 'name') === name),
      'value',
    );
  const appGrants = () =>
    grants()
      .filter(([, b]) => str(b, 'member') === 'serviceAccount:${google_service_account.sa["app"].email}')
      .map(([id, b]) => `${id} ${str(b, 'role')}`)
      .sort();
  type DefaultOf = { in: { shape: Record<string, { parse(value: unknown): unknown }> } };
  const appDefault = (key: string) => (AppConfigSchema as unknown as DefaultOf).in.shape[key]?.parse(undefined);

  test('the app is told the inspect subscription and the events topic Terraform creates, under the keys its config reads', () => {
    expect(appEnv('DEAD_LETTER_SUBSCRIPTION')).toBe('${google_pubsub_subscription.stripe_events_dead_letter_inspect.name}');
    expect(appEnv('PUBSUB_TOPIC')).toBe('${google_pubsub_topic.stripe_events.name}');
    // Its defaults name the same resources, so a local run and production agree.
    expect(appDefault('DEAD_LETTER_SUBSCRIPTION')).toBe(
      str(resource(tf, 'google_pubsub_subscription', 'stripe_events_dead_letter_inspect'), 'name'),
    );
    expect(appDefault('PUBSUB_TOPIC')).toBe(str(resource(tf, 'google_pubsub_topic', 'stripe_events'), 'name'));
    const compose = readFileSync(new URL('../services/app/src/compose-app.ts', import.meta.url), 'utf8');
    expect(compose).toContain('subscription: config.deadLetters.subscription');
    expect(compose).toContain('topic: config.deadLetters.topic');
  });

  test('the app holds subscriber on that subscription and publisher on that topic, nothing broader', () => {
    const sub = resource(tf, 'google_pubsub_subscription_iam_member', 'app_reads_dead_letters');
    expect(str(sub, 'subscription')).toBe('${google_pubsub_subscription.stripe_events_dead_letter_inspect.name}');
    expect(str(sub, 'role')).toBe('roles/pubsub.subscriber');
    const pub = resource(tf, 'google_pubsub_topic_iam_member', 'app_replays_dead_letters');
    expect(str(pub, 'topic')).toBe('${google_pubsub_topic.stripe_events.name}');
    expect(str(pub, 'role')).toBe('roles/pubsub.publisher');
    // Every grant naming the app's account itself (the shared ones, Firestore, its secret and the
    // trace agent, go through the lists in iam.tf's locals, checked elsewhere).
    expect(appGrants()).toEqual([
      'google_pubsub_subscription_iam_member.app_reads_dead_letters roles/pubsub.subscriber',
      'google_pubsub_topic_iam_member.app_replays_dead_letters roles/pubsub.publisher',
    ]);
    expect(resourcesOf(tf, 'google_pubsub_subscription_iam_member').size).toBe(2); // this one and the Pub/Sub agent's
  });
});

describe('tracing', () => {
  const tracingEnv = (service: string) =>
    str(
      containerEnv(run(service)).find((e) => str(e, 'name') === 'TRACING'),
      'value',
    );

  test('every deployable is told TRACING from the one tracing variable, which offers exactly the modes the code reads', () => {
    expect(tracingEnv('webhook')).toBe('${var.tracing}');
    expect(tracingEnv('app')).toBe('${var.tracing}');
    expect((tf.locals['function_env'] as Record<string, unknown>)['TRACING']).toBe('${var.tracing}');
    for (const schema of [WebhookConfigSchema, AppConfigSchema, FunctionConfigSchema, ReportUsageConfigSchema])
      expect(Object.keys((schema as unknown as { in: { shape: object } }).in.shape)).toContain('TRACING');
    const variable = tf.variables.get('tracing');
    expect(attr(variable, 'default')).toBe('cloud-trace');
    const condition = str(child(variable, 'validation'), 'condition') ?? '';
    const offered = /contains\((\[[^\]]*\]), var\.tracing\)/.exec(condition)?.[1];
    expect(JSON.parse(offered ?? 'null')).toEqual([...TRACING_MODES]);
  });

  test("the functions run as the services' image does: source maps on, and Node's compile cache where their source's gcp-build leaves it (the buildpack's /workspace)", () => {
    const env = tf.locals['function_env'] as Record<string, unknown>;
    expect(env['NODE_OPTIONS']).toBe('--enable-source-maps');
    expect(readFileSync(path.join(TERRAFORM_DIR, '../../services/Dockerfile'), 'utf8')).toMatch(/NODE_OPTIONS=--enable-source-maps/);
    expect(env['NODE_COMPILE_CACHE']).toBe(`/workspace/${COMPILE_CACHE_DIR}`);
  });

  test("with cloud-trace, each deployable's own account gets roles/cloudtrace.agent; with any other mode, no account does", () => {
    const agent = resource(tf, 'google_project_iam_member', 'trace_agent');
    expect(str(agent, 'role')).toBe('roles/cloudtrace.agent');
    expect(str(agent, 'member')).toBe('serviceAccount:${google_service_account.sa[each.value].email}');
    expect(str(agent, 'for_each')).toBe('${var.tracing == "cloud-trace" ? local.trace_writers : toset([])}');
    const runtimes = [
      ...[...resourcesOf(tf, 'google_cloud_run_v2_service').values()].map((s) => str(child(s, 'template'), 'service_account')),
      ...[...resourcesOf(tf, 'google_cloudfunctions2_function').values()].map((f) =>
        str(child(f, 'service_config'), 'service_account_email'),
      ),
    ].map((ref) => /sa\["([a-z_]+)"\]/.exec(ref ?? '')?.[1]);
    const writers = /^\$\{toset\((\[.*\])\)\}$/.exec(str(tf.locals, 'trace_writers') ?? '')?.[1];
    expect((JSON.parse(writers ?? 'null') as string[]).sort()).toEqual([...runtimes].sort());
    expect(tf.locals['apis']).toContain('cloudtrace.googleapis.com');
  });
});

describe('secrets', () => {
  test('every secret-looking env var of a Cloud Run service comes from Secret Manager', () => {
    let fromSecretManager = 0;
    for (const [name, service] of resourcesOf(tf, 'google_cloud_run_v2_service')) {
      for (const env of containerEnv(service)) {
        const ref = dig(env, 'value_source', 'secret_key_ref');
        if (SECRETISH.test(str(env, 'name') ?? '')) {
          expect(attr(env, 'value'), `${name}.${str(env, 'name')}`).toBeUndefined();
          expect(str(ref, 'secret'), `${name}.${str(env, 'name')}`).toMatch(
            /^\$\{google_secret_manager_secret\.secret\["[a-z_]+"\]\.secret_id\}$/,
          );
        }
        if (ref) fromSecretManager += 1;
      }
    }
    expect(fromSecretManager).toBe(2);
  });

  test('functions take secrets from Secret Manager, never from plain environment variables', () => {
    for (const [name, f] of resourcesOf(tf, 'google_cloudfunctions2_function')) {
      const config = child(f, 'service_config');
      const secretEnv = children(config, 'secret_environment_variables');
      expect(
        secretEnv.map((s) => str(s, 'key')),
        name,
      ).toEqual(['STRIPE_SECRET_KEY']);
      const plain = str(config, 'environment_variables') ?? '';
      expect(plain).toBe('${local.function_env}');
      const locals = tf.locals['function_env'];
      expect(Object.keys(locals as object).filter((k) => SECRETISH.test(k))).toEqual([]);
    }
  });

  test('no secret version or secret data is in Terraform, and no variable carries one', () => {
    expect(resourcesOf(tf, 'google_secret_manager_secret_version').size).toBe(0);
    for (const file of readdirSync(TERRAFORM_DIR).filter((f) => f.endsWith('.tf') || f.endsWith('.tfvars'))) {
      const source = readFileSync(path.join(TERRAFORM_DIR, file), 'utf8');
      expect(source, file).not.toMatch(/secret_data|\b(sk|rk)_(live|test)_[A-Za-z0-9]{8,}|whsec_[A-Za-z0-9]{8,}/);
    }
    for (const name of tf.variables.keys()) expect(name).not.toMatch(SECRETISH);
    expect([...resourcesOf(tf, 'google_secret_manager_secret').values()].map((s) => str(s, 'for_each'))).toEqual(['${local.secrets}']);
    expect(tf.locals['secrets']).toEqual({ stripe_secret_key: 'stripe-secret-key', stripe_webhook_secret: 'stripe-webhook-secret' });
  });
});

describe('configuration of each deployable', () => {
  /** A config schema (an env object piped into its transform), seen only as far as this test needs. */
  type EnvSchema = { in: { shape: Record<string, { safeParse(value: unknown): { success: boolean } }> } };
  /** The variables a deployable cannot start without: those with neither a default nor `.optional()`. */
  const requiredVars = (schema: EnvSchema) =>
    Object.keys(schema.in.shape).filter((key) => !schema.in.shape[key]?.safeParse(undefined).success);
  const functionEnv = () => [
    ...Object.keys(tf.locals['function_env'] as object),
    ...children(child(fn('apply_stripe_event'), 'service_config'), 'secret_environment_variables').map((s) => str(s, 'key')),
  ];
  const serviceEnv = (name: string) => containerEnv(run(name)).map((e) => str(e, 'name'));

  test.each([
    ['webhook', WebhookConfigSchema, () => serviceEnv('webhook')],
    ['app', AppConfigSchema, () => serviceEnv('app')],
    ['apply-stripe-event', FunctionConfigSchema, functionEnv],
    ['report-usage', ReportUsageConfigSchema, functionEnv],
  ] as const)('%s: Terraform sets every variable its config requires', (_name, schema, env) => {
    expect(requiredVars(schema)).toContain('STRIPE_LIVEMODE');
    expect(env()).toEqual(expect.arrayContaining(requiredVars(schema)));
  });

  test('every deployable is told STRIPE_LIVEMODE from the one stripe_livemode variable (the keys must match it)', () => {
    for (const name of ['webhook', 'app']) {
      expect(
        str(
          containerEnv(run(name)).find((e) => str(e, 'name') === 'STRIPE_LIVEMODE'),
          'value',
        ),
        name,
      ).toBe('${tostring(var.stripe_livemode)}');
    }
    expect((tf.locals['function_env'] as Record<string, unknown>)['STRIPE_LIVEMODE']).toBe('${tostring(var.stripe_livemode)}');
    for (const f of resourcesOf(tf, 'google_cloudfunctions2_function').values())
      expect(str(child(f, 'service_config'), 'environment_variables')).toBe('${local.function_env}');
  });
});

describe('Firestore', () => {
  const indexes = JSON.parse(readFileSync(new URL('../firestore.indexes.json', import.meta.url), 'utf8')) as {
    fieldOverrides: { collectionGroup: string; fieldPath: string; indexes: unknown[]; ttl?: boolean }[];
  };

  test('TTL policies on expireAt cover the ledger, the usage collections, invitations and track keys, and those fields are exempt from indexing', () => {
    const ttl = resource(tf, 'google_firestore_field', 'ttl');
    expect(str(ttl, 'field')).toBe('expireAt');
    expect(child(ttl, 'ttl_config')).toBeDefined();
    expect(child(ttl, 'index_config')).toBeDefined();
    const ttlCollections = tf.locals['ttl_collections'] as string[];
    // The ledger, the usage counters (accounts/{accountId}/usage: a collection group), the outbox, the write receipts, the reports and invitations.
    expect([...ttlCollections].sort()).toEqual(
      [
        Collection.ledger,
        Collection.usage,
        Collection.usageOutbox,
        Collection.usageReceipts,
        Collection.usageReports,
        Collection.invitations,
        Collection.trackKeys,
        Collection.notificationOutbox,
      ].sort(),
    );
    const exempt = indexes.fieldOverrides.filter((o) => o.fieldPath === 'expireAt' && o.indexes.length === 0).map((o) => o.collectionGroup);
    expect([...exempt].sort()).toEqual([...ttlCollections].sort());
    // TTL is owned by Terraform: the indexes file must not toggle it.
    expect(indexes.fieldOverrides.every((o) => o.ttl === undefined)).toBe(true);
  });

  test('the database is native mode', () => {
    expect(str(resource(tf, 'google_firestore_database', 'default'), 'type')).toBe('FIRESTORE_NATIVE');
  });

  test('it can be recovered: delete protection, point-in-time recovery, and a daily backup kept up to 14 weeks', () => {
    const db = resource(tf, 'google_firestore_database', 'default');
    expect(str(db, 'delete_protection_state')).toBe('DELETE_PROTECTION_ENABLED');
    expect(str(db, 'point_in_time_recovery_enablement')).toBe('POINT_IN_TIME_RECOVERY_ENABLED');
    const backups = resource(tf, 'google_firestore_backup_schedule', 'daily');
    expect(str(backups, 'database')).toBe('${google_firestore_database.default.name}');
    expect(child(backups, 'daily_recurrence')).toBeDefined();
    expect(str(backups, 'retention')).toBe('${var.firestore_backup_retention_days * 86400}s');
    const retention = tf.variables.get('firestore_backup_retention_days');
    expect(attr(retention, 'default')).toBe(98); // Firestore's maximum
    expect(str(child(retention, 'validation'), 'condition')).toContain('<= 98');
  });
});

describe('state and providers', () => {
  /**
   * The google provider's current major (8.0.0, August 2026: registry.terraform.io hashicorp/google,
   * guides/version_8_upgrade). Raise it with the constraint after reading the next upgrade guide.
   */
  const GOOGLE_PROVIDER_MAJOR = 8;
  const settings = () => {
    expect(tf.settings).toHaveLength(1);
    return tf.settings[0];
  };

  test('state is in a GCS backend, configured at init (partial configuration: nothing project-specific in the code)', () => {
    const backend = child(settings(), 'backend');
    expect(Object.keys(backend ?? {})).toEqual(['gcs']);
    expect(child(backend, 'gcs')).toEqual({});
    const readme = readFileSync(new URL('./README.md', import.meta.url), 'utf8');
    expect(readme).toMatch(/gcloud storage buckets create gs:\/\/\$STATE_BUCKET .*--uniform-bucket-level-access/);
    expect(readme).toMatch(/gcloud storage buckets update gs:\/\/\$STATE_BUCKET --versioning/);
    expect(readme).toContain('terraform init -backend-config="bucket=$STATE_BUCKET" -backend-config="prefix=billing"');
  });

  test(`google and google-beta are pinned to the current major (${GOOGLE_PROVIDER_MAJOR}.x), the same release line`, () => {
    const providers = child(settings(), 'required_providers') as Record<string, { source: string; version: string }>;
    for (const name of ['google', 'google-beta']) {
      expect(providers[name]?.source, name).toBe(`hashicorp/${name}`);
      const constraint = providers[name]?.version ?? '';
      // "~> 8.N": at least 8.N, below 9.
      expect(constraint, name).toMatch(new RegExp(`^~> ${GOOGLE_PROVIDER_MAJOR}\\.\\d+$`));
    }
    expect(providers['google']?.version).toBe(providers['google-beta']?.version);
  });

  test("the 8.0.0 upgrade guide's changed defaults are set explicitly, not inherited", () => {
    // load_balancing_scheme now defaults to EXTERNAL_MANAGED; ours must not depend on the default.
    for (const type of ['google_compute_backend_service', 'google_compute_global_forwarding_rule']) {
      for (const [name, block] of resourcesOf(tf, type))
        expect(str(block, 'load_balancing_scheme'), `${type}.${name}`).toBe('EXTERNAL_MANAGED');
    }
    // 7.0.0: disable_on_destroy defaults to false; still stated.
    expect(attr(resource(tf, 'google_project_service', 'apis'), 'disable_on_destroy')).toBe(false);
  });

  test('the README says how to produce the provider lock file for every platform that runs Terraform', () => {
    const readme = readFileSync(new URL('./README.md', import.meta.url), 'utf8');
    expect(readme).toContain('terraform providers lock -platform=linux_amd64 -platform=darwin_arm64');
  });
});

describe('cold start', () => {
  test.each(['webhook', 'app'])('%s: Cloud Run startup CPU boost is on', (name) => {
    expect(attr(dig(run(name), 'template', 'containers', 'resources'), 'startup_cpu_boost')).toBe(true);
  });
});

describe('function builds', () => {
  const builder = '${google_service_account.sa["functions_builder"].email}';

  test('both functions build as the dedicated build service account, into their own image repository', () => {
    expect(tf.locals['functions_build_service_account']).toBe('${google_service_account.sa["functions_builder"].id}');
    expect(tf.locals['functions_docker_repository']).toBe('${google_artifact_registry_repository.function_images.id}');
    const functions = resourcesOf(tf, 'google_cloudfunctions2_function');
    expect(functions.size).toBe(2);
    for (const [name, f] of functions) {
      const build = child(f, 'build_config');
      expect(str(build, 'service_account'), name).toBe('${local.functions_build_service_account}');
      expect(str(build, 'docker_repository'), name).toBe('${local.functions_docker_repository}');
      // Terraform owns both (Cloud Build repeats them): not ignored after creation.
      expect(JSON.stringify(child(f, 'lifecycle')), name).not.toContain('docker_repository');
      for (const grant of [
        'google_project_iam_member.functions_builder_logs',
        'google_project_iam_member.functions_builder_reads_sources',
        'google_artifact_registry_repository_iam_member.functions_builder_pushes_images',
      ]) {
        expect(attr(f, 'depends_on'), name).toContain(`\${${grant}}`);
      }
    }
  });

  test('the build account runs nothing and holds only what a build needs, each grant narrowed', () => {
    const held = grants().filter(([, b]) => str(b, 'member') === `serviceAccount:${builder}`);
    expect(held.map(([id, b]) => `${id} ${str(b, 'role')}`).sort()).toEqual([
      'google_artifact_registry_repository_iam_member.functions_builder_pushes_images roles/artifactregistry.writer',
      'google_project_iam_member.functions_builder_logs roles/logging.logWriter',
      'google_project_iam_member.functions_builder_reads_sources roles/storage.objectViewer',
    ]);
    expect(str(resource(tf, 'google_artifact_registry_repository_iam_member', 'functions_builder_pushes_images'), 'repository')).toBe(
      '${google_artifact_registry_repository.function_images.name}',
    );
    const runtimes = [...resourcesOf(tf, 'google_cloudfunctions2_function').values()].map((f) =>
      str(child(f, 'service_config'), 'service_account_email'),
    );
    expect(runtimes).not.toContain(builder);
  });

  test('project-level object read is granted only under a condition naming the function source buckets', () => {
    for (const [id, block] of resourcesOf(tf, 'google_project_iam_member')) {
      if (str(block, 'role') !== 'roles/storage.objectViewer') continue;
      expect(id).toBe('functions_builder_reads_sources');
      expect(str(child(block, 'condition'), 'expression')).toBe('${local.functions_source_buckets_condition}');
    }
    const condition = tf.locals['functions_source_buckets_condition'] as string;
    expect(condition).toContain('google_storage_bucket.function_sources.name');
    expect(condition).toContain('"gcf-v2-sources-${data.google_project.this.number}-${var.region}"');
    expect(condition).toContain(
      'resource.name == \\"projects/_/buckets/${bucket}\\" || resource.name.startsWith(\\"projects/_/buckets/${bucket}/objects/\\")',
    );
  });
});

describe('applier timeout and the push subscription', () => {
  test('the function times out well before Pub/Sub stops waiting for its answer (no second delivery while the first runs)', () => {
    const timeout = tf.locals['applier_timeout_seconds'] as number;
    const ackDeadline = tf.locals['applier_ack_deadline_seconds'] as number;
    expect(str(child(fn('apply_stripe_event'), 'service_config'), 'timeout_seconds')).toBe('${local.applier_timeout_seconds}');
    expect(str(resource(tf, 'google_pubsub_subscription', 'stripe_events_applier'), 'ack_deadline_seconds')).toBe(
      '${local.applier_ack_deadline_seconds}',
    );
    // Room for a cold start between the two; Pub/Sub allows push ack deadlines up to 600 s.
    expect(ackDeadline - timeout).toBeGreaterThanOrEqual(20);
    expect(ackDeadline).toBeLessThanOrEqual(600);
  });
});
