// Branded ids: a Stripe customer id and our user id are both strings, and mixing them up is a bug.
import { z } from 'zod';

export const UserId = z.string().min(1).max(128).brand<'UserId'>();
export type UserId = z.infer<typeof UserId>;

export const StripeCustomerId = z.string().regex(/^cus_[A-Za-z0-9]+$/).brand<'StripeCustomerId'>();
export type StripeCustomerId = z.infer<typeof StripeCustomerId>;

export const StripeSubscriptionId = z.string().regex(/^sub_[A-Za-z0-9]+$/).brand<'StripeSubscriptionId'>();
export type StripeSubscriptionId = z.infer<typeof StripeSubscriptionId>;

export const StripeEventId = z.string().regex(/^evt_[A-Za-z0-9]+$/).brand<'StripeEventId'>();
export type StripeEventId = z.infer<typeof StripeEventId>;

/** Narrow an expandable Stripe field (`string | {id} | null`) to its id without a cast. */
export function idOf(value: string | { id: string } | null | undefined): string | null {
  if (value == null) return null;
  return typeof value === 'string' ? value : value.id;
}
