// The revenue history's data: each account's MRR at the start of every month, kept in
// `revenue_months/{YYYY-MM}`. Decision: monthly documents written by a scheduled job rather than
// derived from the ledger, because the ledger expires (TTL) and keeps no amounts, and the stored
// subscriptions hold only their current state: a month's expansion or contraction cannot be
// recomputed later from either. The usage reporter's minute tick (Cloud Scheduler) calls
// `recordRevenueMonth`: one read a tick, and on the first tick of a month one query of the current
// subscriptions and one write. A month missed (no tick for a whole month) is simply absent; the
// movements then span the gap and say so by their months.
import { Timestamp } from '@google-cloud/firestore';
import { isAlreadyExists } from '../firestore/already-exists.js';
import type { Store } from '../firestore/store.js';
import type { SubscriptionDoc } from '../model/documents.js';
import type { RevenueMonthDoc } from '../model/operator-documents.js';
import { CURRENT_SUBSCRIPTION_STATUSES } from '../model/subscription-status.js';
import { nowSeconds, type Clock } from '../ports/clock.js';
import { divideAmount, roundToCents } from './exact-amount.js';
import { monthOf, monthlyMovements, type MonthMovements, type MrrSnapshot } from './mrr-movements.js';
import { annualAmount } from './revenue-summary.js';

/** Each paying account's MRR in cents, counted as the revenue summary counts it (active or past due, usd). */
export function mrrByAccount(current: readonly SubscriptionDoc[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const sub of current) {
    if (sub.status !== 'active' && sub.status !== 'past_due') continue;
    const priced = annualAmount(sub);
    if (!priced || priced.currency !== 'usd') continue;
    const key = sub.accountId ?? sub.customerId;
    out[key] = (out[key] ?? 0) + roundToCents(divideAmount(priced.amount, 12));
  }
  return out;
}

/** Writes this month's snapshot if it is not there yet; true when this call wrote it. */
export async function recordRevenueMonth(store: Store, clock: Clock): Promise<boolean> {
  const month = monthOf(nowSeconds(clock));
  const ref = store.revenueMonths.doc(month);
  if ((await ref.get()).exists) return false;
  const current = await store.subscriptions.where('status', 'in', [...CURRENT_SUBSCRIPTION_STATUSES]).get();
  const doc: RevenueMonthDoc = {
    month,
    takenAt: Timestamp.fromMillis(clock.now()),
    currency: 'usd',
    mrrByAccount: mrrByAccount(current.docs.map((d) => d.data())),
  };
  try {
    await ref.create(doc);
    return true;
  } catch (err) {
    if (isAlreadyExists(err)) return false; // another instance's tick took it
    throw err;
  }
}

/** The `YYYY-MM` ids of the `count` months up to and including the month of `now`, oldest first. */
export function lastMonths(nowSecondsValue: number, count: number): string[] {
  const d = new Date(nowSecondsValue * 1000);
  return Array.from({ length: count }, (_, i) =>
    new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - (count - 1 - i), 1)).toISOString().slice(0, 7),
  );
}

export interface RevenueHistory {
  /** Snapshots found (oldest first), with when each was taken (unix seconds). */
  snapshots: { month: string; takenAt: number; mrr: number; customers: number }[];
  /** Movements of each complete month between two snapshots (up to 12). */
  months: MonthMovements[];
}

/** The last 12 complete months: 13 snapshot documents read by id (13 reads, no query). */
export async function readRevenueHistory(store: Store, clock: Clock): Promise<RevenueHistory> {
  const ids = lastMonths(nowSeconds(clock), 13);
  const snaps = await Promise.all(ids.map((id) => store.revenueMonths.doc(id).get()));
  const docs = snaps.flatMap((s) => {
    const data = s.data();
    return data ? [data] : [];
  });
  const snapshots: MrrSnapshot[] = docs.map((d) => ({ month: d.month, mrrByAccount: d.mrrByAccount }));
  return {
    snapshots: docs.map((d) => ({
      month: d.month,
      takenAt: Math.floor(d.takenAt.toMillis() / 1000),
      mrr: Object.values(d.mrrByAccount).reduce((a, b) => a + b, 0),
      customers: Object.values(d.mrrByAccount).filter((v) => v > 0).length,
    })),
    months: monthlyMovements(snapshots),
  };
}
