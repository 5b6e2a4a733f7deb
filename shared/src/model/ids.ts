// Branded ids: a Stripe customer id and our user id are both strings, and mixing them up is a bug.
// The Stripe ones follow the one id grammar (stripe/stripe-ids.ts).
import { z } from 'zod';
import { stripeId } from '../stripe/stripe-ids.js';

// No '/' (it would name a subcollection), '|' (the membership id's separator) or white space: an
// identity carrying one is refused at sign-in rather than building a wrong document path.
export const UserId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[^/|\s]+$/, 'must be a user id')
  .brand<'UserId'>();
export type UserId = z.infer<typeof UserId>;

/** A billing account: a personal account's id is its user's id, a team's is `team_` and random characters. */
export const AccountId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[^/|\s]+$/, 'must be an account id')
  .brand<'AccountId'>();
export type AccountId = z.infer<typeof AccountId>;

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
