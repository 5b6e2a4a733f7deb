// POST /v1/billing/meters (create) and POST /v1/billing/meters/:id (update: the display name is
// the only field Stripe lets change). Meter events find their meter by `event_name`, so two active
// meters may not share one. https://docs.stripe.com/api/billing/meter/create
import type Stripe from 'stripe';
import { z } from 'zod';
import { newId } from '../billing/object-ids.js';
import { expandParam } from '../http/request-params.js';
import { invalidParam, noSuchResource } from '../http/stripe-error.js';
import { endpoint, pathParam, type ApiEndpoint } from './endpoint.js';

const displayName = z.string().min(1).max(250);
const payloadKey = z.string().min(1).max(100);

const create = endpoint(
  'post',
  '/v1/billing/meters',
  z.strictObject({
    display_name: displayName,
    event_name: z.string().min(1).max(100),
    default_aggregation: z.strictObject({ formula: z.enum(['count', 'last', 'sum']) }),
    customer_mapping: z.strictObject({ event_payload_key: payloadKey, type: z.literal('by_id') }).optional(),
    value_settings: z.strictObject({ event_payload_key: payloadKey }).optional(),
    event_time_window: z.enum(['day', 'hour']).optional(),
    expand: expandParam,
  }),
  (ctx, p) => {
    const taken = [...ctx.state.meters.values()].find((m) => m.event_name === p.event_name && m.status === 'active');
    if (taken)
      throw invalidParam(
        'event_name',
        `An active meter with event_name '${p.event_name}' already exists (${taken.id}).`,
        'resource_already_exists',
      );
    const now = ctx.clock.now();
    const meter: Stripe.Billing.Meter = {
      id: newId('mtr', 24),
      object: 'billing.meter',
      created: now,
      // Stripe's defaults when the mapping and value key are not given.
      customer_mapping: p.customer_mapping ?? { event_payload_key: 'stripe_customer_id', type: 'by_id' },
      default_aggregation: p.default_aggregation,
      display_name: p.display_name,
      event_name: p.event_name,
      event_time_window: p.event_time_window ?? null,
      livemode: false,
      status: 'active',
      status_transitions: { deactivated_at: null },
      updated: now,
      value_settings: p.value_settings ?? { event_payload_key: 'value' },
    };
    ctx.state.meters.set(meter.id, meter);
    return meter;
  },
);

const update = endpoint(
  'post',
  '/v1/billing/meters/:id',
  z.strictObject({ display_name: displayName.optional(), expand: expandParam }),
  (ctx, p, path) => {
    const id = pathParam(path, 'id');
    const meter = ctx.state.meters.get(id);
    if (!meter) throw noSuchResource('billing.meter', id);
    if (p.display_name !== undefined && p.display_name !== meter.display_name) {
      meter.display_name = p.display_name;
      meter.updated = ctx.clock.now();
    }
    return meter;
  },
);

export const endpoints: ApiEndpoint[] = [create, update];
