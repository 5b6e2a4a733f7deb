// The monthly revenue snapshot over the Firestore emulator: written once per month (whoever ticks
// first), with each paying account's MRR as the revenue summary counts it; and the history read
// back as the movements between consecutive months.
import { Timestamp, type Firestore } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, type Store } from '../firestore/store.js';
import { testFirestore } from '../testing/emulator.js';
import { subscriptionFixture } from '../testing/revenue-fixtures.js';
import { lastMonths, mrrByAccount, readRevenueHistory, recordRevenueMonth } from './monthly-snapshot.js';

let firestore: Firestore;
let store: Store;
const MAR_2 = { now: () => Date.UTC(2026, 2, 2, 8) };

beforeAll(async () => {
  firestore = testFirestore();
  store = createStore(firestore);
  await Promise.all([
    store.subscriptions.doc('sub_a').set(subscriptionFixture('sub_a', 'pro_month', { accountId: 'acct_a' })),
    store.subscriptions.doc('sub_b').set(subscriptionFixture('sub_b', 'team_year', { accountId: 'acct_b', status: 'past_due' })),
    store.subscriptions.doc('sub_t').set(subscriptionFixture('sub_t', 'pro_month', { accountId: 'acct_t', status: 'trialing' })),
    store.subscriptions
      .doc('sub_c')
      .set(subscriptionFixture('sub_c', 'pro_month', { accountId: 'acct_c', status: 'canceled', endedAt: 1 })),
  ]);
});
afterAll(async () => {
  await firestore.terminate();
});

describe('the monthly revenue snapshot', () => {
  it('is written by the first call of the month only, with the payers MRR', async () => {
    const results = await Promise.all([recordRevenueMonth(store, MAR_2), recordRevenueMonth(store, MAR_2)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await recordRevenueMonth(store, MAR_2)).toBe(false);
    const doc = (await store.revenueMonths.doc('2026-03').get()).data();
    expect(doc?.mrrByAccount).toEqual({ acct_a: 2_000, acct_b: Math.round(100_000 / 12) });
  });

  it('reads the last 13 months by id and computes the movements between them', async () => {
    const at = Timestamp.fromMillis(Date.UTC(2026, 1, 1));
    await store.revenueMonths
      .doc('2026-02')
      .set({ month: '2026-02', takenAt: at, currency: 'usd', mrrByAccount: { acct_a: 2_000, acct_old: 5_000 } });
    const history = await readRevenueHistory(store, MAR_2);
    expect(history.snapshots.map((s) => s.month)).toEqual(['2026-02', '2026-03']);
    expect(history.months).toEqual([
      expect.objectContaining({ month: '2026-02', startMrr: 7_000, new: 8_333, churn: 5_000, net: 3_333, endMrr: 10_333 }),
    ]);
  });

  it('names the 13 months up to now, oldest first', () => {
    expect(lastMonths(Date.UTC(2026, 2, 2) / 1000, 13)).toEqual([
      '2025-03',
      '2025-04',
      '2025-05',
      '2025-06',
      '2025-07',
      '2025-08',
      '2025-09',
      '2025-10',
      '2025-11',
      '2025-12',
      '2026-01',
      '2026-02',
      '2026-03',
    ]);
  });

  it('adds up an account with two paying subscriptions', () => {
    expect(
      mrrByAccount([
        subscriptionFixture('x', 'pro_month', { accountId: 'acct' }),
        subscriptionFixture('y', 'pro_month', { accountId: 'acct' }),
      ]),
    ).toEqual({ acct: 4_000 });
  });
});
