// POST /v1/billing/meter_events, with Stripe's synchronous checks: the timestamp must lie within
// 35 days back and 5 minutes ahead, and an `identifier` already seen (Stripe enforces at least
// 24 h; the stand-in remembers forever) is refused with a 400 and not counted again.
import type Stripe from 'stripe';
import { z } from 'zod';
import { days } from '../billing/billing-periods.js';
import type { MeterEventRecord, StandInState } from '../billing/stand-in-state.js';
import { newId } from '../billing/object-ids.js';
import { expandParam, formInt } from '../http/request-params.js';
import { invalidParam, StripeApiError } from '../http/stripe-error.js';
import { endpoint, type ApiEndpoint } from './endpoint.js';

const PAST_WINDOW = days(35);
const FUTURE_WINDOW = 5 * 60;

const params = z.strictObject({
  event_name: z.string().min(1).max(100),
  payload: z.strictObject({
    stripe_customer_id: z.string().regex(/^cus_/, 'must be a customer id'),
    value: z.string().regex(/^\d+$/, 'must be a whole number'),
  }),
  identifier: z.string().min(1).max(100).optional(),
  timestamp: formInt.optional(),
  expand: expandParam,
});

const create = endpoint('post', '/v1/billing/meter_events', params, (ctx, p): Stripe.Billing.MeterEvent => {
  const now = ctx.clock.now();
  const timestamp = p.timestamp ?? now;
  if (timestamp < now - PAST_WINDOW || timestamp > now + FUTURE_WINDOW)
    throw invalidParam(
      'timestamp',
      'Timestamp must be within the past 35 calendar days or up to 5 minutes in the future.',
      'timestamp_outside_window',
    );
  if (![...ctx.state.meters.values()].some((m) => m.event_name === p.event_name && m.status === 'active'))
    throw invalidParam('event_name', `No active meter was found for event_name '${p.event_name}'.`, 'resource_missing');
  if (!ctx.state.customers.has(p.payload.stripe_customer_id))
    throw invalidParam('payload[stripe_customer_id]', `No such customer: '${p.payload.stripe_customer_id}'`, 'resource_missing');
  const identifier = p.identifier ?? newId('mev');
  if (ctx.state.meterEventIdentifiers.has(identifier))
    throw new StripeApiError(
      400,
      'invalid_request_error',
      `An event with identifier '${identifier}' already exists.`,
      'identifier',
      'resource_already_exists',
    );
  ctx.state.meterEventIdentifiers.set(identifier, now);
  ctx.state.meterEvents.push({
    identifier,
    eventName: p.event_name,
    customer: p.payload.stripe_customer_id,
    value: Number(p.payload.value),
    timestamp,
    created: now,
  });
  return {
    object: 'billing.meter_event',
    created: now,
    event_name: p.event_name,
    identifier,
    livemode: false,
    payload: p.payload,
    timestamp,
  };
});

export const endpoints: ApiEndpoint[] = [create];

/** What was recorded for a customer (tests compare billed vs used with this). */
export function meterEventsOf(state: StandInState, customerId: string, eventName?: string): MeterEventRecord[] {
  return state.meterEvents.filter((e) => e.customer === customerId && (eventName === undefined || e.eventName === eventName));
}
