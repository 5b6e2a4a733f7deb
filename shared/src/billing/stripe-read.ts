// The retry policy for reads from Stripe (through the StripeReader port), in the applier's terms:
// what classify-stripe-error.ts calls transient (an outage, a rate limit, Stripe-Should-Retry:
// true) is a TransientError, thrown so that Pub/Sub redelivers; everything else is a
// PermanentError, dead-lettered at once: a missing object or a request Stripe refuses stays so,
// and a refused key (401/403) needs an operator, who replays the dead letters once it is fixed.
import { PermanentError, TransientError } from '../errors/app-error.js';
import { classifyStripeError } from '../stripe/classify-stripe-error.js';

export async function readStripe<T>(what: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    throw stripeReadError(what, err);
  }
}

export function stripeReadError(what: string, err: unknown): unknown {
  const failure = classifyStripeError(err);
  // Not from the SDK (a TransientError of the reader adapter, a bug...): propagates (and is retried).
  if (failure === null) return err;
  const summary = `${failure.status ?? 'no answer'} ${failure.code}`;
  switch (failure.kind) {
    case 'transient':
      return new TransientError(`Stripe unavailable for ${what} (${summary})`, { cause: err, retryAfterSeconds: failure.retryAfterSeconds });
    case 'misconfigured':
      return new PermanentError(`Stripe refused our API key for ${what} (${summary}): check STRIPE_SECRET_KEY and its permissions`, { cause: err });
    case 'not_found':
    case 'refused':
      return new PermanentError(`Stripe refused ${what} (${summary})`, { cause: err });
  }
}
