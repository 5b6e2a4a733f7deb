// Real-shaped Stripe events for tests, signed with the Stripe SDK exactly as Stripe signs them.
// Fixtures come from Stripe's OpenAPI fixtures in the current API shape (see fixtures/).
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';

const stripe = new Stripe('sk_test_fixtures');

export const FIXTURE_TYPES = [
  'checkout.session.completed',
  'customer.created',
  'customer.deleted',
  'customer.subscription.created',
  'customer.subscription.deleted',
  'customer.subscription.paused',
  'customer.subscription.resumed',
  'customer.subscription.trial_will_end',
  'customer.subscription.updated',
  'customer.updated',
  'entitlements.active_entitlement_summary.updated',
  'invoice.paid',
  'invoice.payment_failed',
  'invoice.payment_succeeded',
] as const;
export type FixtureType = (typeof FIXTURE_TYPES)[number];

/** A fresh deep copy of the fixture event, so a test can edit ids, times and fields freely. */
export function fixtureEvent(type: FixtureType): Stripe.Event {
  const url = new URL(`./fixtures/${type}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Stripe.Event;
}

export function randomStripeId(prefix: string): string {
  return `${prefix}_${randomBytes(9).toString('base64url').replace(/[-_]/g, 'x')}`;
}

export interface SignedPayload {
  body: string;
  signature: string;
}

/** Serialises the event and signs it like Stripe (`t=...,v1=...`), optionally at another time. */
export function signEvent(event: unknown, secret: string, opts: { timestamp?: number } = {}): SignedPayload {
  const body = typeof event === 'string' ? event : JSON.stringify(event);
  const signature = stripe.webhooks.generateTestHeaderString({
    payload: body,
    secret,
    ...(opts.timestamp !== undefined ? { timestamp: opts.timestamp } : {}),
  });
  return { body, signature };
}
