// /v1/subscriptions: retrieve, list (by customer/status/price/created; canceled only when asked, as
// Stripe does), update (item changes: swap, add, remove, with proration; cancel_at_period_end,
// cancel_at, pause_collection, metadata), cancel (DELETE) and resume (a `paused` subscription).
import type Stripe from 'stripe';
import { z } from 'zod';
import type { BillingContext } from '../billing/billing-context.js';
import type { SubscriptionRecord } from '../billing/stand-in-state.js';
import {
  cancelNow,
  changeSubscription,
  resumeSubscription,
  setCancelAt,
  setCancelAtPeriodEnd,
  setPauseCollection,
  setTrialEnd,
} from '../billing/subscription-changes.js';
import { applyItemChanges, applyItemChangesIfPaid, ProrationBehavior as ProrationBehaviors } from '../billing/subscription-item-changes.js';
import { emptyable, expandParam, formBool, formInt, listParams, metadataParam } from '../http/request-params.js';
import { badState, invalidParam, noSuchResource } from '../http/stripe-error.js';
import { CreatedRange, inCreatedRange } from './created-range.js';
import { endpoint, pathParam, type ApiEndpoint } from './endpoint.js';
import { itemChangesOf, ItemParam } from './subscription-item-params.js';
import { listPage } from './list-page.js';

export function subscriptionRecordOrThrow(ctx: BillingContext, id: string): SubscriptionRecord {
  const record = ctx.state.subscriptions.get(id);
  if (!record) throw noSuchResource('subscription', id);
  return record;
}

const retrieve = endpoint(
  'get',
  '/v1/subscriptions/:id',
  z.strictObject({ expand: expandParam }),
  (ctx, _p, path) => subscriptionRecordOrThrow(ctx, pathParam(path, 'id')).subscription,
);

const ListStatus = z.enum([
  'active',
  'all',
  'canceled',
  'ended',
  'incomplete',
  'incomplete_expired',
  'past_due',
  'paused',
  'trialing',
  'unpaid',
]);
const list = endpoint(
  'get',
  '/v1/subscriptions',
  z.strictObject({
    ...listParams,
    customer: z.string().optional(),
    status: ListStatus.optional(),
    price: z.string().optional(),
    created: CreatedRange.optional(),
  }),
  (ctx, p) => {
    const ended = (s: Stripe.Subscription) => s.status === 'canceled' || s.status === 'incomplete_expired';
    // Stripe leaves canceled subscriptions out unless asked for them.
    const matchesStatus = (s: Stripe.Subscription) =>
      p.status === undefined ? !ended(s) : p.status === 'all' ? true : p.status === 'ended' ? ended(s) : s.status === p.status;
    const subs = [...ctx.state.subscriptions.values()]
      .map((r) => r.subscription)
      .reverse()
      .filter(
        (s) =>
          (p.customer === undefined || s.customer === p.customer) &&
          matchesStatus(s) &&
          (p.price === undefined || s.items.data.some((i) => i.price.id === p.price)) &&
          inCreatedRange(p.created, s.created),
      );
    return listPage(subs, p, '/v1/subscriptions');
  },
);

const ProrationBehavior = z.enum(ProrationBehaviors);
const updateParams = z.strictObject({
  items: z.array(ItemParam).max(20).optional(),
  proration_behavior: ProrationBehavior.optional(),
  cancel_at_period_end: formBool.optional(),
  /** A date to end the subscription on (the Dashboard's "cancel on a custom date"); '' clears it. */
  cancel_at: emptyable(formInt).optional(),
  pause_collection: emptyable(
    z.strictObject({ behavior: z.enum(['keep_as_draft', 'mark_uncollectible', 'void']), resumes_at: formInt.optional() }),
  ).optional(),
  /** A new trial end (unix seconds, in the future; 'now' ends the trial: not supported here). */
  trial_end: formInt.optional(),
  payment_behavior: z.enum(['allow_incomplete', 'default_incomplete', 'error_if_incomplete', 'pending_if_incomplete']).optional(),
  metadata: metadataParam.optional(),
  expand: expandParam,
});

