// customer.subscription.*: the payload is the whole subscription; written under the order rule.
import { notifyTrialEnding } from '../billing-notifications.js';
import { parsePayload, SubscriptionPayload } from '../object-payloads.js';
import { accountIdHint, metadataAccountId, resolveAccountId } from '../resolve-account.js';
import { subscriptionDoc } from '../subscription-doc.js';
import { writeVersioned } from '../versioned-write.js';
import type { ApplyContext } from '../apply-context.js';
import { finishCustomerChange, type EventFamily, type Handler } from './handler.js';

export type SubscriptionEventType = EventFamily<'customer.subscription'>;

/** Fetches a subscription from Stripe, parsed like an event payload. */
export const fetchSubscription = (ctx: Pick<ApplyContext, 'reader'>, id: string) => async () =>
  parsePayload(SubscriptionPayload, await ctx.reader.retrieveSubscription(id), 'subscription');

export const applySubscriptionEvent: Handler<SubscriptionEventType> = async (event, ctx) => {
  const sub = parsePayload(SubscriptionPayload, event.data.object, 'subscription');
  const accountId = await resolveAccountId(ctx, sub.customer, {
    hint: accountIdHint(metadataAccountId(sub.metadata)),
    livemode: event.livemode,
    fetchIfMissing: true,
  });
  const written = await writeVersioned(
    ctx,
    ctx.store.subscriptions.doc(sub.id),
    (version, current) => subscriptionDoc(sub, accountId, version, ctx.now, current),
    {
      fetch: fetchSubscription(ctx, sub.id),
      build: (fetched) => (version, current) => subscriptionDoc(fetched, accountId, version, ctx.now, current),
    },
  );
  if (event.type === 'customer.subscription.trial_will_end' && accountId && sub.trial_end !== null && written !== 'stale')
    notifyTrialEnding(ctx, accountId, sub.id, sub.trial_end);
  return finishCustomerChange(ctx, sub.customer, accountId, written);
};
