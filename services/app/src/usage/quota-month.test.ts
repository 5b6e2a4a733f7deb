// Quotas are monthly whatever the billing interval, anchored on the subscription's billing-cycle
// anchor: a yearly and a weekly Pro subscriber through the app as production composes it, the
// Firestore emulator and the Stripe stand-in, whose test clock the app follows across months.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '@billing/shared/firestore/store.js';
import { refreshSubscription } from '@billing/shared/billing/refresh-subscription.js';
import { silentLogger } from '@billing/shared/logging/logger.js';
import { createSdkStripeReader } from '@billing/shared/stripe/stripe-reader-sdk.js';
import { devSubject } from '../auth/dev-iap.js';
import { formatDate } from '../pages/format.js';
import { startTestStack, type TestStack } from '../testing/stack.js';

// Pro's 14-day trial from here ends on Jan 31 at 09:30 UTC: Stripe's billing_cycle_anchor, so the
// quota months end on Feb 29 (a leap year), Mar 31, Apr 30 ... at 09:30.
const START = Date.parse('2028-01-17T09:30:00Z') / 1000;
const at = (iso: string) => Date.parse(iso) / 1000;

let stack: TestStack;
const YEARLY = 'yearly@example.com';
const WEEKLY = 'weekly@example.com';
const subscriptions = new Map<string, string>();

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

interface Usage {
  feature: string;
  used: number;
  limit: number | 'unlimited';
  periodEnd: number;
}

async function apiCalls(email: string): Promise<Usage> {
  const res = await stack.as(email, '/api/usage');
  expect(res.status).toBe(200);
  const row = ((await res.json()) as { usage: Usage[] }).usage.find((u) => u.feature === 'api_calls');
  if (!row) throw new Error('no api_calls row');
  return row;
}

/** The daily series /api/usage answers: every UTC day from `first` to `last`, the `units` named, 0 on the others. */
function days(first: string, last: string, units: Record<string, number>): { day: string; used: number }[] {
  const series: { day: string; used: number }[] = [];
  for (let t = Date.parse(first); t <= Date.parse(last); t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    series.push({ day, used: units[day] ?? 0 });
  }
  return series;
}

async function callApi(email: string, times: number): Promise<void> {
  for (let i = 0; i < times; i++) expect((await stack.as(email, '/v1/ping')).status).toBe(200);
}

