// What the recorder needs to know about a user to meter them: plan, whether a paid plan applies,
// the Stripe customer (for metered billing) and the current quota month. Derived from
// `accounts/{accountId}.billing` (written by the event applier), never from the request.
import type { Firestore } from '@google-cloud/firestore';
import { effectivePlan, quotaOverride } from '../access/access-decision.js';
import { createStore } from '../firestore/store.js';
import type { AccountDoc } from '../model/account-documents.js';
import type { BillingSummary } from '../model/documents.js';
import { activeOverrides, type AccessOverride } from '../model/operator-documents.js';
import type { AccountId } from '../model/ids.js';
import { MeteredFeature, type Plan } from '../plans/catalog.js';
import type { Clock } from '../ports/clock.js';
import type { MeterTarget } from './counter-state.js';
import { quotaMonth } from './quota-period.js';

/** The access policy quotas follow: the same past-due grace as features (access-decision.ts). */
export interface UsagePolicy {
  /** PAST_DUE_GRACE_DAYS in seconds: how long a past-due subscriber keeps the paid plan. */
  readonly pastDueGraceSeconds: number;
}

export interface UsageAccount {
  readonly accountId: AccountId;
  readonly plan: Plan;
  /** The monthly quotas in force: the plan's, with an operator's quota overrides (console) in their place until they expire. */
  readonly quotas: Plan['quotas'];
  /** A paid plan applies (the subscription grants it now, past-due grace included). */
  readonly subscribed: boolean;
  readonly customerId: string | null;
  /** The current quota month, unix seconds, [start, end): quotas are monthly whatever the billing interval. */
  readonly periodStart: number;
  readonly periodEnd: number;
  /** Unix seconds: the account may differ from then on (the month ends, or the past-due grace does). */
  readonly validUntil: number;
}

/** The calendar month (UTC) containing `nowMs`: the free plan's period. */
export function calendarMonth(nowMs: number): { start: number; end: number } {
  const d = new Date(nowMs);
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 1000;
  const end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) / 1000;
  return { start, end };
}

/**
 * The account a user is metered under at `nowMs`. The plan is the one access control grants
 * (effectivePlan), so quotas and features end together when a past-due grace runs out. A paid
 * plan's quotas reset monthly on the subscription's billing-cycle anchor (summaries stored before
 * the anchor was kept: on `currentPeriodStart`, the same day for a monthly plan); anyone else's on
 * the calendar month. The month depends on the anchor and the time only, so a late renewal
 * event neither extends it nor resets it early.
 */
export function usageAccount(
  accountId: AccountId,
  billing: BillingSummary | null,
  nowMs: number,
  policy: UsagePolicy,
  overrides?: readonly AccessOverride[],
): UsageAccount {
  const now = Math.floor(nowMs / 1000);
  const { plan, graceEndsAt } = effectivePlan(billing, now, policy.pastDueGraceSeconds);
  const customerId = billing?.customerId ?? null;
  const anchor = billing?.billingCycleAnchor ?? billing?.currentPeriodStart ?? null;
  const inForce = activeOverrides(overrides, now);
  const quotas = inForce.length ? withQuotaOverrides(plan.quotas, inForce, now) : plan.quotas;
  // The account may differ once an override expires, as when its month or grace ends.
  const overridesUntil = Math.min(...inForce.map((o) => o.expiresAt));
  if (plan.id !== 'free') {
    const month = anchor === null ? calendarMonth(nowMs) : quotaMonth(anchor, now);
    return {
      accountId,
      plan,
      quotas,
      subscribed: true,
      customerId,
      periodStart: month.start,
      periodEnd: month.end,
      validUntil: Math.min(month.end, graceEndsAt ?? month.end, overridesUntil),
    };
  }
  const month = calendarMonth(nowMs);
  return {
    accountId,
    plan,
    quotas,
    subscribed: false,
    customerId,
    periodStart: month.start,
    periodEnd: month.end,
    validUntil: Math.min(month.end, overridesUntil),
  };
}

function withQuotaOverrides(quotas: Plan['quotas'], overrides: readonly AccessOverride[], now: number): Plan['quotas'] {
  return Object.fromEntries(MeteredFeature.options.map((f) => [f, quotaOverride(overrides, f, now) ?? quotas[f]])) as Plan['quotas'];
}

/** The usage account of what a BillingSource answered (the billing summary and the operator's overrides). */
export function usageAccountOf(accountId: AccountId, state: AccountBilling, nowMs: number, policy: UsagePolicy): UsageAccount {
  return usageAccount(accountId, state.billing, nowMs, policy, state.overrides);
}

/** Where the account's units of `feature` are billed: a metered price of its plan, for a subscribed customer; else nowhere. */
export function meterFor(account: UsageAccount, feature: MeteredFeature): MeterTarget | null {
  const price = account.plan.meteredPrices.find((p) => p.feature === feature);
  if (!price || !account.subscribed || !account.customerId) return null;
  return { customerId: account.customerId, eventName: price.meterEventName };
}

/** What metering reads of `accounts/{accountId}`: the billing summary and the operator's overrides. */
export type AccountBilling = Pick<AccountDoc, 'billing' | 'overrides'>;

/** An account that does not exist (yet): no billing, no overrides. */
export const NO_ACCOUNT: AccountBilling = { billing: null };

/**
 * Where the recorder reads an account's billing state. The app may pass its own listener-backed
 * access cache. Answering the same object while nothing changed lets the recorder reuse what it
 * derived from it.
 */
export interface BillingSource {
  billing(accountId: AccountId): Promise<AccountBilling>;
}

export interface FirestoreBillingSourceOptions {
  clock: Clock;
  /** How long a read is reused. A plan change reaches quotas within this. */
  ttlMs?: number;
}

/** Reads `accounts/{accountId}.billing`, reusing each read for `ttlMs` (default 5 s) and sharing concurrent reads. */
export function firestoreBillingSource(db: Firestore, opts: FirestoreBillingSourceOptions): BillingSource {
  const ttlMs = opts.ttlMs ?? 5_000;
  const cache = new Map<string, { at: number; value: Promise<AccountBilling> }>();
  const accounts = createStore(db).accounts;
  return {
    billing(accountId) {
      const now = opts.clock.now();
      const hit = cache.get(accountId);
      if (hit && now - hit.at < ttlMs) return hit.value;
      if (cache.size > 50_000) cache.clear(); // bound memory; a cleared entry only costs one read
      const value = accounts
        .doc(accountId)
        .get()
        .then((snap) => snap.data() ?? NO_ACCOUNT);
      const entry = { at: now, value };
      cache.set(accountId, entry);
      // A failed read is not cached: the next call retries it.
      void value.catch(() => {
        if (cache.get(accountId) === entry) cache.delete(accountId);
      });
      return value;
    },
  };
}
