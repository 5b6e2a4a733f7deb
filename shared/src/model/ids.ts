// Branded ids: a Stripe customer id and our user id are both strings, and mixing them up is a bug.
// The Stripe ones follow the one id grammar (stripe/stripe-ids.ts).
import { z } from 'zod';
import { stripeId } from '../stripe/stripe-ids.js';

export const UserId = z.string().min(1).max(128).brand<'UserId'>();
export type UserId = z.infer<typeof UserId>;

export const StripeCustomerId = stripeId('cus').brand<'StripeCustomerId'>();
export type StripeCustomerId = z.infer<typeof StripeCustomerId>;

export const StripeSubscriptionId = stripeId('sub').brand<'StripeSubscriptionId'>();
export type StripeSubscriptionId = z.infer<typeof StripeSubscriptionId>;

export const StripeEventId = stripeId('evt').brand<'StripeEventId'>();
export type StripeEventId = z.infer<typeof StripeEventId>;

/** Narrow an expandable Stripe field (`string | {id} | null`) to its id without a cast. */
export function idOf(value: string | { id: string } | null | undefined): string | null {
  if (value == null) return null;
  return typeof value === 'string' ? value : value.id;
}
