// The listing backfill over the Firestore emulator: accounts stored before `listing` existed (or with
// a stale one) get the fields the applier would write, page by page; a dry run writes nothing; a
// second run writes nothing; a run resumed after an account starts after it; and the console's
// status filter then finds the accounts it missed before.
import { Writable } from 'node:stream';
import type { Firestore } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, type Store } from '../firestore/store.js';
import { createLogger, silentLogger } from '../logging/logger.js';
import type { AccountDoc } from '../model/account-documents.js';
import type { CustomerListing } from '../model/operator-documents.js';
import { accountDocFixture, billingSummaryFixture } from '../testing/billing-summary-fixture.js';
import { testFirestore } from '../testing/emulator.js';
import { subscriptionFixture } from '../testing/revenue-fixtures.js';
import { backfillListing } from './backfill-listing.js';
import { listCustomers } from './customer-list.js';

let firestore: Firestore;
let store: Store;

/** What each account holds before the backfill, and the listing the applier would write for it. */
const EXPECTED: Record<string, CustomerListing> = {
  a1_active: { status: 'active', planId: 'pro', mrr: 2_000 },
  a2_canceling_team: { status: 'canceling', planId: 'team', mrr: Math.round((3 * 100_000) / 12) },
  a3_no_billing: { status: 'none', planId: null, mrr: 0 },
  a4_already_right: { status: 'active', planId: 'pro', mrr: 2_000 },
  a5_trialing: { status: 'trialing', planId: 'pro', mrr: 0 },
};

const listingOf = async (accountId: string) => (await store.accounts.doc(accountId).get()).data()?.listing;

beforeAll(async () => {
  firestore = testFirestore();
  store = createStore(firestore);
  const summary = (subscriptionId: string, over: Parameters<typeof billingSummaryFixture>[0] = {}) =>
    billingSummaryFixture({ customerId: `cus_${subscriptionId}`, subscriptionId, ...over });
  const accounts: AccountDoc[] = [
    accountDocFixture('a1_active', summary('sub_a1')),
    // Stale: written when the subscription was active on one seat.
    accountDocFixture(
      'a2_canceling_team',
      summary('sub_a2', { planId: 'team', priceId: 'price_team_year', interval: 'year', quantity: 3, cancelAtPeriodEnd: true }),
      { kind: 'team', listing: { status: 'active', planId: 'team', mrr: 8_333 } },
    ),
    accountDocFixture('a3_no_billing', null),
    accountDocFixture('a4_already_right', summary('sub_a4'), { listing: EXPECTED['a4_already_right'] }),
    accountDocFixture('a5_trialing', summary('sub_a5', { status: 'trialing' })),
  ];
  await Promise.all([
    ...accounts.map((a) => store.accounts.doc(a.accountId).set(a)),
    store.subscriptions.doc('sub_a1').set(subscriptionFixture('sub_a1', 'pro_month', { accountId: 'a1_active' })),
    store.subscriptions
      .doc('sub_a2')
      .set(subscriptionFixture('sub_a2', 'team_year', { accountId: 'a2_canceling_team', cancelAtPeriodEnd: true }, 3)),
    store.subscriptions.doc('sub_a4').set(subscriptionFixture('sub_a4', 'pro_month', { accountId: 'a4_already_right' })),
    store.subscriptions.doc('sub_a5').set(subscriptionFixture('sub_a5', 'pro_month', { accountId: 'a5_trialing', status: 'trialing' })),
  ]);
});
afterAll(async () => {
  await firestore.terminate();
});

describe('npm run ops -- backfill-listing', () => {
  it('dry-runs without writing, counting what it would add and correct', async () => {
    const result = await backfillListing({ store, logger: silentLogger(), batch: 2, after: null, dryRun: true });
    expect(result).toEqual({
      accounts: 5,
      added: 3,
      corrected: 1,
      unchanged: 1,
      lastAccountId: 'a5_trialing',
      dryRun: true,
      examples: ['a1_active', 'a2_canceling_team', 'a3_no_billing', 'a5_trialing'],
    });
    expect(await listingOf('a1_active')).toBeUndefined();
    expect(await listingOf('a2_canceling_team')).toEqual({ status: 'active', planId: 'team', mrr: 8_333 });
  });

  it('resumes after a given account, then writes the rest page by page with the applier listing', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write: (chunk: Buffer, _, done) => {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ service: 'test', destination });
    const resumed = await backfillListing({ store, logger, batch: 2, after: 'a2_canceling_team', dryRun: false });
    expect(resumed).toMatchObject({ accounts: 3, added: 2, corrected: 0, unchanged: 1, lastAccountId: 'a5_trialing' });
    const pages = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['event'] === 'ops.backfill_listing_page');
    expect(pages.map((p) => p['lastAccountId'])).toEqual(['a4_already_right', 'a5_trialing']);
    expect(await listingOf('a1_active')).toBeUndefined();

    const full = await backfillListing({ store, logger: silentLogger(), batch: 2, after: null, dryRun: false });
    expect(full).toMatchObject({ accounts: 5, added: 1, corrected: 1, unchanged: 3 });
    for (const [accountId, listing] of Object.entries(EXPECTED)) expect(await listingOf(accountId)).toEqual(listing);
  });

  it('is idempotent: a second run writes nothing', async () => {
    const before = (await store.accounts.doc('a1_active').get()).updateTime?.toMillis();
    expect(before).toBeTypeOf('number');
    const again = await backfillListing({ store, logger: silentLogger(), batch: 3, after: null, dryRun: false });
    expect(again).toMatchObject({ accounts: 5, added: 0, corrected: 0, unchanged: 5, examples: [] });
    expect((await store.accounts.doc('a1_active').get()).updateTime?.toMillis()).toBe(before);
  });

  it('makes the accounts visible to the console filters that query listing fields', async () => {
    const none = await listCustomers(store, { status: 'none' });
    expect(none.rows.map((r) => r.accountId)).toEqual(['a3_no_billing']);
    const canceling = await listCustomers(store, { status: 'canceling', planId: 'team' });
    expect(canceling.rows.map((r) => [r.accountId, r.mrr])).toEqual([['a2_canceling_team', 25_000]]);
  });
});
