// The admin revenue view's figures, computed from the documents the applier keeps (subscriptions,
// invoices). Pure: read-revenue.ts does the reading.
//
// Definitions (stated on the page too):
// - ARR: the price of the licensed item of every paying subscription (active or past_due), times
//   its quantity, normalised to a year (year x 1, month x 12, week x 52, day x 365, each divided
//   by the price's interval count), summed exactly (exact-amount.ts). MRR is ARR / 12. Both are
//   rounded to the cent only as the last step, so a $2,000/year subscription is an ARR of exactly
//   $2,000.00 (and an MRR of $166.67), never $166.67 × 12. A week is 52 of a year and a day 365
//   (not 365.25 / 7 and 365.25): the figures a reader can check by hand. The price is the one Stripe sent with the subscription (so a
//   subscriber kept on an old price counts at that price); the plan catalog's list price only when
//   the stored item has no amount (documents from before amounts were stored). Discounts, tax and
//   metered usage are not in it. Trials, paused and unpaid subscriptions pay nothing, so they are
//   counted but not in MRR.
// - Churned: subscriptions that ended in the window. Collected: `amountPaid` of the invoices
//   created in the window that are paid, per currency.
import { catalogPlan, PLANS, planForLookupKey, type PlanId } from '../plans/catalog.js';
import type { BillingInterval, InvoiceDoc, SubscriptionDoc } from '../model/documents.js';
import { addAmounts, divideAmount, exactAmount, roundToCents, ZERO, type ExactAmount } from './exact-amount.js';

export const REVENUE_WINDOW_DAYS = 30;
/** MRR is in the catalog's currency; a subscription priced in another is counted as unpriced. */
const CURRENCY = 'usd';

/** Statuses in which a subscription pays its price. */
const PAYING = new Set<SubscriptionDoc['status']>(['active', 'past_due']);

/** How many of one billing interval make a year. */
const PER_YEAR: { [K in BillingInterval]: number } = { day: 365, week: 52, month: 12, year: 1 };

export interface PlanRevenue {
  planId: PlanId;
  planName: string;
  /** Subscriptions paying this plan (active or past_due). */
  paying: number;
  trialing: number;
  /** On a plan priced per seat: the seats its paying subscriptions pay for; null on a flat plan. */
  seats: number | null;
  /** Minor units (cents) per month, rounded to the cent from the plan's exact yearly sum / 12. */
  mrr: number;
}

