// One handler per handled event type; HandlerMap makes a missing one a compile error.
import { applyCheckoutEvent } from './checkout-events.js';
import { applyCustomerEvent } from './customer-events.js';
import { applyEntitlementsEvent } from './entitlement-events.js';
import type { HandlerMap } from './handler.js';
import { applyInvoiceEvent } from './invoice-events.js';
import { applySubscriptionEvent } from './subscription-events.js';

export const eventHandlers: HandlerMap = {
  'checkout.session.completed': applyCheckoutEvent,
  'checkout.session.async_payment_succeeded': applyCheckoutEvent,
  'checkout.session.async_payment_failed': applyCheckoutEvent,
  'customer.created': applyCustomerEvent,
  'customer.updated': applyCustomerEvent,
  'customer.deleted': applyCustomerEvent,
  'customer.subscription.created': applySubscriptionEvent,
  'customer.subscription.updated': applySubscriptionEvent,
  'customer.subscription.deleted': applySubscriptionEvent,
  'customer.subscription.paused': applySubscriptionEvent,
  'customer.subscription.resumed': applySubscriptionEvent,
  'customer.subscription.trial_will_end': applySubscriptionEvent,
  'customer.subscription.pending_update_applied': applySubscriptionEvent,
  'customer.subscription.pending_update_expired': applySubscriptionEvent,
  'invoice.paid': applyInvoiceEvent,
  'invoice.payment_succeeded': applyInvoiceEvent,
  'invoice.payment_failed': applyInvoiceEvent,
  'invoice.payment_action_required': applyInvoiceEvent,
  'invoice.finalized': applyInvoiceEvent,
  'invoice.marked_uncollectible': applyInvoiceEvent,
  'invoice.voided': applyInvoiceEvent,
  'entitlements.active_entitlement_summary.updated': applyEntitlementsEvent,
};
