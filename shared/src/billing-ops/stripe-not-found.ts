import Stripe from 'stripe';

/** Stripe answered 404 for the object (a made-up or foreign id): the client sees our own 404. */
export function isStripeNotFound(err: unknown): boolean {
  return err instanceof Stripe.errors.StripeError && err.statusCode === 404;
}