const update = endpoint('post', '/v1/subscriptions/:id', updateParams, (ctx, p, path) => {
  const record = subscriptionRecordOrThrow(ctx, pathParam(path, 'id'));
  const sub = record.subscription;
  if (sub.status === 'canceled' || sub.status === 'incomplete_expired')
    throw badState('A canceled subscription can only update its cancellation_details and metadata.', 'subscription_canceled');
  if (p.payment_behavior === 'pending_if_incomplete') {
    // Only the attributes a pending update can hold are allowed with it (Stripe's pending updates reference).
    const unsupported = (['cancel_at', 'cancel_at_period_end', 'pause_collection', 'metadata'] as const).find((k) => p[k] !== undefined);
    if (unsupported) throw invalidParam(unsupported, `You cannot pass ${unsupported} with payment_behavior=pending_if_incomplete.`);
    // Of `items`, a pending update holds only each item's price and quantity: no removal.
    const removal = (p.items ?? []).findIndex((item) => item.deleted === true);
    if (removal >= 0)
      throw invalidParam(
        `items[${removal}][deleted]`,
        `You cannot pass items[${removal}][deleted] with payment_behavior=pending_if_incomplete.`,
      );
    applyItemChangesIfPaid(ctx, record, itemChangesOf(ctx, sub, p.items ?? []), p.proration_behavior ?? 'create_prorations');
    return sub;
  }
  applyItemChanges(ctx, record, itemChangesOf(ctx, sub, p.items ?? []), p.proration_behavior ?? 'create_prorations');
  if (p.cancel_at !== undefined && p.cancel_at_period_end !== undefined)
    throw invalidParam('cancel_at', 'You may only specify one of these parameters: cancel_at, cancel_at_period_end.');
  if (p.cancel_at !== undefined) setCancelAt(ctx, record, p.cancel_at === '' ? null : p.cancel_at);
  // `false` also clears a cancellation scheduled with cancel_at (Stripe: "to clear the cancellation status").
  const scheduled = sub.cancel_at_period_end || sub.cancel_at !== null;
  if (p.cancel_at_period_end !== undefined && (p.cancel_at_period_end ? !sub.cancel_at_period_end : scheduled))
    setCancelAtPeriodEnd(ctx, record, p.cancel_at_period_end);
  if (p.trial_end !== undefined) {
    if (p.trial_end <= ctx.clock.now())
      throw invalidParam('trial_end', 'Invalid timestamp: must be an integer Unix timestamp in the future.');
    if (sub.status !== 'trialing')
      throw badState('The stand-in moves the trial end of a trialing subscription only.', 'subscription_not_trialing');
    setTrialEnd(ctx, record, p.trial_end);
  }
  if (p.pause_collection !== undefined)
    setPauseCollection(
      ctx,
      record,
      p.pause_collection === '' ? null : { behavior: p.pause_collection.behavior, resumes_at: p.pause_collection.resumes_at ?? null },
    );
  if (p.metadata) {
    const metadata = p.metadata;
    changeSubscription(ctx, record, (s) => {
      for (const [k, v] of Object.entries(metadata)) {
        if (v === '') delete s.metadata[k];
        else s.metadata[k] = v;
      }
    });
  }
  return sub;
});

const cancel = endpoint(
  'delete',
  '/v1/subscriptions/:id',
  z.strictObject({
    invoice_now: formBool.optional(),
    prorate: formBool.optional(),
    cancellation_details: z.strictObject({ comment: z.string().optional(), feedback: z.string().optional() }).optional(),
    expand: expandParam,
  }),
  (ctx, _p, path) => {
    const record = subscriptionRecordOrThrow(ctx, pathParam(path, 'id'));
    if (record.subscription.status === 'canceled')
      throw badState(`No such subscription: '${record.subscription.id}' is already canceled`, 'resource_missing');
    cancelNow(ctx, record, 'cancellation_requested');
    return record.subscription;
  },
);

const resume = endpoint(
  'post',
  '/v1/subscriptions/:id/resume',
  z.strictObject({
    billing_cycle_anchor: z.enum(['now', 'unchanged']).optional(),
    proration_behavior: ProrationBehavior.optional(),
    expand: expandParam,
  }),
  (ctx, _p, path) => {
    const record = subscriptionRecordOrThrow(ctx, pathParam(path, 'id'));
    if (record.subscription.status !== 'paused')
      throw badState('Only a subscription with status=paused can be resumed.', 'subscription_not_paused');
    resumeSubscription(ctx, record);
    return record.subscription;
  },
);

export const endpoints: ApiEndpoint[] = [list, retrieve, update, cancel, resume];
