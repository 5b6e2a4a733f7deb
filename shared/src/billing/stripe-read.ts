// The retry policy for reads from Stripe (through the StripeReader port): an outage or a rate
// limit is worth retrying (Pub/Sub redelivers); a request Stripe will refuse again is not.
import Stripe from 'stripe';
import { PermanentError, TransientError } from '../errors/app-error.js';

export async function readStripe<T>(what: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    throw classifyStripeError(what, err);
  }
}

export function classifyStripeError(what: string, err: unknown): unknown {
  if (!(err instanceof Stripe.errors.StripeError)) return err; // unknown failures propagate (and are retried)
  const status = err.statusCode;
  // 404: the object does not exist (a deleted draft invoice...): refetching will not change that.
  // Other 4xx except 401/403/409/429 are requests we build wrong; retrying repeats them.
  if (status !== undefined && status >= 400 && status < 500 && ![401, 403, 409, 429].includes(status)) {
    return new PermanentError(`Stripe refused ${what} (${status} ${err.type})`, { cause: err });
  }
  return new TransientError(`Stripe unavailable for ${what} (${status ?? err.type})`, { cause: err });
}
