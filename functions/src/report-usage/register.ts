// Registers `reportUsage`: a CloudEvent function triggered by Cloud Scheduler -> Pub/Sub topic
// `usage-report-tick` every minute. The message content is ignored (a tick). Each tick drains the
// usage outbox into Stripe meter events, then publishes the notifications still unpublished
// (shared/src/notifications/notification-outbox.ts: quota thresholds, the app's refreshes, and
// anything a failed publish left). Clients are built on
// the first tick, never at import. Returning acknowledges the tick; a run that fails is not
// retried by Pub/Sub (the next tick, a minute later, picks up everything left), so it logs at
// ERROR and returns instead of throwing into a redelivery storm.
import * as functions from '@google-cloud/functions-framework';
import type { CloudEvent } from '@google-cloud/functions-framework';
import { startTracing, type Tracing } from '@billing/shared/tracing/start-tracing.js';
import { runForPushedMessage } from '@billing/shared/pubsub/message-trace.js';
import { exitOnConfigError } from '@billing/shared/config/exit-on-config-error.js';
import { createFirestore } from '@billing/shared/firestore/firestore-client.js';
import { createLogger } from '@billing/shared/logging/logger.js';
import { systemClock } from '@billing/shared/ports/clock.js';
import { createSdkMeterEventSender } from '@billing/shared/stripe/meter-event-sender-sdk.js';
import { createStripeClient } from '@billing/shared/stripe/stripe-client.js';
import { runUsageReport, type ReportUsageDeps } from '@billing/shared/usage/reporting/run-usage-report.js';
import { createStore } from '@billing/shared/firestore/store.js';
import { recordUsageReporterRun } from '@billing/shared/admin/pipeline-status.js';
import { recordRevenueMonth } from '@billing/shared/revenue/monthly-snapshot.js';
import { publishPending } from '@billing/shared/notifications/notification-outbox.js';
import type { NotificationPublisher } from '@billing/shared/ports/notification-publisher.js';
import { pubSubNotificationPublisher } from '@billing/shared/pubsub/notification-publisher.js';
import { createPubSubClient } from '@billing/shared/pubsub/pubsub-client.js';
import { createPubSubPublisher } from '@billing/shared/pubsub/pubsub-publisher.js';
import { loadReportUsageConfig } from './config.js';
import { pushTraceparent, pushedMessage } from '../create-handler.js';

export const REPORT_USAGE_FUNCTION = 'reportUsage';
export const USAGE_REPORT_TICK_TOPIC = 'usage-report-tick';

async function buildTick(env: Record<string, string | undefined> = process.env): Promise<Tick> {
  // A bad variable: one CRITICAL config.invalid line and the instance exits (the next tick retries).
  const config = exitOnConfigError('report-usage', () => loadReportUsageConfig(env));
  const logger = createLogger({ service: 'report-usage', level: config.logLevel, version: config.revision });
  // Before the clients, which pick up the tracer provider when built; loads nothing when off.
  const tracing = await startTracing({ mode: config.tracing, service: 'report-usage', projectId: config.projectId });
  // maxNetworkRetries: the SDK retries 429 and network errors with exponential backoff.
  const stripe = createStripeClient({ secretKey: config.stripeSecretKey, apiBase: config.stripeApiBase, maxNetworkRetries: 3 });
  const notifications = pubSubNotificationPublisher(
    createPubSubPublisher({ pubsub: createPubSubClient({ projectId: config.projectId }), topic: config.notificationsTopic }),
  );
  const deps = {
    db: createFirestore(config.projectId),
    sender: createSdkMeterEventSender(stripe),
    clock: systemClock,
    logger,
    concurrency: config.concurrency,
    notifications,
  };
  return { run: createReportUsageHandler(deps), projectId: config.projectId, tracing };
}

export interface Tick {
  run: () => Promise<void>;
  projectId: string;
  tracing: Tracing;
}

/**
 * A tick in the trace of its push request (Cloud Scheduler's messages carry none of their own), so
 * the run's lines, down to the use cases, carry it.
 */
export async function runTick(tick: Tick, cloudEvent: CloudEvent<unknown>): Promise<void> {
  const message = pushedMessage(cloudEvent.data);
  const scope = {
    projectId: tick.projectId,
    name: 'usage-report tick',
    attributes: message?.attributes ?? {},
    messageId: message?.messageId,
    pushTraceparent: pushTraceparent(cloudEvent),
  };
  try {
    await runForPushedMessage(scope, tick.run);
  } finally {
    await tick.tracing.flush();
  }
}

export interface TickDeps extends ReportUsageDeps {
  /** Where the sweep publishes pending notifications; none are swept without it. */
  notifications?: NotificationPublisher;
}

/** The handler, from its dependencies (tests call this with their own). */
export function createReportUsageHandler(deps: TickDeps): () => Promise<void> {
  const store = createStore(deps.db);
  return async () => {
    const startedAtMs = deps.clock.now();
    let run: { reported: number; failed: boolean } = { reported: 0, failed: true };
    try {
      const result = await runUsageReport(deps);
      run = { reported: result.sent, failed: false };
    } catch (err) {
      deps.logger.error({ event: 'usage_report.run_failed', err }, 'usage report run failed; the next tick retries');
    }
    // The revenue history's monthly snapshot (revenue/monthly-snapshot.ts): written by the month's first tick.
    await recordRevenueMonth(store, deps.clock).catch((err: unknown) => {
      deps.logger.warn({ event: 'revenue.snapshot_failed', err }, 'monthly revenue snapshot not written; the next tick retries');
    });
    // The operator console's "usage reporter's last run"; a failed write only leaves that figure older.
    await recordUsageReporterRun(store, { startedAtMs, finishedAtMs: deps.clock.now(), ...run }).catch((err: unknown) => {
      deps.logger.warn({ event: 'usage_report.status_not_written', err }, 'usage reporter status not written');
    });
    if (!deps.notifications) return;
    try {
      const { published } = await publishPending({ store, publisher: deps.notifications, clock: deps.clock });
      if (published > 0) deps.logger.info({ event: 'notifications.swept', published }, 'pending notifications published');
    } catch (err) {
      deps.logger.warn({ event: 'notifications.sweep_failed', err }, 'pending notifications not published; the next tick retries');
    }
  };
}

let tick: Promise<Tick> | undefined;
functions.cloudEvent<unknown>(REPORT_USAGE_FUNCTION, async (cloudEvent: CloudEvent<unknown>) => {
  tick ??= buildTick();
  await runTick(await tick, cloudEvent);
});