/** The app sees Firestore through a listener: poll briefly. */
async function eventually(check: () => Promise<boolean>, withinMs = 3_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > withinMs) throw new Error(`not true within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function subscribe(email: string, lookupKey: string): Promise<void> {
  await stack.as(email, '/api/me');
  const url = ((await (await stack.as(email, '/api/checkout', json({ lookupKey }))).json()) as { url: string }).url;
  const sessionId = /\/(cs_[A-Za-z0-9_]+)/.exec(url)?.[1] ?? '';
  const session = stack.standIn.completeCheckout(sessionId);
  expect((await stack.as(email, `/billing/success?session_id=${sessionId}`)).status).toBe(303);
  subscriptions.set(email, typeof session.subscription === 'string' ? session.subscription : (session.subscription?.id ?? ''));
}

/**
 * Moves the test clock to `iso` (renewals, trial end and charges happen in the stand-in) and writes
 * each subscription as Stripe now has it, as the applier would from the webhooks, then waits until
 * the app's cache has it. The app's clock stands still between moves, so the metering's once-a-
 * second flush is let happen first (two seconds on), as it would in real time.
 */
async function advanceTo(iso: string): Promise<void> {
  stack.standIn.advanceClock(2);
  await stack.composed.metering.recorder.flush();
  stack.standIn.advanceClock(at(iso) - stack.standIn.clock.now());
  const deps = {
    store: createStore(stack.firestore),
    reader: createSdkStripeReader(stack.stripe),
    clock: stack.standIn.clock.asPort(),
    logger: silentLogger(),
  };
  for (const [email, id] of subscriptions) {
    const { billing } = await refreshSubscription(deps, id, { livemode: false });
    await eventually(async () => {
      const me = (await (await stack.as(email, '/api/me')).json()) as { subscription: { currentPeriodEnd: number; status: string } | null };
      return (
        me.subscription !== null &&
        me.subscription.currentPeriodEnd === billing?.currentPeriodEnd &&
        me.subscription.status === billing.status
      );
    });
  }
}

beforeAll(async () => {
  stack = await startTestStack({ testClockStart: START });
  await subscribe(YEARLY, 'pro_year');
  await subscribe(WEEKLY, 'pro_week');
});
afterAll(async () => {
  await stack?.close();
});

describe('monthly quotas on the billing-cycle anchor, whatever the billing interval', () => {
  it('during the trial, the month is the one ending at the trial end (Stripe’s anchor)', async () => {
    for (const email of [YEARLY, WEEKLY]) {
      expect(stack.standIn.state.subscriptions.get(subscriptions.get(email) ?? '')?.subscription.billing_cycle_anchor).toBe(
        at('2028-01-31T09:30:00Z'),
      );
      await callApi(email, 3);
      expect(await apiCalls(email)).toEqual({
        feature: 'api_calls',
        used: 3,
        limit: 100_000,
        periodEnd: at('2028-01-31T09:30:00Z'),
        byMember: [{ userId: devSubject(email), used: 3 }],
        byDay: days('2027-12-31', '2028-01-17', { '2028-01-17': 3 }), // the month's first day to today
      });
    }
  });

  it('gives the yearly and the weekly subscriber a fresh quota each month, and only each month', async () => {
    await advanceTo('2028-02-01T12:00:00Z'); // the trial ended: a year paid, a week paid
    for (const email of [YEARLY, WEEKLY]) {
      expect(await apiCalls(email)).toMatchObject({ used: 0, periodEnd: at('2028-02-29T09:30:00Z') });
      await callApi(email, 5);
    }

    await advanceTo('2028-02-15T12:00:00Z'); // the weekly subscription renewed on Feb 7 and Feb 14
    expect(stack.standIn.state.subscriptions.get(subscriptions.get(WEEKLY) ?? '')?.subscription.items.data[0]?.current_period_start).toBe(
      at('2028-02-14T09:30:00Z'),
    );
    for (const email of [YEARLY, WEEKLY]) {
      expect(await apiCalls(email)).toEqual({
        feature: 'api_calls',
        used: 5,
        limit: 100_000,
        periodEnd: at('2028-02-29T09:30:00Z'),
        byMember: [{ userId: devSubject(email), used: 5 }],
        byDay: days('2028-01-31', '2028-02-15', { '2028-02-01': 5 }), // used on Feb 1, stored on the day it was flushed
      });
      await callApi(email, 1);
    }

    await advanceTo('2028-03-01T00:00:00Z');
    for (const email of [YEARLY, WEEKLY]) {
      expect(await apiCalls(email)).toMatchObject({ used: 0, periodEnd: at('2028-03-31T09:30:00Z') });
      await callApi(email, 2);
    }

    await advanceTo('2028-04-05T00:00:00Z');
    for (const email of [YEARLY, WEEKLY]) expect(await apiCalls(email)).toMatchObject({ used: 0, periodEnd: at('2028-04-30T09:30:00Z') });
  });

  it('the billing page and GET /api/me show the reset date', async () => {
    const me = (await (await stack.as(YEARLY, '/api/me')).json()) as {
      subscription: { interval: string; currentPeriodEnd: number };
      usage: Usage[];
    };
    expect(me.subscription).toMatchObject({ interval: 'year', currentPeriodEnd: at('2029-01-31T09:30:00Z') });
    expect(me.usage.find((u) => u.feature === 'api_calls')?.periodEnd).toBe(at('2028-04-30T09:30:00Z'));
    const page = await (await stack.as(YEARLY, '/billing')).text();
    expect(page).toContain(`resets ${formatDate(at('2028-04-30T09:30:00Z'))}`);
  });
});
