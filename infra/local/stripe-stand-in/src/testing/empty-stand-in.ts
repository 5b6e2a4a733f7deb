// For the tests of the write endpoints (what a Stripe setup script calls): a stand-in started with
// an empty catalog, as a new Stripe account, for each test; and the Stripe error a refused call
// rejects with.
import type Stripe from 'stripe';
import { afterEach, beforeEach } from 'vitest';
import { startStandIn, type RunningStandIn } from './start-stand-in.js';

/** Registers the per-test stand-in (call at the top of a test file); returns the current one. */
export function emptyStandInPerTest(): () => RunningStandIn {
  let running: RunningStandIn | undefined;
  beforeEach(async () => {
    running = await startStandIn({ catalog: 'empty' });
  });
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });
  return () => {
    if (!running) throw new Error('the stand-in runs only inside a test');
    return running;
  };
}

/** The StripeError a call rejects with, or null if it succeeded. */
export const refusal = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as Stripe.errors.StripeError,
  );
