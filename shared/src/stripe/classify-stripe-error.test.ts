// The one reading of Stripe's failures, over real stripe-node error objects (built by the SDK's own
// factory from what Stripe answers, as its request sender does).
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { PermanentError, TransientError } from '../errors/app-error.js';
import { StripeObjectNotFound } from '../ports/stripe-reader.js';
import { classifyStripeError, stripeAdapterError, type StripeFailureKind } from './classify-stripe-error.js';
import { stripeReadError } from './stripe-read-error.js';

type RawError = Parameters<typeof Stripe.errors.StripeError.generate>[0];

/** What the SDK throws for an answer with this status, body and headers. */
const answered = (statusCode: number, error: Pick<RawError, 'type' | 'code' | 'param'>, headers: Record<string, string> = {}) =>
  Stripe.errors.StripeError.generate({ statusCode, message: 'from Stripe', headers, ...error });
const noAnswer = () =>
  new Stripe.errors.StripeConnectionError({ message: 'An error occurred with our connection to Stripe. Request was retried 2 times.' });

const cases: [string, Stripe.errors.StripeError, StripeFailureKind][] = [
  ['no answer (refused, reset, timed out)', noAnswer(), 'transient'],
  ['500', answered(500, { type: 'api_error' }), 'transient'],
  ['503', answered(503, { type: 'api_error' }), 'transient'],
  ['429', answered(429, { type: 'invalid_request_error', code: 'rate_limit' }), 'transient'],
  ['400 rate_limit', answered(400, { type: 'invalid_request_error', code: 'rate_limit' }), 'transient'],
  ['409 lock timeout', answered(409, { type: 'invalid_request_error', code: 'lock_timeout' }), 'transient'],
  ['404', answered(404, { type: 'invalid_request_error', code: 'resource_missing', param: 'id' }), 'not_found'],
  [
    '400 resource_missing on a parameter',
    answered(400, { type: 'invalid_request_error', code: 'resource_missing', param: 'starting_after' }),
    'not_found',
  ],
  ['400 bad parameter', answered(400, { type: 'invalid_request_error', code: 'parameter_invalid', param: 'limit' }), 'refused'],
  ['400 idempotency key reused', answered(400, { type: 'idempotency_error' }), 'refused'],
  ['402 card declined', answered(402, { type: 'card_error', code: 'card_declined' }), 'refused'],
  ['401 key refused', answered(401, { type: 'invalid_request_error' }), 'misconfigured'],
  ['403 key lacks a permission', answered(403, { type: 'invalid_request_error' }), 'misconfigured'],
  ['500 that Stripe says a retry would only repeat', answered(500, { type: 'api_error' }, { 'stripe-should-retry': 'false' }), 'refused'],
  [
    'a webhook signature that does not verify (no API call)',
    new Stripe.errors.StripeSignatureVerificationError('', '', { message: 'No signatures found' }),
    'refused',
  ],
  ['400 that Stripe says to retry', answered(400, { type: 'invalid_request_error' }, { 'stripe-should-retry': 'true' }), 'transient'],
];

describe('classifyStripeError', () => {
  it.each(cases)('%s is %s', (_name, err, kind) => {
    expect(classifyStripeError(err)?.kind).toBe(kind);
  });

  it('is null for what is not a Stripe SDK error', () => {
    expect(classifyStripeError(new Error('ECONNRESET'))).toBeNull();
    expect(classifyStripeError({ statusCode: 500 })).toBeNull();
  });

  it('advises a short wait for a rate limit and a longer one for an outage', () => {
    expect(classifyStripeError(answered(429, { type: 'invalid_request_error' }))).toMatchObject({
      rateLimited: true,
      retryAfterSeconds: 1,
    });
    expect(classifyStripeError(noAnswer())).toMatchObject({ status: null, rateLimited: false, retryAfterSeconds: 5 });
  });
});

describe('every caller reads a failure the same way', () => {
  it.each(cases)(
    '%s: the applier retries it iff it is transient, the adapters make it a TransientError iff so, the app answers 404 iff it is not_found',
    (_name, err, kind) => {
      const transient = kind === 'transient';
      const read = stripeReadError('subscription', err);
      expect(read).toBeInstanceOf(transient ? TransientError : PermanentError);
      expect(stripeAdapterError('invoice list', err) instanceof TransientError).toBe(transient);
      expect(read instanceof StripeObjectNotFound).toBe(kind === 'not_found');
    },
  );

  it('a refused key is permanent for the applier (dead-lettered, to replay once the key is fixed), not retried in silence', () => {
    const read = stripeReadError('customer', answered(401, { type: 'invalid_request_error' }));
    expect(read).toBeInstanceOf(PermanentError);
    expect((read as Error).message).toContain('STRIPE_SECRET_KEY');
  });
});
