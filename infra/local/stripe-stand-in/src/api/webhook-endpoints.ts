// /v1/webhook_endpoints: create, list, retrieve, update, delete, as a setup script registers its
// endpoint. The signing secret is returned only by the create call, as at Stripe. The stand-in
// keeps these for the API only: it delivers every event to the one URL it was started with
// (STAND_IN_WEBHOOK_URL), signed with its one secret. https://docs.stripe.com/api/webhook_endpoints
import { randomBytes } from 'node:crypto';
import type Stripe from 'stripe';
import { z } from 'zod';
import type { BillingContext } from '../billing/billing-context.js';
import { newestFirst } from '../billing/stand-in-state.js';
import { newId } from '../billing/object-ids.js';
import { emptyable, expandParam, formBool, listParams, metadataParam } from '../http/request-params.js';
import { badState, noSuchResource } from '../http/stripe-error.js';
import { endpoint, pathParam, type ApiEndpoint } from './endpoint.js';
import { listPage } from './list-page.js';
import { mergeMetadata } from './merge-metadata.js';

/** Stripe's limit of webhook endpoints per account. */
const MAX_ENDPOINTS = 16;

const url = z.url({ protocol: /^https?$/ }).max(5000);
// `*` or an event type such as `customer.subscription.updated` (Stripe refuses unknown types; the
// stand-in checks the shape, so a typo such as a space or an empty entry is still a 400).
const enabledEvents = z
  .array(z.union([z.literal('*'), z.string().regex(/^[a-z_]+(\.[a-z_]+)+$/, 'must be an event type')]))
  .min(1)
  .max(500);
const apiVersion = z.string().regex(/^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/, 'must be a Stripe API version');
const description = emptyable(z.string().max(5000));

function endpointOrThrow(ctx: BillingContext, id: string): Stripe.WebhookEndpoint {
  const found = ctx.state.webhookEndpoints.get(id);
  if (!found) throw noSuchResource('webhook_endpoint', id);
  return found;
}

/** What every call but create answers: the object without its secret. */
function withoutSecret(we: Stripe.WebhookEndpoint): Stripe.WebhookEndpoint {
  const { secret: _secret, ...rest } = we;
  return rest;
}

const create = endpoint(
  'post',
  '/v1/webhook_endpoints',
  z.strictObject({
    url,
    enabled_events: enabledEvents,
    api_version: apiVersion.optional(),
    description: description.optional(),
    metadata: metadataParam.optional(),
    connect: formBool.optional(),
    expand: expandParam,
  }),
  (ctx, p) => {
    if (ctx.state.webhookEndpoints.size >= MAX_ENDPOINTS)
      throw badState(`You have reached the maximum of ${MAX_ENDPOINTS} test webhook endpoints.`, 'webhook_endpoints_limit_reached');
    const we: Stripe.WebhookEndpoint = {
      id: newId('we', 24),
      object: 'webhook_endpoint',
      // Without an explicit version Stripe renders events in the account's default version.
      api_version: p.api_version ?? null,
      application: null,
      created: ctx.clock.now(),
      description: p.description === undefined || p.description === '' ? null : p.description,
      enabled_events: p.enabled_events,
      livemode: false,
      metadata: mergeMetadata({}, p.metadata),
      secret: `whsec_${randomBytes(24).toString('base64url')}`,
      status: 'enabled',
      url: p.url,
    };
    ctx.state.webhookEndpoints.set(we.id, we);
    return we;
  },
);

const list = endpoint('get', '/v1/webhook_endpoints', z.strictObject(listParams), (ctx, p) =>
  listPage(newestFirst(ctx.state.webhookEndpoints).map(withoutSecret), p, '/v1/webhook_endpoints'),
);

const retrieve = endpoint('get', '/v1/webhook_endpoints/:id', z.strictObject({ expand: expandParam }), (ctx, _p, path) =>
  withoutSecret(endpointOrThrow(ctx, pathParam(path, 'id'))),
);

const update = endpoint(
  'post',
  '/v1/webhook_endpoints/:id',
  // No api_version: Stripe fixes an endpoint's version at creation (a new version is a new endpoint).
  z.strictObject({
    url: url.optional(),
    enabled_events: enabledEvents.optional(),
    description: description.optional(),
    disabled: formBool.optional(),
    metadata: metadataParam.optional(),
    expand: expandParam,
  }),
  (ctx, p, path) => {
    const we = endpointOrThrow(ctx, pathParam(path, 'id'));
    if (p.url !== undefined) we.url = p.url;
    if (p.enabled_events !== undefined) we.enabled_events = p.enabled_events;
    if (p.description !== undefined) we.description = p.description === '' ? null : p.description;
    if (p.disabled !== undefined) we.status = p.disabled ? 'disabled' : 'enabled';
    we.metadata = mergeMetadata(we.metadata, p.metadata);
    return withoutSecret(we);
  },
);

const del = endpoint('delete', '/v1/webhook_endpoints/:id', z.strictObject({}), (ctx, _p, path) => {
  const we = endpointOrThrow(ctx, pathParam(path, 'id'));
  ctx.state.webhookEndpoints.delete(we.id);
  return { id: we.id, object: 'webhook_endpoint', deleted: true } satisfies Stripe.DeletedWebhookEndpoint;
});

export const endpoints: ApiEndpoint[] = [create, list, retrieve, update, del];
