// checkout.session.*: the session names our user (client_reference_id / metadata.accountId) and the
// subscription, but carries no subscription state, so the subscription is fetched (compare-and-set
// write) and access shows even before customer.subscription.created lands.
import { CheckoutSessionPayload, parsePayload } from '../object-payloads.js';
import { accountIdHint, metadataAccountId, resolveAccountId } from '../resolve-account.js';
import { subscriptionDoc } from '../subscription-doc.js';
import { writeFetched } from '../versioned-write.js';
import { finishCustomerChange, type EventFamily, type Handler } from './handler.js';
import { fetchSubscription } from './subscription-events.js';

export type CheckoutEventType = EventFamily<'checkout.session'>;

export const applyCheckoutEvent: Handler<CheckoutEventType> = async (event, ctx) => {
  const session = parsePayload(CheckoutSessionPayload, event.data.object, 'checkout session');
  if (session.customer === null) return 'ignored'; // guest payment: nothing to map or grant
  const customerId = session.customer;
  const hint = accountIdHint(session.client_reference_id, metadataAccountId(session.metadata));
  const accountId = await resolveAccountId(ctx, customerId, { hint, livemode: event.livemode, fetchIfMissing: true });
  if (session.mode === 'subscription' && session.subscription !== null) {
    await writeFetched(
      ctx,
      ctx.store.subscriptions.doc(session.subscription),
      fetchSubscription(ctx, session.subscription),
      (sub) => (version, current) => subscriptionDoc(sub, accountId, version, ctx.now, current),
    );
  }
  return finishCustomerChange(ctx, customerId, accountId, 'written');
};
