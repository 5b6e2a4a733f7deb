// /v1/checkout/sessions in subscription mode: create, retrieve, list (by customer, subscription,
// status) and expire. The session's `url` is the stand-in's own hosted page; completing it (Pay
// button, or POST /_stand-in/checkout/:id/complete) starts the subscription.
import type Stripe from 'stripe';
import { z } from 'zod';
import { checkoutSessionObject } from '../billing/checkout-session-object.js';
import { newestFirst } from '../billing/stand-in-state.js';
import { expandParam, formInt, listParams, metadataParam } from '../http/request-params.js';
import { badState, invalidParam, noSuchResource } from '../http/stripe-error.js';
import { customerOrThrow } from './customers.js';
import { endpoint, pathParam, type ApiEndpoint } from './endpoint.js';
import { listPage } from './list-page.js';

const params = z.strictObject({
  mode: z.literal('subscription', { error: 'the Stripe stand-in supports mode=subscription only' }),
  customer: z.string(),
  line_items: z
    .array(z.strictObject({ price: z.string(), quantity: formInt.pipe(z.number().min(1)).optional() }))
    .min(1)
    .max(20),
  client_reference_id: z.string().max(200).optional(),
  success_url: z.url().max(5000).optional(),
  cancel_url: z.url().max(5000).optional(),
  subscription_data: z
    .strictObject({ trial_period_days: formInt.pipe(z.number().min(1).max(730)).optional(), metadata: metadataParam.optional() })
    .optional(),
  metadata: metadataParam.optional(),
  ui_mode: z.enum(['hosted_page', 'embedded_page', 'elements']).optional(),
  allow_promotion_codes: z.enum(['true', 'false']).optional(),
  expand: expandParam,
});

const create = endpoint('post', '/v1/checkout/sessions', params, (ctx, p) => {
  const customer = customerOrThrow(ctx, p.customer, 'customer');
  if ((p.ui_mode ?? 'hosted_page') === 'hosted_page' && !p.success_url)
    throw invalidParam('success_url', 'success_url is required when ui_mode is hosted_page.', 'parameter_missing');
  const items = p.line_items.map((li, i) => {
    const price = ctx.state.prices.get(li.price);
    if (!price?.active) throw noSuchResource('price', li.price, `line_items[${i}][price]`);
    const metered = price.recurring?.usage_type === 'metered';
    if (metered && li.quantity !== undefined)
      throw invalidParam(
        `line_items[${i}][quantity]`,
        'Quantity should not be specified where usage_type is `metered`. Remove quantity from `line_items[0]`.',
      );
    if (!metered && li.quantity === undefined)
      throw invalidParam(`line_items[${i}][quantity]`, 'Quantity is required. Add `quantity` to `line_items[0]`', 'parameter_missing');
    return { price, quantity: li.quantity };
  });
  const trialDays = p.subscription_data?.trial_period_days;
  const amountTotal = trialDays ? 0 : items.reduce((sum, i) => sum + (i.price.unit_amount ?? 0) * (i.quantity ?? 0), 0);
  const session = checkoutSessionObject({
    customer,
    clientReferenceId: p.client_reference_id ?? null,
    successUrl: p.success_url ?? null,
    cancelUrl: p.cancel_url ?? null,
    metadata: p.metadata ?? {},
    uiMode: p.ui_mode ?? 'hosted_page',
    allowPromotionCodes: p.allow_promotion_codes === undefined ? null : p.allow_promotion_codes === 'true',
    amountTotal,
    now: ctx.clock.now(),
    publicUrl: ctx.publicUrl(),
  });
  ctx.state.checkoutSessions.set(session.id, session);
  ctx.state.checkoutIntents.set(session.id, { items, trialDays, subscriptionMetadata: p.subscription_data?.metadata ?? {} });
  return session;
});

export function checkoutSessionOrThrow(sessions: ReadonlyMap<string, Stripe.Checkout.Session>, id: string): Stripe.Checkout.Session {
  const session = sessions.get(id);
  if (!session) throw noSuchResource('checkout.session', id);
  return session;
}

const retrieve = endpoint('get', '/v1/checkout/sessions/:id', z.strictObject({ expand: expandParam }), (ctx, _p, path) =>
  checkoutSessionOrThrow(ctx.state.checkoutSessions, pathParam(path, 'id')),
);

const list = endpoint(
  'get',
  '/v1/checkout/sessions',
  z.strictObject({
    ...listParams,
    customer: z.string().optional(),
    subscription: z.string().optional(),
    status: z.enum(['open', 'complete', 'expired']).optional(),
  }),
  (ctx, p) =>
    listPage(
      newestFirst(ctx.state.checkoutSessions).filter(
        (s) =>
          (p.customer === undefined || s.customer === p.customer) &&
          (p.subscription === undefined || s.subscription === p.subscription) &&
          (p.status === undefined || s.status === p.status),
      ),
      p,
      '/v1/checkout/sessions',
    ),
);

/** Only an open session can be expired; its hosted page then refuses payment. */
const expire = endpoint('post', '/v1/checkout/sessions/:id/expire', z.strictObject({ expand: expandParam }), (ctx, _p, path) => {
  const session = checkoutSessionOrThrow(ctx.state.checkoutSessions, pathParam(path, 'id'));
  if (session.status !== 'open')
    throw badState(
      `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${session.status ?? 'unknown'}".`,
    );
  session.status = 'expired';
  ctx.events.emit('checkout.session.expired', session);
  return session;
});

export const endpoints: ApiEndpoint[] = [create, list, retrieve, expire];
