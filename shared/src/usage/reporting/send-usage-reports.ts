// Step 2 of reporting: send every claimed report as one Stripe meter event, a few at a time, and
// mark it sent. A crash between the send and the mark leaves it claimed: the next run sends it
// again with the same identifier and Stripe deduplicates it. Timestamps are checked against
// Stripe's window first: older than 35 days can no longer be billed (marked failed, logged at
// ERROR); a clock ahead of ours is clamped to now.
import { FieldValue, Timestamp, type DocumentReference, type Firestore } from '@google-cloud/firestore';
import type { Logger } from '../../logging/logger.js';
import { SendFailureError, type MeterEventSender } from '../../ports/meter-event-sender.js';
import { type UsageReportDoc } from '../../model/usage-documents.js';
import { createStore } from '../../firestore/store.js';

/** Stripe accepts meter events up to 35 days back; keep an hour of margin for the request itself. */
export const MAX_EVENT_AGE_SECONDS = 35 * 86_400 - 3_600;

export interface SendOptions {
  sender: MeterEventSender;
  logger: Logger;
  nowMs: number;
  concurrency: number;
}

export interface SendOutcome {
  sent: number;
  failed: number;
  retryLater: number;
  units: number;
}

export async function sendUsageReports(db: Firestore, ids: readonly string[], opts: SendOptions): Promise<SendOutcome> {
  const outcome: SendOutcome = { sent: 0, failed: 0, retryLater: 0, units: 0 };
  const queue = [...ids];
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) await sendOne(db, id, opts, outcome);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency, queue.length)) }, worker));
  return outcome;
}

async function sendOne(db: Firestore, id: string, opts: SendOptions, outcome: SendOutcome): Promise<void> {
  const ref = createStore(db).usageReports.doc(id);
  const report = (await ref.get()).data();
  if (!report || report.state !== 'claimed') return; // another run finished it
  const nowSeconds = Math.floor(opts.nowMs / 1000);
  const log = { identifier: id, customerId: report.customerId, eventName: report.eventName, value: report.value };
  if (report.timestamp < nowSeconds - MAX_EVENT_AGE_SECONDS) {
    await markFailed(ref, report, 'outside_stripe_window');
    opts.logger.error(
      { event: 'usage_report.expired', ...log, timestamp: report.timestamp },
      'usage too old for Stripe meter events; not billed',
    );
    outcome.failed++;
    return;
  }
  try {
    await opts.sender.send({
      identifier: id,
      eventName: report.eventName,
      customerId: report.customerId,
      value: report.value,
      timestamp: Math.min(report.timestamp, nowSeconds),
    });
  } catch (err) {
    if (!(err instanceof SendFailureError)) throw err;
    if (err.failure.kind === 'permanent') {
      await markFailed(ref, report, err.failure.code);
      opts.logger.error({ event: 'usage_report.rejected', ...log, code: err.failure.code }, 'Stripe rejected a meter event');
      outcome.failed++;
    } else {
      await ref.update({ attempts: FieldValue.increment(1), lastError: err.failure.code });
      opts.logger.warn({ event: 'usage_report.retry_later', ...log, code: err.failure.code }, 'meter event not sent; next run resends it');
      outcome.retryLater++;
    }
    return;
  }
  await ref.update({ state: 'sent', sentAt: Timestamp.fromMillis(opts.nowMs), attempts: FieldValue.increment(1), lastError: null });
  opts.logger.info({ event: 'usage_report.sent', ...log }, 'meter event sent');
  outcome.sent++;
  outcome.units += report.value;
}

async function markFailed(ref: DocumentReference<UsageReportDoc>, report: UsageReportDoc, code: string): Promise<void> {
  await ref.update({ state: 'failed', attempts: report.attempts + 1, lastError: code });
}
