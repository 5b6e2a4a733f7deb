// The one reading of a Stripe SDK error: what kind of failure it is, and so what every caller
// does with it (the app's gateway, the applier's reads, the meter-event sender). Like stripe-node's
// own retry decision (RequestSender._shouldRetry), `Stripe-Should-Retry` is followed first: Stripe
// knows better than a status code whether a retry can succeed (e.g. a 500 it would only replay
// from its idempotency store says `false`; a lock timeout says `true`).
// https://docs.stripe.com/error-low-level#server-errors
import Stripe from 'stripe';
import { z } from 'zod';
import { TransientError } from '../errors/app-error.js';

/**
 * - `transient`: an outage, a timeout, a rate limit or a conflict: the same request may pass later.
 * - `not_found`: the object does not exist for this account (404, or `resource_missing` on a
 *   parameter): a made-up or foreign id, which a retry will not change.
 * - `refused`: any other request Stripe will refuse again (a request we built wrong, a card
 *   decline, an idempotency-key reuse), or a failure Stripe says a retry would only repeat.
 * - `misconfigured`: 401/403, our key is wrong, revoked or lacks a permission. Permanent for the
 *   request (a retry with the same key cannot pass) and not the caller's fault: callers answer it
 *   as an internal error logged at ERROR, so an operator is alerted and fixes the key, rather than
 *   retrying in silence (the applier dead-letters, to be replayed once the key is fixed).
 */
export const StripeFailureKind = z.enum(['transient', 'not_found', 'refused', 'misconfigured']);
export type StripeFailureKind = z.infer<typeof StripeFailureKind>;

export interface StripeFailure {
  readonly kind: StripeFailureKind;
  /** The HTTP status; null when no answer came (connection refused, reset, timed out). */
  readonly status: number | null;
  /** Stripe's error `code` (`resource_missing`, `rate_limit`...) or, without one, the SDK error type. */
  readonly code: string;
  /** The request parameter Stripe names as the culprit, if any (`starting_after`, `id`...). */
  readonly param: string | null;
  /** Stripe's rate limit (429, or its 400 `rate_limit`): worth a short backoff, not an outage. */
  readonly rateLimited: boolean;
  /** For `transient`: how long a client should wait before retrying (what `Retry-After` says). */
  readonly retryAfterSeconds: number;
}

/** Stripe's rate limits are per second: one is enough to be under them again. */
const RATE_LIMIT_RETRY_AFTER_SECONDS = 1;
/** An outage or a timeout: give Stripe (and the SDK's own retries) a little longer. */
const OUTAGE_RETRY_AFTER_SECONDS = 5;

/** What kind of failure `err` is, or null when it is not an error of the Stripe SDK. */
export function classifyStripeError(err: unknown): StripeFailure | null {
  if (!(err instanceof Stripe.errors.StripeError)) return null;
  const status = typeof err.statusCode === 'number' ? err.statusCode : null;
  const code = err.code ?? err.type;
  const param = err.param ?? null;
  const rateLimited = status === 429 || err instanceof Stripe.errors.StripeRateLimitError;
  const retryAfterSeconds = rateLimited ? RATE_LIMIT_RETRY_AFTER_SECONDS : OUTAGE_RETRY_AFTER_SECONDS;
  const unanswered = err instanceof Stripe.errors.StripeConnectionError || err instanceof Stripe.errors.StripeAPIError;
  const byStatus = kindOfAnswer(status, code, rateLimited, unanswered);
  const header = shouldRetryHeader(err);
  const kind = header === 'true' ? 'transient' : header === 'false' && byStatus === 'transient' ? 'refused' : byStatus;
  return { kind, status, code, param, rateLimited, retryAfterSeconds };
}

function kindOfAnswer(status: number | null, code: string, rateLimited: boolean, unanswered: boolean): StripeFailureKind {
  // No status: no answer came (StripeConnectionError) or the SDK could not read it (StripeAPIError),
  // which may pass later; any other SDK error without one (a webhook signature that does not
  // verify) is no API failure at all, and a retry will not change it.
  if (status === null) return unanswered ? 'transient' : 'refused';
  // 409: a concurrent request with the same idempotency key, or a lock timeout; Stripe says retry.
  if (rateLimited || status === 409 || status >= 500) return 'transient';
  if (status === 404 || code === 'resource_missing') return 'not_found';
  if (status === 401 || status === 403) return 'misconfigured';
  return 'refused';
}

/** stripe-node exposes the answer's headers (lower-cased) on the error. */
function shouldRetryHeader(err: Stripe.errors.StripeError): string | undefined {
  const headers: unknown = err.headers;
  if (typeof headers !== 'object' || headers === null) return undefined;
  const value: unknown = (headers as Record<string, unknown>)['stripe-should-retry'];
  return typeof value === 'string' ? value : undefined;
}

/**
 * What a Stripe adapter throws in place of an SDK error it has no answer of its own for: a
 * TransientError when a retry may pass (a service answers 503 with `Retry-After`, the applier
 * has Pub/Sub redeliver); anything else unchanged, for the caller to read with
 * `classifyStripeError` (a service answers it 500 and logs it at ERROR: a request we built wrong
 * is our bug, a refused key needs the operator; the applier dead-letters it).
 */
export function stripeAdapterError(what: string, err: unknown): unknown {
  const failure = classifyStripeError(err);
  if (failure?.kind !== 'transient') return err;
  return new TransientError(`Stripe unavailable for ${what} (${failure.status ?? 'no answer'} ${failure.code})`, {
    cause: err,
    retryAfterSeconds: failure.retryAfterSeconds,
  });
}

/** Runs one Stripe call, its SDK errors replaced as `stripeAdapterError` says. */
export async function callStripe<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw stripeAdapterError(what, err);
  }
}
