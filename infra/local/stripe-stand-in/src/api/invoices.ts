// /v1/invoices: list (by customer, subscription, status; newest first, paginated), retrieve,
// create_preview for a subscription update (what the change would invoice, nothing changed), and
// pay (charge an open invoice now, as the Dashboard's "retry payment").
import { z } from 'zod';
import { previewInvoice } from '../billing/invoice-preview.js';
import { payOpenInvoice } from '../billing/pay-invoice.js';
import { newestFirst } from '../billing/stand-in-state.js';
import { customerIdOf } from '../billing/subscription-changes.js';
import { itemChangeOutcome, ProrationBehavior } from '../billing/subscription-item-changes.js';
import { currentPeriod } from '../billing/subscription-object.js';
import { expandParam, formInt, listParams } from '../http/request-params.js';
import { badState, invalidParam, noSuchResource, StripeApiError } from '../http/stripe-error.js';
import { endpoint, pathParam, retrieveEndpoint, type ApiEndpoint } from './endpoint.js';
import { listPage } from './list-page.js';
import { itemChangesOf, ItemParam } from './subscription-item-params.js';
import { subscriptionRecordOrThrow } from './subscriptions.js';

const list = endpoint(
  'get',
  '/v1/invoices',
  z.strictObject({
    ...listParams,
    customer: z.string().optional(),
    subscription: z.string().optional(),
    status: z.enum(['draft', 'open', 'paid', 'uncollectible', 'void']).optional(),
  }),
  (ctx, p) =>
    listPage(
      newestFirst(ctx.state.invoices).filter(
        (inv) =>
          (p.customer === undefined || inv.customer === p.customer) &&
          (p.subscription === undefined || inv.parent?.subscription_details?.subscription === p.subscription) &&
          (p.status === undefined || inv.status === p.status),
      ),
      p,
      '/v1/invoices',
    ),
);

const retrieve = retrieveEndpoint('/v1/invoices', 'invoice', (ctx, id) => ctx.state.invoices.get(id));

const createPreview = endpoint(
  'post',
  '/v1/invoices/create_preview',
  z.strictObject({
    customer: z.string().optional(),
    subscription: z.string(),
    subscription_details: z
      .strictObject({
        items: z.array(ItemParam).max(20).optional(),
        proration_behavior: z.enum(ProrationBehavior).optional(),
        proration_date: formInt.optional(),
      })
      .optional(),
    expand: expandParam,
  }),
  (ctx, p) => {
    const record = subscriptionRecordOrThrow(ctx, p.subscription);
    const sub = record.subscription;
    if (p.customer !== undefined && p.customer !== customerIdOf(sub))
      throw invalidParam('customer', `The subscription ${sub.id} does not belong to the customer ${p.customer}.`);
    if (sub.status === 'canceled' || sub.status === 'incomplete_expired')
      throw badState(`The subscription ${sub.id} has ended: there is no upcoming invoice.`, 'invoice_upcoming_none');
    const details = p.subscription_details ?? {};
    const behaviour = details.proration_behavior ?? 'create_prorations';
    const period = currentPeriod(sub);
    const at = details.proration_date ?? ctx.clock.now();
    if (details.proration_date !== undefined) {
      if (behaviour === 'none')
        throw invalidParam('subscription_details[proration_date]', 'proration_date cannot be set when proration_behavior is none.');
      if (at < period.start || at > period.end)
        throw invalidParam('subscription_details[proration_date]', 'proration_date must be within the current subscription period.');
    }
    const changes = itemChangesOf(ctx, sub, details.items ?? []);
    return previewInvoice(ctx, record, itemChangeOutcome(ctx, sub, changes, at, behaviour), at);
  },
);

/**
 * POST /v1/invoices/:id/pay: one payment attempt now with the customer's default payment method.
 * Paid: the subscription's dunning stops and a past-due subscription is active again, and a pending
 * update waiting on the invoice is applied. Declined:
 * Stripe answers 402 card_error (and emits invoice.payment_failed); not open: 400 invoice_not_open.
 * https://docs.stripe.com/api/invoices/pay
 */
const pay = endpoint('post', '/v1/invoices/:id/pay', z.strictObject({ expand: expandParam }), (ctx, _p, path) => {
  const id = pathParam(path, 'id');
  const invoice = ctx.state.invoices.get(id);
  if (!invoice) throw noSuchResource('invoice', id);
  if (invoice.status === 'paid') throw badState('Invoice is already paid', 'invoice_already_paid');
  if (invoice.status !== 'open')
    throw badState(`You can only pay an open invoice. This invoice is ${invoice.status ?? 'draft'}.`, 'invoice_not_open');
  // Paid, it also settles what waited on it (dunning, a pending update): billing/pay-invoice.ts.
  const outcome = payOpenInvoice(ctx, invoice);
  if (outcome !== 'paid')
    throw new StripeApiError(
      402,
      'card_error',
      outcome === 'requires_action' ? 'This payment requires additional user action.' : 'Your card was declined.',
      undefined,
      outcome === 'requires_action' ? 'invoice_payment_intent_requires_action' : 'card_declined',
    );
  return invoice;
});

export const endpoints: ApiEndpoint[] = [list, createPreview, pay, retrieve];
