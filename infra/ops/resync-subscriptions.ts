// Rebuilds the subscription documents and users' billing summaries from Stripe's current state:
// for every subscription (of one customer, or of the whole account) it refetches the object and
// writes it through the applier's compare-and-set path (refreshSubscription), so it can run while
// events keep flowing and never overwrites a newer state. Paced under Stripe's rate limits.
import { setTimeout as sleep } from 'node:timers/promises';
import type Stripe from 'stripe';
import { refreshSubscription, type RefreshDeps } from '@billing/shared/billing/refresh-subscription.js';

export interface ResyncOptions extends RefreshDeps {
  stripe: Stripe;
  customerId?: string | undefined;
  livemode: boolean;
  /** Refreshes per second (each costs 1-2 Stripe reads). Stripe allows 25 req/s in test mode, 100 live. */
  perSecond: number;
}

export async function resyncSubscriptions(opts: ResyncOptions): Promise<{ subscriptions: number; unmapped: number }> {
  const gapMs = 1000 / opts.perSecond;
  let subscriptions = 0;
  let unmapped = 0;
  const params: Stripe.SubscriptionListParams = { status: 'all', limit: 100, ...(opts.customerId ? { customer: opts.customerId } : {}) };
  for await (const sub of opts.stripe.subscriptions.list(params)) {
    const started = Date.now();
    const { billing } = await refreshSubscription(opts, sub.id, { livemode: opts.livemode });
    subscriptions++;
    if (billing === null) unmapped++;
    const wait = gapMs - (Date.now() - started);
    if (wait > 0) await sleep(wait);
  }
  opts.logger.info(
    { event: 'ops.resync_finished', subscriptions, unmapped, customerId: opts.customerId ?? null },
    'subscriptions resynced from Stripe',
  );
  return { subscriptions, unmapped };
}
