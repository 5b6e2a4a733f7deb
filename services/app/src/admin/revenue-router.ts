// The revenue figures of the console (GET /admin and GET /api/admin/revenue, mounted by
// console-router.ts behind the viewer role). The figures are read from Firestore
// (shared/src/revenue) at most once a minute per instance: an operator refreshing the page costs
// nothing, and the view is at most that much behind (the page states its time).
import type { Store } from '@billing/shared/firestore/store.js';
import type { Identity } from '@billing/shared/identity/identity.js';
import type { Clock } from '@billing/shared/ports/clock.js';
import { readRevenueHistory, type RevenueHistory } from '@billing/shared/revenue/monthly-snapshot.js';
import { readRevenueSummary } from '@billing/shared/revenue/read-revenue.js';
import type { RevenueSummary } from '@billing/shared/revenue/revenue-summary.js';

export const REVENUE_CACHE_MS = 60_000;

export interface RevenueRouterDeps {
  store: Store;
  clock: Clock;
}

/** The last value read, shared by every request of the instance; a failed read is not kept. */
function cachedRead<T>(clock: Clock, read: () => Promise<T>): () => Promise<T> {
  let cached: { at: number; value: Promise<T> } | null = null;
  return () => {
    const now = clock.now();
    if (!cached || now - cached.at >= REVENUE_CACHE_MS) {
      const value = read();
      const entry = { at: now, value };
      cached = entry;
      value.catch(() => {
        if (cached === entry) cached = null;
      });
    }
    return cached.value;
  };
}

/** Whether `identity` is in ADMIN_EMAILS (case-insensitive): the billing page's link to the console. */
export function adminCheck(adminEmails: readonly string[]): (identity: Identity) => boolean {
  const admins = new Set(adminEmails);
  return (identity) => identity.email !== null && admins.has(identity.email.toLowerCase());
}

/**
 * The cached figures of one instance: the live summary and the monthly history (13 snapshot reads),
 * read together so the page's two parts are as fresh as each other (the page states both times).
 */
export function revenueSources(deps: RevenueRouterDeps): {
  summary: () => Promise<RevenueSummary>;
  history: () => Promise<RevenueHistory>;
} {
  return {
    summary: cachedRead(deps.clock, () => readRevenueSummary(deps.store, deps.clock)),
    history: cachedRead(deps.clock, () => readRevenueHistory(deps.store, deps.clock)),
  };
}
