// `npm run ops -- revenue-backfill` against the Stripe stand-in and the Firestore emulator: customers
// with known lifecycles over the last four months (a plan upgrade, a seat reduction, a cancellation
// and a return, a trial, a yearly price, a customer with no account mapping), backfilled, then each
// month start's MRR by account and the console's monthly movements checked against hand-computed
// figures. A month the scheduled job wrote is kept unless --overwrite; a re-run writes the same
// documents; the CLI parses its flags and prints the result.
import { Timestamp, type Firestore } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, type Store } from '@billing/shared/firestore/store.js';
import { silentLogger } from '@billing/shared/logging/logger.js';
import { systemClock } from '@billing/shared/ports/clock.js';
import { readRevenueHistory } from '@billing/shared/revenue/monthly-snapshot.js';
import { testFirestore, testProjectId } from '@billing/shared/testing/emulator.js';
import { idOf, startStandIn, type RunningStandIn } from '@billing/stripe-stand-in/testing/start-stand-in.js';
import { backfillRevenueMonths, type RevenueBackfillOptions } from './revenue-backfill.js';
import { opsOutput, runOpsCli } from './testing/ops-cli.js';

const DAY = 86_400;
/** The first second of month k of the scenario: month 4 is the current month, month 0 four months before. */
const today = new Date();
const start = (k: number) => Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 4 + k, 1) / 1000;
const monthId = (k: number) => new Date(start(k) * 1000).toISOString().slice(0, 7);

const projectId = testProjectId('revenue-backfill');
let firestore: Firestore;
let store: Store;
let running: RunningStandIn;
/** Customer E has no `customers/{id}` mapping: the snapshot keys it by customer id, as the job does. */
let customerE = '';

async function subscribe(customerId: string, price: string, quantity = 1, trialDays?: number): Promise<string> {
  const { stripe, standIn } = running;
  const session = await stripe.checkout.sessions.create({
    mode: 'subscription',
    customer: customerId,
    line_items: [{ price, quantity }],
    ...(trialDays ? { subscription_data: { trial_period_days: trialDays } } : {}),
    success_url: 'http://x/s',
    cancel_url: 'http://x/c',
  });
  return idOf(standIn.completeCheckout(session.id).subscription);
}

async function customer(accountId: string | null): Promise<string> {
  const created = await running.stripe.customers.create({ email: `${accountId ?? 'nobody'}@example.com` });
  if (accountId !== null)
    await store.customers.doc(created.id).set({
      customerId: created.id,
      accountId,
      email: created.email,
      deleted: false,
      livemode: false,
      version: { created: 0, eventId: null, source: 'event', revision: 1 },
      updatedAt: Timestamp.now(),
    });
  return created.id;
}

const advanceTo = (at: number) => running.standIn.advanceClock(at - running.standIn.clock.now());
const licensedItem = async (subId: string) => (await running.stripe.subscriptions.retrieve(subId)).items.data[0]?.id ?? '';

beforeAll(async () => {
  firestore = testFirestore(projectId);
  store = createStore(firestore);
  running = await startStandIn({ clockStart: start(0) });
  const { stripe } = running;
  const [a, b, c, d] = [await customer('acct_a'), await customer('acct_b'), await customer('acct_c'), await customer('acct_d')];
  customerE = await customer(null);
  // Month 0, day 1: A on Pro, B on Team with 5 seats, C on Pro, E on Pro yearly.
  const subA = await subscribe(a, 'price_pro_month');
  const subB = await subscribe(b, 'price_team_month', 5);
  const subC = await subscribe(c, 'price_pro_month');
  await subscribe(customerE, 'price_pro_year');
  // Month 1: A moves to Team with 2 seats (expansion, billed from month 2's renewal); D starts a 14-day trial.
  advanceTo(start(1) + 19 * DAY);
  await stripe.subscriptions.update(subA, { items: [{ id: await licensedItem(subA), price: 'price_team_month', quantity: 2 }] });
  advanceTo(start(1) + 24 * DAY);
  await subscribe(d, 'price_pro_month', 1, 14);
  // Month 2: B drops to 3 seats (contraction); C cancels at once (churn).
  advanceTo(start(2) + 14 * DAY);
  await stripe.subscriptions.update(subB, { items: [{ id: await licensedItem(subB), quantity: 3 }] });
  advanceTo(start(2) + 19 * DAY);
  await stripe.subscriptions.cancel(subC);
  // Month 3: C comes back (reactivation).
  advanceTo(start(3) + 14 * DAY);
  await subscribe(c, 'price_pro_month');
  // Month 4: a subscription started after the month's first second is in no backfilled month.
  advanceTo(start(4) + 2 * DAY);
  await subscribe(await customer('acct_f'), 'price_pro_month');
  // The scheduled job already took this month's snapshot, from live data.
  await store.revenueMonths
    .doc(monthId(4))
    .create({ month: monthId(4), takenAt: Timestamp.fromMillis((start(4) + 60) * 1000), currency: 'usd', mrrByAccount: { acct_job: 1 } });
}, 60_000);
afterAll(async () => {
  await running.close();
  await firestore.terminate();
});

