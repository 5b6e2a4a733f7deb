// What a plan or seats change would cost, before the user confirms it: Stripe's invoice preview of
// the same item changes changePlan/changeSeats would send, with what the review step shows around
// it (the plans before and after, the card to be charged). Same interval: the prorations wait for
// the next invoice (create_prorations). A new interval restarts the billing period and is invoiced
// at once. The confirmed change prorates at its own moment, so the amount can differ from the
// preview by the seconds in between.
import type Stripe from 'stripe';
import { planForPriceId, type Plan } from '../plans/catalog.js';
import type { BillingInterval } from '../model/documents.js';
import type { CardOnFile, SubscriptionChangePreview } from '../ports/billing-gateway.js';
import type { BillingOpsDeps } from './billing-ops-deps.js';
import { invoicedAtOnce, planPlanChange } from './change-plan.js';
import { planSeatsChange } from './change-seats.js';
import type { PlannedSubscriptionChange } from './owned-subscription.js';
import { licensedItem } from './plan-item-changes.js';

/** A plan as the review step names it: "Team, 3 seats, $300.00 / month". */
export interface PlanTerms {
  plan: string;
  /** Null on a flat plan. */
  seats: number | null;
  /** Per period, all seats included, in the currency's minor unit. */
  amount: number;
  interval: BillingInterval;
}

export interface ChangePreview {
  currency: string;
  /** The change restarts the billing period (a new billing interval) and is invoiced at once. */
  invoicedNow: boolean;
  /** What that invoice charges, credits for unused time and balance taken off; 0 unless invoicedNow. */
  amountDueNow: number;
  /** The change's prorations added to the next invoice (negative: a credit on it); 0 when invoicedNow. */
  proration: number;
  /** When the next invoice comes (the current period's end, or the trial's), unix seconds; null when invoicedNow. */
  nextInvoiceAt: number | null;
  /** Null when the current price is outside the plans. */
  current: PlanTerms | null;
  next: PlanTerms;
  /** From when `next.amount` recurs (unix seconds): the next renewal after the change. */
  recursFrom: number | null;
  /** The lines behind the amounts: the invoice made now, or the change's prorations on the next one. */
  lines: { description: string; amount: number }[];
  /** The card that will be charged; null when Stripe has none for the customer (or could not say). */
  card: CardOnFile | null;
}

function terms(plan: Plan, unitAmount: number, interval: BillingInterval, quantity: number): PlanTerms {
  return { plan: plan.name, seats: plan.seats ? quantity : null, amount: unitAmount * quantity, interval };
}

function currentTerms(deps: BillingOpsDeps, subscription: Stripe.Subscription): PlanTerms | null {
  const item = licensedItem(subscription, deps.priceIds);
  const hit = item ? planForPriceId(deps.priceIds, item.price.id) : null;
  return item && hit ? terms(hit.plan, hit.price.unitAmount, hit.price.interval, item.quantity ?? 1) : null;
}

/** The card is a nicety of the review: a failure to read it does not stop the preview. */
async function cardOf(deps: BillingOpsDeps, change: PlannedSubscriptionChange): Promise<CardOnFile | null> {
  return deps.gateway
    .customerBillingDetails({ customerId: change.customerId, subscriptionId: change.subscription.id })
    .then((d) => d.card)
    .catch(() => null);
}

/**
 * `newInterval`: the change moves the licensed price to another billing interval, which restarts
 * the billing period; Stripe then invoices at once, except during a trial (nothing is charged
 * before it ends).
 */
async function preview(
  deps: BillingOpsDeps,
  change: PlannedSubscriptionChange,
  invoicedNow: boolean,
  next: PlanTerms,
): Promise<ChangePreview> {
  const { subscription, customerId, items } = change;
  const [p, card] = await Promise.all([
    deps.gateway.previewSubscriptionChange({ customerId, subscriptionId: subscription.id, items }),
    cardOf(deps, change),
  ]);
  const nextInvoiceAt = licensedItem(subscription, deps.priceIds)?.current_period_end ?? null;
  const shared = { currency: p.currency, current: currentTerms(deps, subscription), next, card };
  if (invoicedNow) {
    // The invoice made now bills the new period: its end is when the new price next recurs.
    const recursFrom = Math.max(0, ...p.lines.map((l) => l.periodEnd)) || null;
    return {
      ...shared,
      invoicedNow: true,
      amountDueNow: p.amountDue,
      proration: 0,
      nextInvoiceAt: null,
      recursFrom,
      lines: p.lines.map(line),
    };
  }
  return {
    ...shared,
    invoicedNow: false,
    amountDueNow: 0,
    proration: p.proration,
    nextInvoiceAt,
    recursFrom: nextInvoiceAt,
    lines: p.lines.filter((l) => l.change).map(line),
  };
}

const line = (l: SubscriptionChangePreview['lines'][number]) => ({ description: l.description, amount: l.amount });

export async function previewPlanChange(
  deps: BillingOpsDeps,
  accountId: string,
  lookupKey: string,
  seats?: number,
): Promise<ChangePreview> {
  const change = await planPlanChange(deps, accountId, lookupKey, seats);
  const { plan, price } = change.target;
  return preview(deps, change, invoicedAtOnce(change, deps.priceIds), terms(plan, price.unitAmount, price.interval, change.seats));
}

/** Seats keep the price, and so the interval. */
export async function previewSeatsChange(deps: BillingOpsDeps, accountId: string, seats: number): Promise<ChangePreview> {
  const change = await planSeatsChange(deps, accountId, seats);
  const now = currentTerms(deps, change.subscription);
  if (!now) throw new Error('unreachable: planSeatsChange refuses a price outside the plans');
  const perSeat = now.amount / (now.seats ?? 1);
  return preview(deps, change, false, { ...now, seats: change.quantity, amount: perSeat * change.quantity });
}
