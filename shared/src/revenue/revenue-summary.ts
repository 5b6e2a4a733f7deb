// The admin revenue view's figures, computed from the documents the applier keeps (subscriptions,
// invoices). Pure: read-revenue.ts does the reading.
//
// Definitions (stated on the page too):
// - MRR: the price of the licensed item of every paying subscription (active or past_due), times
//   its quantity, normalised to a month (year / 12, week x 52 / 12, day x 365 / 12, and divided by
//   the price's interval count). The price is the one Stripe sent with the subscription (so a
//   subscriber kept on an old price counts at that price); the plan catalog's list price only when
//   the stored item has no amount (documents from before amounts were stored). Discounts, tax and
//   metered usage are not in it. Trials, paused and unpaid subscriptions pay nothing, so they are
//   counted but not in MRR.
// - Churned: subscriptions that ended in the window. Collected: `amountPaid` of the invoices
//   created in the window that are paid, per currency.
import { PLANS, PlanId, planForLookupKey } from '../plans/catalog.js';
import type { BillingInterval, InvoiceDoc, SubscriptionDoc } from '../model/documents.js';

export const REVENUE_WINDOW_DAYS = 30;
/** MRR is in the catalog's currency; a subscription priced in another is counted as unpriced. */
const CURRENCY = 'usd';

/** Statuses in which a subscription pays its price. */
const PAYING = new Set<SubscriptionDoc['status']>(['active', 'past_due']);

/** How many months one billing interval lasts (a month is 365 / 12 days). */
const MONTHS_PER_INTERVAL: { [K in BillingInterval]: number } = { day: 12 / 365, week: 12 / 52, month: 1, year: 12 };

export interface PlanRevenue {
  planId: PlanId;
  planName: string;
  /** Subscriptions paying this plan (active or past_due). */
  paying: number;
  trialing: number;
  /** On a plan priced per seat: the seats its paying subscriptions pay for; null on a flat plan. */
  seats: number | null;
  /** Minor units (cents) per month. */
  mrr: number;
}

export interface RevenueSummary {
  /** Unix seconds: when the figures were read. */
  asOf: number;
  windowDays: number;
  currency: 'usd';
  /** Minor units per month, rounded to the cent. */
  mrr: number;
  arr: number;
  subscriptions: {
    paying: number;
    trialing: number;
    pastDue: number;
    paused: number;
    unpaid: number;
    /** Current subscriptions set to cancel, at period end or at a date (still counted above). */
    scheduledToCancel: number;
    /** Paying subscriptions whose monthly amount is unknown (tiered price, no catalog price) or not in `currency`: counted, not in MRR. */
    unpriced: number;
  };
  /** Paid plans, catalog order; plans without subscriptions included (zeros). */
  byPlan: PlanRevenue[];
  /** Paying subscriptions on a price that names no catalog plan (made outside the product): in MRR, in no plan row. */
  outsideCatalog: { paying: number; mrr: number };
  churnedInWindow: number;
  /** Per currency, minor units; sorted by currency. */
  collectedInWindow: { currency: string; amount: number }[];
  /** Open invoices whose payment failed or needs action. */
  openPaymentIssues: number;
}

export interface RevenueInputs {
  /** Subscriptions in a current status (CURRENT_SUBSCRIPTION_STATUSES). */
  current: readonly SubscriptionDoc[];
  /** Subscriptions whose `endedAt` is inside the window. */
  endedInWindow: readonly SubscriptionDoc[];
  /** Invoices created inside the window, any status. */
  invoicesInWindow: readonly InvoiceDoc[];
  /** Invoices with a payment issue, any status. */
  invoicesWithIssue: readonly InvoiceDoc[];
  now: number;
}

/**
 * The monthly amount of one subscription's licensed item and its plan: the stored price when known,
 * else the catalog's list price; null when neither is known. The plan is the one the applier
 * stored (subscription-doc.ts decides it, from the lookup key or the price's `plan` metadata).
 */
