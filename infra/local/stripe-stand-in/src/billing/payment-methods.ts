// The customer's default card decides what a charge does. Stripe's test PaymentMethod ids name
// the behaviour (https://docs.stripe.com/testing#cards); tests and the portal page set them.
import type Stripe from 'stripe';
import type { BillingContext } from './billing-context.js';
import { previousAttributes, structuredCloneJson } from './event-log.js';
import type { PaymentBehaviour } from './stand-in-state.js';

export const TEST_PAYMENT_METHODS = {
  pm_card_visa: 'succeeds',
  pm_card_chargeCustomerFail: 'fails',
  pm_card_authenticationRequired: 'requires_action',
} as const satisfies Record<string, Exclude<PaymentBehaviour, 'none'>>;
export type TestPaymentMethod = keyof typeof TEST_PAYMENT_METHODS;

const PAYMENT_METHOD_FOR: { [K in PaymentBehaviour]: TestPaymentMethod | null } = {
  succeeds: 'pm_card_visa',
  fails: 'pm_card_chargeCustomerFail',
  requires_action: 'pm_card_authenticationRequired',
  none: null,
};

/** Sets the customer's default card (emits customer.updated, as a card change does at Stripe). */
export function setPaymentBehaviour(ctx: BillingContext, customer: Stripe.Customer, behaviour: PaymentBehaviour): void {
  const before = structuredCloneJson(customer);
  ctx.state.paymentBehaviour.set(customer.id, behaviour);
  customer.invoice_settings.default_payment_method = PAYMENT_METHOD_FOR[behaviour];
  const prev = previousAttributes(before, structuredCloneJson(customer));
  if (prev) ctx.events.emit('customer.updated', customer, prev);
}
