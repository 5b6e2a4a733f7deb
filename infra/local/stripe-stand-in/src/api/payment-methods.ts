// PaymentMethods: `GET /v1/payment_methods/:id` and `GET /v1/customers/:customer/payment_methods/:id`
// for the test cards a customer holds (its default card, and a subscription's). The stand-in has
// no card collection: the cards are Stripe's test PaymentMethods, chosen at Checkout or in the portal.
import { z } from 'zod';
import type { BillingContext } from '../billing/billing-context.js';
import { paymentMethodObject } from '../billing/payment-method-object.js';
import { TEST_PAYMENT_METHODS, type TestPaymentMethod } from '../billing/payment-methods.js';
import { expandParam } from '../http/request-params.js';
import { noSuchResource } from '../http/stripe-error.js';
import { customerOrThrow } from './customers.js';
import { endpoint, pathParam, type ApiEndpoint } from './endpoint.js';

const isTestPaymentMethod = (id: string): id is TestPaymentMethod => Object.hasOwn(TEST_PAYMENT_METHODS, id);
const idOf = (pm: string | { id: string } | null | undefined) => (pm == null ? null : typeof pm === 'string' ? pm : pm.id);

/** The test cards attached to the customer: its invoice default and its subscriptions' defaults. */
function cardsOf(ctx: BillingContext, customerId: string): Set<string> {
  const customer = customerOrThrow(ctx, customerId, 'customer');
  const ids = [
    idOf(customer.invoice_settings.default_payment_method),
    ...ctx.state.subscriptionsOf(customerId).map((s) => idOf(s.default_payment_method)),
  ];
  return new Set(ids.filter((id): id is string => id !== null));
}

const retrieve = endpoint('get', '/v1/payment_methods/:id', z.strictObject({ expand: expandParam }), (ctx, _p, path) => {
  const id = pathParam(path, 'id');
  if (!isTestPaymentMethod(id)) throw noSuchResource('payment_method', id);
  const owner = [...ctx.state.customers.keys()].find((c) => cardsOf(ctx, c).has(id)) ?? null;
  return paymentMethodObject(id, owner, ctx.clock.now());
});

const retrieveOfCustomer = endpoint(
  'get',
  '/v1/customers/:customer/payment_methods/:id',
  z.strictObject({ expand: expandParam }),
  (ctx, _p, path) => {
    const customerId = pathParam(path, 'customer');
    const id = pathParam(path, 'id');
    if (!isTestPaymentMethod(id) || !cardsOf(ctx, customerId).has(id)) throw noSuchResource('payment_method', id);
    return paymentMethodObject(id, customerId, ctx.clock.now());
  },
);

export const endpoints: ApiEndpoint[] = [retrieve, retrieveOfCustomer];