export function monthlyAmount(sub: SubscriptionDoc): { planId: PlanId | null; amount: number; currency: string; quantity: number } | null {
  const licensed = sub.items.find((item) => !item.metered && item.priceId === sub.priceId) ?? sub.items.find((item) => !item.metered);
  if (!licensed) return null;
  const stored = PlanId.safeParse(sub.planId);
  const planId = stored.success ? stored.data : null;
  if (licensed.unitAmount !== null && licensed.interval !== null && licensed.currency !== null) {
    const months = MONTHS_PER_INTERVAL[licensed.interval] * licensed.intervalCount;
    return { planId, amount: (licensed.unitAmount * licensed.quantity) / months, currency: licensed.currency, quantity: licensed.quantity };
  }
  // Documents stored before amounts were: the catalog's list price for the item's lookup key.
  const catalog = licensed.lookupKey ? planForLookupKey(licensed.lookupKey) : null;
  if (!catalog) return null;
  return { planId, amount: (catalog.price.unitAmount * licensed.quantity) / MONTHS_PER_INTERVAL[catalog.price.interval], currency: catalog.price.currency, quantity: licensed.quantity };
}

export function computeRevenueSummary(input: RevenueInputs): RevenueSummary {
  const byPlan = new Map<PlanId, PlanRevenue>();
  for (const plan of Object.values(PLANS)) if (plan.prices.length > 0) byPlan.set(plan.id, { planId: plan.id, planName: plan.name, paying: 0, trialing: 0, seats: plan.seats ? 0 : null, mrr: 0 });
  const counts = { paying: 0, trialing: 0, pastDue: 0, paused: 0, unpaid: 0, scheduledToCancel: 0, unpriced: 0 };
  const outsideCatalog = { paying: 0, mrr: 0 };
  /** The plan's row; none for no plan, or for a plan without prices (free). */
  const rowOf = (planId: PlanId | null) => (planId ? byPlan.get(planId) : undefined);
  let mrr = 0;
  for (const sub of input.current) {
    if (sub.cancelAtPeriodEnd || sub.cancelAt !== null) counts.scheduledToCancel++;
    if (sub.status === 'trialing') {
      counts.trialing++;
      const row = rowOf(monthlyAmount(sub)?.planId ?? null);
      if (row) row.trialing++;
      continue;
    }
    if (sub.status === 'paused') counts.paused++;
    if (sub.status === 'unpaid') counts.unpaid++;
    if (!PAYING.has(sub.status)) continue;
    counts.paying++;
    if (sub.status === 'past_due') counts.pastDue++;
    const priced = monthlyAmount(sub);
    if (!priced || priced.currency !== CURRENCY) {
      counts.unpriced++;
      continue;
    }
    const row = rowOf(priced.planId);
    if (row?.seats != null) row.seats += priced.quantity;
    const into = row ?? outsideCatalog;
    into.paying++;
    into.mrr += priced.amount;
    mrr += priced.amount;
  }
  const since = input.now - REVENUE_WINDOW_DAYS * 86_400;
  const collected = new Map<string, number>();
  for (const invoice of input.invoicesInWindow) {
    if (invoice.status !== 'paid' || invoice.created < since) continue;
    collected.set(invoice.currency, (collected.get(invoice.currency) ?? 0) + invoice.amountPaid);
  }
  const rounded = Math.round(mrr);
  return {
    asOf: input.now,
    windowDays: REVENUE_WINDOW_DAYS,
    currency: CURRENCY,
    mrr: rounded,
    arr: rounded * 12,
    subscriptions: counts,
    byPlan: [...byPlan.values()].map((p) => ({ ...p, mrr: Math.round(p.mrr) })),
    outsideCatalog: { paying: outsideCatalog.paying, mrr: Math.round(outsideCatalog.mrr) },
    churnedInWindow: input.endedInWindow.filter((s) => s.endedAt !== null && s.endedAt >= since).length,
    collectedInWindow: [...collected].sort(([a], [b]) => a.localeCompare(b)).map(([currency, amount]) => ({ currency, amount })),
    openPaymentIssues: input.invoicesWithIssue.filter((i) => i.status === 'open' && i.paymentIssue !== null).length,
  };
}
