// Quota threshold notifications: `quota.threshold_crossed` once per account, feature, quota month
// and threshold (80% and 100%), noticed when an admission (or a refusal at the limit) finds the
// account's usage at or past it. Each app instance sees usage through its own counter view (its
// units at once, other instances' within a flush interval), so a crossing is noticed within about
// a second on whichever instance serves the account next.
//
// The app holds no Pub/Sub client: it writes the notification to the outbox
// (notification-outbox.ts) under the id `quota:{accountId}|{feature}|{periodStart}|{threshold}`,
// created once across instances (`create` refuses a second), and the usage reporter's minute tick
// publishes it. An in-memory set makes the steady state cost no Firestore call.
import { isAlreadyExists } from '../firestore/already-exists.js';
import type { Store } from '../firestore/store.js';
import type { Logger } from '../logging/logger.js';
import type { MeteredFeature, PlanId, Quota } from '../plans/catalog.js';
import type { Clock } from '../ports/clock.js';
import type { Notification } from './messages.js';
import { outboxEntry } from './notification-outbox.js';

export const THRESHOLDS = [80, 100] as const;
export type Threshold = (typeof THRESHOLDS)[number];

export interface UsageObservation {
  accountId: string;
  feature: MeteredFeature;
  used: number;
  limit: Quota;
  planId: PlanId;
  /** Unix seconds, [start, end). */
  periodStart: number;
  periodEnd: number;
}

export interface QuotaThresholdOptions {
  store: Store;
  clock: Clock;
  logger: Logger;
}

export interface QuotaThresholdWatcher {
  /** Fire and forget: a failed write is logged and retried by the next observation. */
  observe(o: UsageObservation): void;
  /** Resolves when every write started so far has finished (tests, shutdown). */
  idle(): Promise<void>;
}

/** The thresholds `used` has reached for a finite, non-zero quota. */
export function reachedThresholds(used: number, limit: Quota): Threshold[] {
  if (limit === 'unlimited' || limit === 0) return [];
  return THRESHOLDS.filter((t) => used >= Math.ceil((limit * t) / 100));
}

export const quotaNotificationId = (o: Pick<UsageObservation, 'accountId' | 'feature' | 'periodStart'>, threshold: Threshold) =>
  `quota:${o.accountId}|${o.feature}|${o.periodStart}|${threshold}`;

export function createQuotaThresholdWatcher(opts: QuotaThresholdOptions): QuotaThresholdWatcher {
  const done = new Set<string>();
  const running = new Map<string, Promise<void>>();

  async function record(id: string, o: UsageObservation & { limit: number }, threshold: Threshold): Promise<void> {
    const now = opts.clock.now();
    const notification: Notification = {
      type: 'quota.threshold_crossed',
      notificationId: id,
      version: 1,
      accountId: o.accountId,
      occurredAt: new Date(now).toISOString(),
      feature: o.feature,
      threshold,
      used: o.used,
      limit: o.limit,
      plan: o.planId,
      periodStart: o.periodStart,
      periodEnd: o.periodEnd,
    };
    try {
      await opts.store.notificationOutbox.doc(id).create(outboxEntry(notification, now));
    } catch (err) {
      if (!isAlreadyExists(err)) throw err; // another instance noticed it first: once is enough
    }
    done.add(id);
  }

  return {
    observe(o) {
      const { limit } = o;
      if (limit === 'unlimited') return;
      for (const threshold of reachedThresholds(o.used, limit)) {
        const id = quotaNotificationId(o, threshold);
        if (done.has(id) || running.has(id)) continue;
        const p = record(id, { ...o, limit }, threshold)
          .catch((err: unknown) =>
            opts.logger.warn(
              { event: 'notifications.quota_failed', accountId: o.accountId, feature: o.feature, threshold, err },
              'quota notification not recorded; the next admission retries',
            ),
          )
          .finally(() => running.delete(id));
        running.set(id, p);
      }
      if (done.size > 100_000) done.clear(); // bound memory; a cleared id costs one refused create to relearn
    },
    async idle() {
      await Promise.all(running.values());
    },
  };
}
