// A Stripe subscription as it stood at a past instant, rebuilt from what Stripe keeps of its past:
// its own dates (created, trial_start/trial_end, ended_at) and the invoice lines it was billed on.
// Pure; revenue-backfill.ts reads the inputs and turns the result into an MRR with the revenue
// view's own formula (subscription-doc.ts -> monthly-snapshot.ts mrrByAccount).
//
// Why invoice lines: a subscription object holds only its current items, so a seat added or a plan
// changed last spring is invisible on it; every billed period, though, is an invoice line naming the
// subscription item, its price, its quantity and the period it pays for. A plan change made with
// proration is a pair of lines from the change to the period end: the credit for the old price
// (negative) and the charge for the new one. So at any instant, the line that covers it and starts
// last (credits left out) is the item's price and quantity then.
import type { PricePayload, SubscriptionPayload } from '@billing/shared/billing/object-payloads.js';
import { isMetered } from '@billing/shared/billing/subscription-doc.js';
import type { z } from 'zod';

type Price = z.infer<typeof PricePayload>;
type Item = SubscriptionPayload['items']['data'][number];

/** One invoice line billed for a licensed subscription item (unix seconds; amount in the invoice's minor units). */
export interface BilledLine {
  subscriptionId: string;
  itemId: string;
  priceId: string;
  quantity: number;
  amount: number;
  start: number;
  end: number;
}

export interface SubscriptionAsOf {
  subscription: SubscriptionPayload;
  /** Items no invoice line covered at that instant, counted at their current price and quantity. */
  estimatedItems: number;
}

/** Statuses of a subscription that never paid its first invoice: it never counted, at any time. */
const NEVER_PAID = new Set<SubscriptionPayload['status']>(['incomplete', 'incomplete_expired']);

/** The non-credit line of one item covering `at`, the one starting last (a proration beats the renewal it follows). */
function coveringLine(lines: readonly BilledLine[], itemId: string, at: number): BilledLine | null {
  let best: BilledLine | null = null;
  for (const line of lines) {
    if (line.itemId !== itemId || line.amount < 0 || line.start > at || at >= line.end) continue;
    if (best === null || line.start >= best.start) best = line;
  }
  return best;
}

/**
 * The subscription at `at` (unix seconds), or null when it did not count then: not created yet,
 * already ended, or never paid. Its status is `trialing` inside its trial and `active` otherwise (a
 * past due, paused or unpaid spell leaves no date on the object: see the command's help). Its items
 * are those a line covers at `at`, with that line's price and quantity; a current item no line
 * covers keeps its current price (counted in `estimatedItems`); an item no longer on the
 * subscription counts only where a line covers it. `prices` holds every line's price.
 */
export function subscriptionAsOf(
  sub: SubscriptionPayload,
  lines: readonly BilledLine[],
  prices: ReadonlyMap<string, Price>,
  at: number,
): SubscriptionAsOf | null {
  if (sub.created > at || NEVER_PAID.has(sub.status) || (sub.ended_at !== null && sub.ended_at <= at)) return null;
  const trialing = sub.trial_start !== null && sub.trial_end !== null && sub.trial_start <= at && at < sub.trial_end;
  const own = lines.filter((l) => l.subscriptionId === sub.id);
  const items: Item[] = [];
  let estimatedItems = 0;
  const billedAs = (line: BilledLine): Pick<Item, 'price' | 'quantity'> => {
    const price = prices.get(line.priceId);
    if (!price) throw new Error(`price ${line.priceId} of subscription ${sub.id} was not read`);
    return { price, quantity: line.quantity };
  };
  for (const item of sub.items.data) {
    const line = coveringLine(own, item.id, at);
    if (line) items.push({ ...item, ...billedAs(line) });
    else if (isMetered(item))
      items.push(item); // billed in arrears, and not in MRR anyway
    else {
      const firstBilled = Math.min(...own.filter((l) => l.itemId === item.id).map((l) => l.start));
      if (firstBilled <= at || firstBilled === Infinity) {
        // No line covers `at` but the item was there (never invoiced, or a gap between lines):
        // counted at its price today.
        items.push(item);
        estimatedItems++;
      } // else: first billed after `at`, so added to the subscription later
    }
  }
  const removed = new Set(own.map((l) => l.itemId).filter((id) => !sub.items.data.some((i) => i.id === id)));
  for (const itemId of removed) {
    const line = coveringLine(own, itemId, at);
    if (line) items.push({ id: itemId, current_period_start: line.start, current_period_end: line.end, ...billedAs(line) });
  }
  return {
    subscription: { ...sub, status: trialing ? 'trialing' : 'active', items: { ...sub.items, data: items } },
    estimatedItems,
  };
}
