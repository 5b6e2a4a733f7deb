// The closed set of Stripe event types the product applies. The event applier's handler map is
// typed `{ [K in HandledEventType]: ... }`, so adding a type here without a handler does not compile.
// Anything else is acknowledged and recorded in the ledger as `ignored` (never retried forever).
import { z } from 'zod';

export const HandledEventType = z.enum([
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'customer.created',
  'customer.updated',
  'customer.deleted',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'customer.subscription.paused',
  'customer.subscription.resumed',
  'customer.subscription.trial_will_end',
  'customer.subscription.pending_update_applied',
  'customer.subscription.pending_update_expired',
  'invoice.paid',
  'invoice.payment_succeeded',
  'invoice.payment_failed',
  'invoice.payment_action_required',
  'invoice.finalized',
  'invoice.marked_uncollectible',
  'invoice.voided',
  'entitlements.active_entitlement_summary.updated',
]);
export type HandledEventType = z.infer<typeof HandledEventType>;

/** The events to select when registering the webhook endpoint in Stripe (README "Deploy"). */
export const WEBHOOK_ENABLED_EVENTS: readonly HandledEventType[] = HandledEventType.options;
