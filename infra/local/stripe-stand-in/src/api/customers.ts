// /v1/customers: create, retrieve, update (metadata merge, '' deletes a key), delete, list by email.
import type Stripe from 'stripe';
import { z } from 'zod';
import { previousAttributes, structuredCloneJson } from '../billing/event-log.js';
import type { BillingContext } from '../billing/billing-context.js';
import { newId } from '../billing/object-ids.js';
import { setPaymentBehaviour, TEST_PAYMENT_METHODS } from '../billing/payment-methods.js';
import { newestFirst } from '../billing/stand-in-state.js';
import { cancelNow } from '../billing/subscription-changes.js';
import { emptyable, expandParam, listParams, metadataParam } from '../http/request-params.js';
import { noSuchResource } from '../http/stripe-error.js';
import { endpoint, pathParam, type ApiEndpoint } from './endpoint.js';
import { listPage } from './list-page.js';
import { mergeMetadata } from './merge-metadata.js';

const testPaymentMethod = z.enum(Object.keys(TEST_PAYMENT_METHODS) as [keyof typeof TEST_PAYMENT_METHODS]);

const fields = {
  email: emptyable(z.email().max(512)).optional(),
  name: emptyable(z.string().max(256)).optional(),
  description: emptyable(z.string().max(350)).optional(),
  phone: emptyable(z.string().max(20)).optional(),
  metadata: metadataParam.optional(),
  invoice_settings: z.strictObject({ default_payment_method: testPaymentMethod.optional() }).optional(),
  expand: expandParam,
};
const orNull = (v: string | undefined) => (v === undefined || v === '' ? null : v);

export function customerOrThrow(ctx: BillingContext, id: string, param = 'id'): Stripe.Customer {
  const customer = ctx.state.customers.get(id);
  if (!customer) throw noSuchResource('customer', id, param);
  return customer;
}

const create = endpoint('post', '/v1/customers', z.strictObject(fields), (ctx, p) => {
  const customer: Stripe.Customer = {
    id: newId('cus', 14),
    object: 'customer',
    address: null,
    balance: 0,
    created: ctx.clock.now(),
    currency: null,
    default_source: null,
    delinquent: false,
    description: orNull(p.description),
    discount: null,
    email: orNull(p.email),
    invoice_prefix: newId('', 8).slice(1).toUpperCase(),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: mergeMetadata({}, p.metadata),
    name: orNull(p.name),
    next_invoice_sequence: 1,
    phone: orNull(p.phone),
    preferred_locales: [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
  };
  ctx.state.customers.set(customer.id, customer);
  ctx.events.emit('customer.created', customer);
  const card = p.invoice_settings?.default_payment_method;
  if (card) setPaymentBehaviour(ctx, customer, TEST_PAYMENT_METHODS[card]);
  return customer;
});

const retrieve = endpoint('get', '/v1/customers/:id', z.strictObject({ expand: expandParam }), (ctx, _p, path) => {
  const id = pathParam(path, 'id');
  const customer = ctx.state.customers.get(id);
  if (customer) return customer;
  if (ctx.state.deletedCustomers.has(id)) return { id, object: 'customer', deleted: true } satisfies Stripe.DeletedCustomer;
  throw noSuchResource('customer', id);
});

const update = endpoint('post', '/v1/customers/:id', z.strictObject(fields), (ctx, p, path) => {
  const customer = customerOrThrow(ctx, pathParam(path, 'id'));
  const before = structuredCloneJson(customer);
  if (p.email !== undefined) customer.email = orNull(p.email);
  if (p.name !== undefined) customer.name = orNull(p.name);
  if (p.description !== undefined) customer.description = orNull(p.description);
  if (p.phone !== undefined) customer.phone = orNull(p.phone);
  customer.metadata = mergeMetadata(customer.metadata, p.metadata);
  const prev = previousAttributes(before, structuredCloneJson(customer));
  if (prev) ctx.events.emit('customer.updated', customer, prev);
  const card = p.invoice_settings?.default_payment_method;
  if (card) setPaymentBehaviour(ctx, customer, TEST_PAYMENT_METHODS[card]);
  return customer;
});

const del = endpoint('delete', '/v1/customers/:id', z.strictObject({}), (ctx, _p, path) => {
  const customer = customerOrThrow(ctx, pathParam(path, 'id'));
  // Deleting a customer cancels its subscriptions at once.
  for (const record of ctx.state.subscriptions.values()) {
    if (record.subscription.customer === customer.id && record.subscription.status !== 'canceled')
      cancelNow(ctx, record, 'cancellation_requested');
  }
  ctx.state.customers.delete(customer.id);
  ctx.state.deletedCustomers.add(customer.id);
  ctx.events.emit('customer.deleted', customer);
  return { id: customer.id, object: 'customer', deleted: true } satisfies Stripe.DeletedCustomer;
});

const list = endpoint('get', '/v1/customers', z.strictObject({ ...listParams, email: z.string().optional() }), (ctx, p) =>
  listPage(
    newestFirst(ctx.state.customers).filter((c) => p.email === undefined || c.email === p.email),
    p,
    '/v1/customers',
  ),
);

export const endpoints: ApiEndpoint[] = [create, list, retrieve, update, del];
