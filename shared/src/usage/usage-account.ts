// What the recorder needs to know about a user to meter them: plan, whether a subscription is
// active, the Stripe customer (for metered billing) and the current billing period. Derived from
// `users/{uid}.billing` (written by the event applier), never from the request.
import type { Firestore } from '@google-cloud/firestore';
import { Collection } from '../model/collections.js';
import { BillingSummary, type SubscriptionStatus } from '../model/documents.js';
import type { UserId } from '../model/ids.js';
import { PLANS, PlanId, type Plan } from '../plans/catalog.js';
import type { Clock } from '../ports/clock.js';

/** Statuses under which the paid plan's quotas apply. past_due keeps them while Stripe retries the payment (dunning grace). */
export const METERED_STATUSES = ['active', 'trialing', 'past_due'] as const satisfies readonly SubscriptionStatus[];

export interface UsageAccount {
  readonly userId: UserId;
  readonly plan: Plan;
  /** A paid subscription is in a metered status. */
  readonly subscribed: boolean;
  readonly customerId: string | null;
  /** The current billing period, unix seconds, [start, end). */
  readonly periodStart: number;
  readonly periodEnd: number;
}

/** The calendar month (UTC) containing `nowMs`: the free plan's period. */
export function calendarMonth(nowMs: number): { start: number; end: number } {
  const d = new Date(nowMs);
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 1000;
  const end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) / 1000;
  return { start, end };
}

/**
 * The account a user is metered under at `nowMs`. A subscription whose stored period already ended
 * (renewal event not applied yet) is rolled forward by its own length, so a late webhook never
 * lets the old period's counter keep growing nor resets it early.
 */
export function usageAccount(userId: UserId, billing: BillingSummary | null, nowMs: number): UsageAccount {
  const planId = PlanId.safeParse(billing?.planId);
  const active = billing?.status != null && (METERED_STATUSES as readonly string[]).includes(billing.status);
  if (billing && active && planId.success && planId.data !== 'free' && billing.currentPeriodStart != null && billing.currentPeriodEnd != null && billing.currentPeriodEnd > billing.currentPeriodStart) {
    let start = billing.currentPeriodStart;
    let end = billing.currentPeriodEnd;
    const now = Math.floor(nowMs / 1000);
    const length = end - start;
    if (now >= end) {
      const skipped = Math.floor((now - end) / length) + 1;
      start = end + (skipped - 1) * length;
      end = start + length;
    }
    return { userId, plan: PLANS[planId.data], subscribed: true, customerId: billing.customerId, periodStart: start, periodEnd: end };
  }
  const month = calendarMonth(nowMs);
  return { userId, plan: PLANS.free, subscribed: false, customerId: billing?.customerId ?? null, periodStart: month.start, periodEnd: month.end };
}

/** Where the recorder reads a user's billing summary. The app may pass its own listener-backed access cache. */
export interface BillingSource {
  billing(userId: UserId): Promise<BillingSummary | null>;
}

export interface FirestoreBillingSourceOptions {
  clock: Clock;
  /** How long a read is reused. A plan change reaches quotas within this. */
  ttlMs?: number;
}

/** Reads `users/{uid}.billing`, reusing each read for `ttlMs` (default 5 s) and sharing concurrent reads. */
export function firestoreBillingSource(db: Firestore, opts: FirestoreBillingSourceOptions): BillingSource {
  const ttlMs = opts.ttlMs ?? 5_000;
  const cache = new Map<string, { at: number; value: Promise<BillingSummary | null> }>();
  return {
    billing(userId) {
      const now = opts.clock.now();
      const hit = cache.get(userId);
      if (hit && now - hit.at < ttlMs) return hit.value;
      if (cache.size > 50_000) cache.clear(); // bound memory; a cleared entry only costs one read
      const value = db
        .collection(Collection.users)
        .doc(userId)
        .get()
        .then((snap) => (snap.exists ? BillingSummary.nullable().parse(snap.get('billing') ?? null) : null));
      const entry = { at: now, value };
      cache.set(userId, entry);
      // A failed read is not cached: the next call retries it.
      void value.catch(() => {
        if (cache.get(userId) === entry) cache.delete(userId);
      });
      return value;
    },
  };
}
