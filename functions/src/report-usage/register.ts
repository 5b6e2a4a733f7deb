// Registers `reportUsage`: a CloudEvent function triggered by Cloud Scheduler -> Pub/Sub topic
// `usage-report-tick` every minute. The message content is ignored (a tick). Clients are built on
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
import { loadReportUsageConfig } from './config.js';

export const REPORT_USAGE_FUNCTION = 'reportUsage';
export const USAGE_REPORT_TICK_TOPIC = 'usage-report-tick';

function buildDeps(env: Record<string, string | undefined> = process.env): ReportUsageDeps {
  // A bad variable: one CRITICAL config.invalid line and the instance exits (the next tick retries).
  const config = exitOnConfigError('report-usage', () => loadReportUsageConfig(env));
  const logger = createLogger({ service: 'report-usage', level: config.logLevel });
  // maxNetworkRetries: the SDK retries 429 and network errors with exponential backoff.
  const stripe = createStripeClient({ secretKey: config.stripeSecretKey, apiBase: config.stripeApiBase, maxNetworkRetries: 3 });
  return { db: createFirestore(config.projectId), sender: createSdkMeterEventSender(stripe), clock: systemClock, logger, concurrency: config.concurrency };
}

/** The handler, from its dependencies (tests call this with their own). */
export function createReportUsageHandler(deps: ReportUsageDeps): () => Promise<void> {
  return async () => {
    try {
      await runUsageReport(deps);
    } catch (err) {
      deps.logger.error({ event: 'usage_report.run_failed', err }, 'usage report run failed; the next tick retries');
    }
  };
}

let handler: (() => Promise<void>) | undefined;
functions.cloudEvent(REPORT_USAGE_FUNCTION, () => {
  handler ??= createReportUsageHandler(buildDeps());
  return handler();
});
