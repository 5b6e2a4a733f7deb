// Subscribe, cancel, subscribe again at once, end to end: the app as composed in production, the
// Firestore emulator, the local Stripe stand-in (which refuses an idempotency key reused with other
// parameters, as Stripe does) and the event applier for the cancellation. The second Checkout
// differs from the first (no trial: one per user), so it must not reuse the first one's key; the
// third is the same request as the second and must still be a new session, not a replay of the
// completed one.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyEvent } from '@billing/shared/billing/apply-event.js';
import { createStore } from '@billing/shared/firestore/store.js';
import { parseEventMessage } from '@billing/shared/billing/event-envelope.js';
import { silentLogger } from '@billing/shared/logging/logger.js';
import { createSdkStripeReader } from '@billing/shared/stripe/stripe-reader-sdk.js';
import { devSubject } from './auth/dev-iap.js';
import { startTestStack, type TestStack } from './testing/stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

const FRANK = 'frank@example.com';
const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const sessionIdOf = (url: string) => /\/(cs_[A-Za-z0-9_]+)/.exec(url)?.[1] ?? '';

interface Me {
  plan: { id: string };
  trialAvailable: boolean;
  subscription: { id: string; status: string } | null;
}
async function me(): Promise<Me> {
  return (await (await stack.as(FRANK, '/api/me')).json()) as Me;
}
/** /api/me reads the per-instance cache, which follows Firestore through a listener: poll briefly. */
async function eventually(check: () => Promise<boolean>, withinMs = 3_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > withinMs) throw new Error(`not true within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** POST /api/checkout for Pro monthly: the status and the Checkout Session it points to. */
async function checkout(): Promise<{ status: number; sessionId: string }> {
  const res = await stack.as(FRANK, '/api/checkout', json({ lookupKey: 'pro_month' }));
  const body = (await res.json()) as { url?: string };
  return { status: res.status, sessionId: sessionIdOf(body.url ?? '') };
}

/** Pays the session and comes back to the success page, which stores the subscription. */
async function pay(sessionId: string): Promise<string> {
  const session = stack.standIn.completeCheckout(sessionId);
  expect((await stack.as(FRANK, `/billing/success?session_id=${sessionId}`)).status).toBe(303);
  const subscriptionId = typeof session.subscription === 'string' ? session.subscription : (session.subscription?.id ?? '');
  await eventually(async () => (await me()).subscription?.id === subscriptionId);
  return subscriptionId;
}

/** Cancels at once (as from the Dashboard or the portal) and applies Stripe's `customer.subscription.deleted`. */
async function cancelNow(subscriptionId: string): Promise<void> {
  await stack.stripe.subscriptions.cancel(subscriptionId);
  const deleted = stack.standIn.state.events.findLast(
    (e: Stripe.Event) => e.type === 'customer.subscription.deleted' && (e.data.object as { id: string }).id === subscriptionId,
  );
  if (!deleted) throw new Error(`no customer.subscription.deleted for ${subscriptionId}`);
  const deps = {
    store: createStore(stack.firestore),
    reader: createSdkStripeReader(stack.stripe),
    clock: { now: () => stack.standIn.clock.now() * 1000 },
    logger: silentLogger(),
    maxEventAgeSeconds: 30 * 86_400,
  };
  expect(await applyEvent(deps, parseEventMessage(Buffer.from(JSON.stringify(deleted))))).toBe('applied');
  await eventually(async () => (await me()).subscription?.status === 'canceled' || (await me()).plan.id === 'free');
}

describe('subscribing again right after a cancellation', () => {
  it('subscribe (with the trial), cancel, subscribe again at once: a new Checkout Session, without the trial', async () => {
    expect((await me()).trialAvailable).toBe(true);
    const first = await checkout();
    expect(first.status).toBe(200);
    expect(stack.standIn.state.checkoutIntents.get(first.sessionId)?.trialDays).toBe(14);
    await cancelNow(await pay(first.sessionId));

    const again = await checkout(); // within seconds, so inside the same 5-minute key window
    expect(again.status).toBe(200);
    expect(again.sessionId).not.toBe(first.sessionId);
    expect(stack.standIn.state.checkoutSessions.get(again.sessionId)?.status).toBe('open');
    expect(stack.standIn.state.checkoutIntents.get(again.sessionId)?.trialDays).toBeUndefined(); // one trial per user
  });

  it('and once more: the same request as the last one is still a new session, not a replay of the completed one', async () => {
    const second = [...stack.standIn.state.checkoutSessions.values()].filter(
      (s) => s.client_reference_id === devSubject(FRANK) && s.status === 'open',
    );
    expect(second).toHaveLength(1);
    await cancelNow(await pay(second[0]?.id ?? ''));

    const third = await checkout();
    expect(third.status).toBe(200);
    expect(third.sessionId).not.toBe(second[0]?.id);
    expect(stack.standIn.state.checkoutSessions.get(third.sessionId)?.status).toBe('open');
    expect(stack.standIn.state.checkoutIntents.get(third.sessionId)?.trialDays).toBeUndefined();
  });
});