const backfill = (over: Partial<RevenueBackfillOptions> = {}) =>
  backfillRevenueMonths({
    stripe: running.stripe,
    store,
    clock: systemClock,
    logger: silentLogger(),
    months: 4,
    dryRun: false,
    overwrite: false,
    ...over,
  });

const stored = async (k: number) => (await store.revenueMonths.doc(monthId(k)).get()).data();

/** Each month start's MRR by account, computed by hand: Pro $20/month, Team $100/seat/month, Pro yearly $200 (= 1,667 cents a month). */
const expected = () => [
  { acct_a: 2_000, acct_b: 50_000, acct_c: 2_000, [customerE]: 1_667 },
  { acct_a: 2_000, acct_b: 50_000, acct_c: 2_000, [customerE]: 1_667 },
  { acct_a: 20_000, acct_b: 50_000, acct_c: 2_000, [customerE]: 1_667 }, // D is trialing
  { acct_a: 20_000, acct_b: 30_000, acct_d: 2_000, [customerE]: 1_667 },
  { acct_a: 20_000, acct_b: 30_000, acct_c: 2_000, acct_d: 2_000, [customerE]: 1_667 },
];

describe('npm run ops -- revenue-backfill', () => {
  it('dry-runs: computes every month, writes none', async () => {
    const result = await backfill({ dryRun: true });
    expect(result.subscriptions).toBe(6); // F started after the newest month start: not listed (created[lte])
    expect(result.months.map((m) => [m.month, m.action, m.mrr])).toEqual([
      [monthId(0), 'would write', 55_667],
      [monthId(1), 'would write', 55_667],
      [monthId(2), 'would write', 73_667],
      [monthId(3), 'would write', 53_667],
      [monthId(4), 'would keep', 55_667],
    ]);
    expect(await stored(0)).toBeUndefined();
  });

  it('writes the past months from Stripe history, keeps the month the job wrote, and the console reads the movements', async () => {
    const result = await backfill();
    expect(result.months.map((m) => m.action)).toEqual(['written', 'written', 'written', 'written', 'kept']);
    expect(result.months.every((m) => m.estimatedItems === 0)).toBe(true);
    const want = expected();
    for (const k of [0, 1, 2, 3]) {
      expect(await stored(k)).toEqual({
        month: monthId(k),
        takenAt: Timestamp.fromMillis(start(k) * 1000),
        currency: 'usd',
        mrrByAccount: want[k],
      });
    }
    expect((await stored(4))?.mrrByAccount).toEqual({ acct_job: 1 });

    await backfill({ overwrite: true, months: 0 }); // only this month: replace the job's stand-in figure
    expect((await stored(4))?.mrrByAccount).toEqual(want[4]);

    const history = await readRevenueHistory(store, systemClock);
    const movements = history.months.map((m) => ({
      month: m.month,
      new: m.new,
      expansion: m.expansion,
      contraction: m.contraction,
      churn: m.churn,
      reactivation: m.reactivation,
      endMrr: m.endMrr,
    }));
    const none = { new: 0, expansion: 0, contraction: 0, churn: 0, reactivation: 0 };
    expect(movements).toEqual([
      { month: monthId(0), ...none, endMrr: 55_667 },
      { month: monthId(1), ...none, expansion: 18_000, endMrr: 73_667 },
      { month: monthId(2), ...none, new: 2_000, contraction: 20_000, churn: 2_000, endMrr: 53_667 },
      { month: monthId(3), ...none, reactivation: 2_000, endMrr: 55_667 },
    ]);
  });

  it('is idempotent: a re-run keeps every month, and --overwrite writes the same documents again', async () => {
    const before = await Promise.all([0, 1, 2, 3, 4].map(stored));
    expect((await backfill()).months.map((m) => m.action)).toEqual(['kept', 'kept', 'kept', 'kept', 'kept']);
    expect((await backfill({ overwrite: true })).months.map((m) => m.action)).toEqual(Array(5).fill('overwritten'));
    expect(await Promise.all([0, 1, 2, 3, 4].map(stored))).toEqual(before);
  });

  it('runs through the CLI: flags parsed, progress logged per month, the result printed', { timeout: 60_000 }, async () => {
    const ops = (...args: string[]) =>
      runOpsCli(
        {
          ...process.env,
          GOOGLE_CLOUD_PROJECT: projectId,
          STRIPE_SECRET_KEY: 'sk_test_stand_in',
          STRIPE_LIVEMODE: 'false',
          STRIPE_API_BASE: running.url,
        },
        ...args,
      );
    const { stdout } = await ops('revenue-backfill', '--months', '2', '--dry-run');
    const output = opsOutput(stdout);
    expect(output.progress.map((l) => l['event'])).toEqual(Array(3).fill('ops.revenue_backfill_month'));
    const result = output.result as { dryRun: boolean; months: { month: string; action: string }[] };
    expect(result.dryRun).toBe(true);
    expect(result.months.map((m) => [m.month, m.action])).toEqual([
      [monthId(2), 'would keep'],
      [monthId(3), 'would keep'],
      [monthId(4), 'would keep'],
    ]);
    await expect(ops('revenue-backfill', '--months', 'twelve')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('--months: cannot read "twelve"') as unknown,
    });
  });
});

