// Registers `reportUsage`: a CloudEvent function triggered by Cloud Scheduler -> Pub/Sub topic
// `usage-report-tick` every minute. The message content is ignored (a tick). Each tick drains the
// usage outbox into Stripe meter events, then publishes the notifications still unpublished
// (shared/src/notifications/notification-outbox.ts: quota thresholds, the app's refreshes, and
// anything a failed publish left). Clients are built on
// the first tick, never at import. Returning acknowledges the tick; a run that fails is not
// retried by Pub/Sub (the next tick, a minute later, picks up everything left), so it logs at
// ERROR and returns instead of throwing into a redelivery storm.
import * as functions from '@google-cloud/functions-framework';
import { exitOnConfigError } from '@billing/shared/config/exit-on-config-error.js';
import { createFirestore } from '@billing/shared/firestore/firestore-client.js';
import { createLogger } from '@billing/shared/logging/logger.js';
import { systemClock } from '@billing/shared/ports/clock.js';
import { createSdkMeterEventSender } from '@billing/shared/stripe/meter-event-sender-sdk.js';
import { createStripeClient } from '@billing/shared/stripe/stripe-client.js';
import { runUsageReport, type ReportUsageDeps } from '@billing/shared/usage/reporting/run-usage-report.js';
import { createStore } from '@billing/shared/firestore/store.js';
import { publishPending } from '@billing/shared/notifications/notification-outbox.js';
import type { NotificationPublisher } from '@billing/shared/ports/notification-publisher.js';
import { pubSubNotificationPublisher } from '@billing/shared/pubsub/notification-publisher.js';
import { createPubSubClient } from '@billing/shared/pubsub/pubsub-client.js';
import { createPubSubPublisher } from '@billing/shared/pubsub/pubsub-publisher.js';
import { loadReportUsageConfig } from './config.js';

export const REPORT_USAGE_FUNCTION = 'reportUsage';
export const USAGE_REPORT_TICK_TOPIC = 'usage-report-tick';

function buildDeps(env: Record<string, string | undefined> = process.env): TickDeps {
  // A bad variable: one CRITICAL config.invalid line and the instance exits (the next tick retries).
  const config = exitOnConfigError('report-usage', () => loadReportUsageConfig(env));
  const logger = createLogger({ service: 'report-usage', level: config.logLevel });
  // maxNetworkRetries: the SDK retries 429 and network errors with exponential backoff.
  const stripe = createStripeClient({ secretKey: config.stripeSecretKey, apiBase: config.stripeApiBase, maxNetworkRetries: 3 });
  const notifications = pubSubNotificationPublisher(createPubSubPublisher({ pubsub: createPubSubClient({ projectId: config.projectId }), topic: config.notificationsTopic }));
  return { db: createFirestore(config.projectId), sender: createSdkMeterEventSender(stripe), clock: systemClock, logger, concurrency: config.concurrency, notifications };
}

export interface TickDeps extends ReportUsageDeps {
  /** Where the sweep publishes pending notifications; none are swept without it. */
  notifications?: NotificationPublisher;
}

/** The handler, from its dependencies (tests call this with their own). */
export function createReportUsageHandler(deps: TickDeps): () => Promise<void> {
  const store = createStore(deps.db);
  return async () => {
    try {
      await runUsageReport(deps);
    } catch (err) {
      deps.logger.error({ event: 'usage_report.run_failed', err }, 'usage report run failed; the next tick retries');
    }
    if (!deps.notifications) return;
    try {
      const { published } = await publishPending({ store, publisher: deps.notifications, clock: deps.clock });
      if (published > 0) deps.logger.info({ event: 'notifications.swept', published }, 'pending notifications published');
    } catch (err) {
      deps.logger.warn({ event: 'notifications.sweep_failed', err }, 'pending notifications not published; the next tick retries');
    }
  };
}

let handler: (() => Promise<void>) | undefined;
functions.cloudEvent(REPORT_USAGE_FUNCTION, () => {
  handler ??= createReportUsageHandler(buildDeps());
  return handler();
});
