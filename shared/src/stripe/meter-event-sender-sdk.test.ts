// The meter-event sender reads Stripe's failures with the one classifier (classify-stripe-error.ts):
// it retries what the applier retries and gives up on what the applier dead-letters.
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { TransientError } from '../errors/app-error.js';
import { ALREADY_RECORDED, sendFailureOf } from './meter-event-sender-sdk.js';
import { stripeReadError } from './stripe-read-error.js';

type RawErrorType = NonNullable<Parameters<typeof Stripe.errors.StripeError.generate>[0]['type']>;
const answered = (statusCode: number, type: RawErrorType, code?: string) =>
  Stripe.errors.StripeError.generate({ statusCode, type, message: 'from Stripe', ...(code ? { code } : {}) });

describe('sendFailureOf', () => {
  it.each([
    ['401', answered(401, 'invalid_request_error'), 'permanent'],
    ['403', answered(403, 'invalid_request_error'), 'permanent'],
    ['400', answered(400, 'invalid_request_error', 'parameter_invalid'), 'permanent'],
    ['404 customer', answered(404, 'invalid_request_error', 'resource_missing'), 'permanent'],
    ['409', answered(409, 'invalid_request_error', 'lock_timeout'), 'transient'],
    ['429', answered(429, 'invalid_request_error', 'rate_limit'), 'transient'],
    ['500', answered(500, 'api_error'), 'transient'],
    ['no answer', new Stripe.errors.StripeConnectionError({ message: 'connection reset' }), 'transient'],
  ] as const)('%s is %s, as for the event applier', (_name, err, kind) => {
    expect(sendFailureOf(err).kind).toBe(kind);
    expect(stripeReadError('meter event', err) instanceof TransientError).toBe(kind === 'transient');
  });

  it('marks a rate limit for a backoff inside the run, and keeps the status in a transient code', () => {
    expect(sendFailureOf(answered(429, 'invalid_request_error', 'rate_limit'))).toEqual({
      kind: 'transient',
      code: '429:rate_limit',
      rateLimited: true,
    });
    expect(sendFailureOf(answered(500, 'api_error'))).toEqual({ kind: 'transient', code: '500:StripeAPIError', rateLimited: false });
  });

  it('reads an identifier Stripe already has as its code, which the sender takes as recorded', () => {
    expect(sendFailureOf(answered(400, 'invalid_request_error', ALREADY_RECORDED))).toEqual({
      kind: 'permanent',
      code: ALREADY_RECORDED,
      rateLimited: false,
    });
  });

  it('treats an error that is not the SDK’s as transient (the report stays claimed and is resent)', () => {
    expect(sendFailureOf(new Error('bug'))).toEqual({ kind: 'transient', code: 'unknown', rateLimited: false });
  });
});
