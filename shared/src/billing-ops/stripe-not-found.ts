import { classifyStripeError } from '../stripe/classify-stripe-error.js';

/** Stripe has no such object (a made-up or foreign id): the client sees our own 404. */
export function isStripeNotFound(err: unknown): boolean {
  return classifyStripeError(err)?.kind === 'not_found';
}
