// Reads what the admin revenue view is computed from: four single-field queries (no composite
// index), over the documents the applier writes. Cost: one read per current subscription, per
// subscription ended and per invoice created in the window. The app caches the result per
// instance (services/app/src/admin/revenue-router.ts), so a page view rarely reads at all.
import type { Store } from '../firestore/store.js';
import { CURRENT_SUBSCRIPTION_STATUSES } from '../model/subscription-status.js';
import { nowSeconds, type Clock } from '../ports/clock.js';
import { computeRevenueSummary, REVENUE_WINDOW_DAYS, type RevenueSummary } from './revenue-summary.js';

export async function readRevenueSummary(store: Store, clock: Clock): Promise<RevenueSummary> {
  const now = nowSeconds(clock);
  const since = now - REVENUE_WINDOW_DAYS * 86_400;
  const [current, ended, invoices, issues] = await Promise.all([
    store.subscriptions.where('status', 'in', [...CURRENT_SUBSCRIPTION_STATUSES]).get(),
    store.subscriptions.where('endedAt', '>=', since).get(),
    store.invoices.where('created', '>=', since).get(),
    store.invoices.where('paymentIssue', 'in', ['failed', 'action_required']).get(),
  ]);
  const docs = <T>(snap: { docs: { data(): T }[] }) => snap.docs.map((d) => d.data());
  return computeRevenueSummary({
    current: docs(current),
    endedInWindow: docs(ended),
    invoicesInWindow: docs(invoices),
    invoicesWithIssue: docs(issues),
    now,
  });
}