export interface RevenueSummary {
  /** Unix seconds: when the figures were read. */
  asOf: number;
  windowDays: number;
  currency: 'usd';
  /** Minor units per month: `arr` before rounding, / 12, rounded to the cent. */
  mrr: number;
  /** Minor units per year: the exact sum of the yearly amounts, rounded to the cent. */
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
  /**
   * Customers with a payment problem: a current subscription past due or unpaid, or an open invoice
   * whose payment failed or needs action (one customer counts once). Never fewer than the past-due
   * subscriptions beside it, so the page's figures cannot contradict each other.
   */
  paymentProblems: number;
  /** Customers (accounts, else Stripe customers) paying now (active or past due), counted once each. */
  payingCustomers: number;
  /** MRR per paying customer, cents; null without one. */
  arpu: number | null;
  /** The MRR the subscriptions that ended in the window paid, cents per month. */
  churnedMrrInWindow: number;
  /**
   * Over the window: ended / (paying now + ended), and churned MRR / (MRR now + churned MRR). The base
   * is "now plus what left", an estimate of the window's start (no daily snapshot is kept); the
   * monthly figures (mrr-movements.ts) use the true start of each month.
   */
  customerChurnRate: number | null;
  revenueChurnRate: number | null;
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
 * The yearly amount of one subscription's licensed item (exact: a price every 7 months is 12/7 of
 * it a year) and its plan: the stored price when known, else the catalog's list price; null when
 * neither is known. The plan is the one the applier stored (subscription-doc.ts decides it, from
 * the lookup key or the price's `plan` metadata).
 */
export function annualAmount(
  sub: SubscriptionDoc,
): { planId: PlanId | null; amount: ExactAmount; currency: string; quantity: number } | null {
  const licensed = sub.items.find((item) => !item.metered && item.priceId === sub.priceId) ?? sub.items.find((item) => !item.metered);
  if (!licensed) return null;
  const planId = catalogPlan(sub.planId)?.id ?? null;
  if (licensed.unitAmount !== null && licensed.interval !== null && licensed.currency !== null) {
    const amount = exactAmount(licensed.unitAmount * licensed.quantity, PER_YEAR[licensed.interval], licensed.intervalCount);
    return { planId, amount, currency: licensed.currency, quantity: licensed.quantity };
  }
  // Documents stored before amounts were: the catalog's list price for the item's lookup key.
  const catalog = licensed.lookupKey ? planForLookupKey(licensed.lookupKey) : null;
  if (!catalog) return null;
  const amount = exactAmount(catalog.price.unitAmount * licensed.quantity, PER_YEAR[catalog.price.interval]);
  return { planId, amount, currency: catalog.price.currency, quantity: licensed.quantity };
}

/** A month of an exact yearly amount, rounded to the cent for display. */
const monthlyCents = (yearly: ExactAmount): number => roundToCents(divideAmount(yearly, 12));

export function computeRevenueSummary(input: RevenueInputs): RevenueSummary {
  const byPlan = new Map<PlanId, PlanRevenue>();
  /** Exact yearly sums per plan row; rounded into the rows' `mrr` at the end. */
  const yearlyByPlan = new Map<PlanId, ExactAmount>();
  for (const plan of Object.values(PLANS))
    if (plan.prices.length > 0)
      byPlan.set(plan.id, { planId: plan.id, planName: plan.name, paying: 0, trialing: 0, seats: plan.seats ? 0 : null, mrr: 0 });
  const counts = { paying: 0, trialing: 0, pastDue: 0, paused: 0, unpaid: 0, scheduledToCancel: 0, unpriced: 0 };
  const outsideCatalog = { paying: 0, yearly: ZERO };
  /** The plan's row; none for no plan, or for a plan without prices (free). */
  const rowOf = (planId: PlanId | null) => (planId ? byPlan.get(planId) : undefined);
  let yearly = ZERO;
  for (const sub of input.current) {
    if (sub.cancelAtPeriodEnd || sub.cancelAt !== null) counts.scheduledToCancel++;
    if (sub.status === 'trialing') {
      counts.trialing++;
      const row = rowOf(annualAmount(sub)?.planId ?? null);
      if (row) row.trialing++;
      continue;
    }
    if (sub.status === 'paused') counts.paused++;
    if (sub.status === 'unpaid') counts.unpaid++;
    if (!PAYING.has(sub.status)) continue;
    counts.paying++;
    if (sub.status === 'past_due') counts.pastDue++;
    const priced = annualAmount(sub);
    if (!priced || priced.currency !== CURRENCY) {
      counts.unpriced++;
      continue;
    }
    const row = rowOf(priced.planId);
    if (row?.seats != null) row.seats += priced.quantity;
    if (row) {
      row.paying++;
      yearlyByPlan.set(row.planId, addAmounts(yearlyByPlan.get(row.planId) ?? ZERO, priced.amount));
    } else {
      outsideCatalog.paying++;
      outsideCatalog.yearly = addAmounts(outsideCatalog.yearly, priced.amount);
    }
    yearly = addAmounts(yearly, priced.amount);
  }
  const since = input.now - REVENUE_WINDOW_DAYS * 86_400;
  const endedInWindow = input.endedInWindow.filter((s) => s.endedAt !== null && s.endedAt >= since);
  // What the ended subscriptions paid before they ended (trials paid nothing).
  let churnedYearly = ZERO;
  for (const sub of endedInWindow) {
    if (sub.trialEnd !== null && sub.endedAt !== null && sub.endedAt <= sub.trialEnd) continue;
    const priced = annualAmount(sub);
    if (priced && priced.currency === CURRENCY) churnedYearly = addAmounts(churnedYearly, priced.amount);
  }
  const payingCustomers = new Set(input.current.filter((sub) => PAYING.has(sub.status)).map((sub) => sub.accountId ?? sub.customerId));
  const problemCustomers = new Set([
    ...input.current.filter((sub) => sub.status === 'past_due' || sub.status === 'unpaid').map((sub) => sub.customerId),
    ...input.invoicesWithIssue.filter((i) => i.status === 'open' && i.paymentIssue !== null).map((i) => i.customerId),
  ]);
  const mrr = monthlyCents(yearly);
  const churnedMrr = monthlyCents(churnedYearly);
  const collected = new Map<string, number>();
  for (const invoice of input.invoicesInWindow) {
    if (invoice.status !== 'paid' || invoice.created < since) continue;
    collected.set(invoice.currency, (collected.get(invoice.currency) ?? 0) + invoice.amountPaid);
  }
  return {
    asOf: input.now,
    windowDays: REVENUE_WINDOW_DAYS,
    currency: CURRENCY,
    mrr,
    arr: roundToCents(yearly),
    subscriptions: counts,
    byPlan: [...byPlan.values()].map((p) => ({ ...p, mrr: monthlyCents(yearlyByPlan.get(p.planId) ?? ZERO) })),
    outsideCatalog: { paying: outsideCatalog.paying, mrr: monthlyCents(outsideCatalog.yearly) },
    churnedInWindow: endedInWindow.length,
    collectedInWindow: [...collected].sort(([a], [b]) => a.localeCompare(b)).map(([currency, amount]) => ({ currency, amount })),
    openPaymentIssues: input.invoicesWithIssue.filter((i) => i.status === 'open' && i.paymentIssue !== null).length,
    paymentProblems: problemCustomers.size,
    payingCustomers: payingCustomers.size,
    arpu: payingCustomers.size ? Math.round(mrr / payingCustomers.size) : null,
    churnedMrrInWindow: churnedMrr,
    customerChurnRate:
      payingCustomers.size + endedInWindow.length ? endedInWindow.length / (payingCustomers.size + endedInWindow.length) : null,
    revenueChurnRate: mrr + churnedMrr ? churnedMrr / (mrr + churnedMrr) : null,
  };
}