// Renewals on the 11th, so a month start falls between a mid-period change and the renewal that
// follows it: only the change's proration lines (Stripe's credit for the old price or quantity,
// charge for the new one, from the change to the period end) say what was billed at that instant.
describe('npm run ops -- revenue-backfill, changes between renewals', () => {
  const midProjectId = testProjectId('revenue-backfill-mid');
  let midFirestore: Firestore;
  let midStore: Store;
  let mid: RunningStandIn;

  beforeAll(async () => {
    midFirestore = testFirestore(midProjectId);
    midStore = createStore(midFirestore);
    mid = await startStandIn({ clockStart: start(0) + 10 * DAY });
    const { stripe, standIn } = mid;
    const created = await stripe.customers.create({ email: 'g@example.com' });
    await midStore.customers.doc(created.id).set({
      customerId: created.id,
      accountId: 'acct_g',
      email: created.email,
      deleted: false,
      livemode: false,
      version: { created: 0, eventId: null, source: 'event', revision: 1 },
      updatedAt: Timestamp.now(),
    });
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: created.id,
      line_items: [{ price: 'price_pro_month', quantity: 1 }],
      success_url: 'http://x/s',
      cancel_url: 'http://x/c',
    });
    const subId = idOf(standIn.completeCheckout(session.id).subscription);
    const itemId = async () => (await stripe.subscriptions.retrieve(subId)).items.data[0]?.id ?? '';
    const moveTo = (at: number) => standIn.advanceClock(at - standIn.clock.now());
    // Month 1, day 21: Pro -> Team with 2 seats, prorated to the renewal on month 2's 11th.
    moveTo(start(1) + 20 * DAY);
    await stripe.subscriptions.update(subId, { items: [{ id: await itemId(), price: 'price_team_month', quantity: 2 }] });
    // Month 2, day 21: down to 1 seat, prorated to the renewal on month 3's 11th.
    moveTo(start(2) + 20 * DAY);
    await stripe.subscriptions.update(subId, { items: [{ id: await itemId(), quantity: 1 }] });
    // Month 3, day 25: up to 3 seats. Its prorations are still pending invoice items when the
    // backfill runs (before month 4's renewal on the 11th): only they say what month 4 starts at.
    moveTo(start(3) + 24 * DAY);
    await stripe.subscriptions.update(subId, { items: [{ id: await itemId(), quantity: 3 }] });
    moveTo(start(4) + 2 * DAY);
  }, 60_000);
  afterAll(async () => {
    await mid.close();
    await midFirestore.terminate();
  });

  it('counts the new price and quantity from the change, not from the next renewal', async () => {
    const result = await backfillRevenueMonths({
      stripe: mid.stripe,
      store: midStore,
      clock: systemClock,
      logger: silentLogger(),
      months: 4,
      dryRun: false,
      overwrite: false,
    });
    expect(result.months.every((m) => m.estimatedItems === 0)).toBe(true);
    // Month 0 starts before the subscription; month 2 starts inside the upgrade's proration (2 × Team),
    // month 3 inside the seat reduction's (1 × Team), month 4 inside the pending one's (3 × Team).
    expect(result.months.map((m) => [m.month, m.mrr])).toEqual([
      [monthId(0), 0],
      [monthId(1), 2_000],
      [monthId(2), 20_000],
      [monthId(3), 10_000],
      [monthId(4), 30_000],
    ]);
    // Each movement in the month it happened: the start (day 11), the upgrade, the seat reduction,
    // the seats added on month 3's day 25.
    const history = await readRevenueHistory(midStore, systemClock);
    expect(history.months.map((m) => [m.month, m.new, m.expansion, m.contraction])).toEqual([
      [monthId(0), 2_000, 0, 0],
      [monthId(1), 0, 18_000, 0],
      [monthId(2), 0, 0, 10_000],
      [monthId(3), 0, 20_000, 0],
    ]);
  });
});
