// One reporting run (one Cloud Scheduler tick): first resend reports left claimed by an earlier
// run that died or could not reach Stripe, then claim what is pending and send it. A customer with
// a leftover report gets no new one in the same run, so each run makes at most one Stripe call
// per customer and meter (per billing period).
//
// Why a scheduled function draining an outbox (and not a call from the app): the app's flush
// writes usage and outbox entry in one Firestore transaction, so nothing recorded can be lost
// between "recorded" and "reported", and Stripe traffic stays one call per customer per minute
// however many app instances there are. Firestore is the durable queue; the function needs no
// state of its own and any run can finish any other run's work.
import type { Firestore } from '@google-cloud/firestore';
import type { Logger } from '../../logging/logger.js';
import type { Clock } from '../../ports/clock.js';
import type { MeterEventSender } from '../../ports/meter-event-sender.js';

import { claimUsageReports, groupKey } from './claim-usage-reports.js';
import { sendUsageReports, type SendOutcome } from './send-usage-reports.js';
import { createStore } from '../../firestore/store.js';

export interface ReportUsageDeps {
  db: Firestore;
  sender: MeterEventSender;
  clock: Clock;
  logger: Logger;
  /** Parallel Stripe calls (Stripe allows 25/s in test mode, 100/s live; the SDK backs off on 429). */
  concurrency?: number;
  scanLimit?: number;
}

export interface ReportUsageResult extends SendOutcome {
  resent: number;
  claimed: number;
}

export async function runUsageReport(deps: ReportUsageDeps): Promise<ReportUsageResult> {
  const { db, logger } = deps;
  const send = (ids: readonly string[]) =>
    sendUsageReports(db, ids, { sender: deps.sender, logger, nowMs: deps.clock.now(), concurrency: deps.concurrency ?? 4 });

  const leftovers = (
    await createStore(db)
      .usageReports.where('state', '==', 'claimed')
      .limit(deps.scanLimit ?? 2_000)
      .get()
  ).docs;
  const first = await send(leftovers.map((d) => d.id));
  const busy = new Set(leftovers.map((d) => groupKey(d.data()))); // already had their call this run

  const claimed = await claimUsageReports(db, { nowMs: deps.clock.now(), scanLimit: deps.scanLimit ?? 2_000, busy });
  const second = await send(claimed);

  const result: ReportUsageResult = {
    resent: leftovers.length,
    claimed: claimed.length,
    sent: first.sent + second.sent,
    failed: first.failed + second.failed,
    retryLater: first.retryLater + second.retryLater,
    units: first.units + second.units,
  };
  logger.info({ event: 'usage_report.run', ...result }, 'usage report run finished');
  return result;
}
