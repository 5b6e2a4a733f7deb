// What the StripeReader over the SDK (stripe-reader-sdk.ts) throws, in the terms of its port
// (ports/stripe-reader.ts), so that no caller reads an SDK error: what classify-stripe-error.ts
// calls transient (an outage, a rate limit, Stripe-Should-Retry: true) is a TransientError, which
// the applier throws so that Pub/Sub redelivers; a missing object is a StripeObjectNotFound (the
// app answers its own 404); everything else is a PermanentError, dead-lettered at once by the
// applier: a request Stripe refuses stays so, and a refused key (401/403) needs an operator, who
// replays the dead letters once it is fixed.
import { PermanentError, TransientError } from '../errors/app-error.js';
import { StripeObjectNotFound } from '../ports/stripe-reader.js';
import { classifyStripeError } from './classify-stripe-error.js';

export async function readStripe<T>(what: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    throw stripeReadError(what, err);
  }
}

export function stripeReadError(what: string, err: unknown): unknown {
  const failure = classifyStripeError(err);
  // Not from the SDK (a bug...): propagates (and is retried).
  if (failure === null) return err;
  const summary = `${failure.status ?? 'no answer'} ${failure.code}`;
  switch (failure.kind) {
    case 'transient':
      return new TransientError(`Stripe unavailable for ${what} (${summary})`, {
        cause: err,
        retryAfterSeconds: failure.retryAfterSeconds,
      });
    case 'misconfigured':
      return new PermanentError(`Stripe refused our API key for ${what} (${summary}): check STRIPE_SECRET_KEY and its permissions`, {
        cause: err,
      });
    case 'not_found':
      return new StripeObjectNotFound(`Stripe refused ${what} (${summary})`, { cause: err });
    case 'refused':
      return new PermanentError(`Stripe refused ${what} (${summary})`, { cause: err });
  }
}
