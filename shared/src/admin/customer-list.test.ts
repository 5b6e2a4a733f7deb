// The console's customer list over the Firestore emulator: search by email and team-name prefix,
// by customer id and account id; filters by status and plan, alone and with a search; pages that
// follow one another without overlap; and the list fields the applier derives (customer-listing.ts).
import { Timestamp, type Firestore } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, type Store } from '../firestore/store.js';
import type { AccountDoc } from '../model/account-documents.js';
import type { BillingSummary } from '../model/documents.js';
import type { ListingStatus } from '../model/operator-documents.js';
import { customerListing, listingStatus } from '../revenue/customer-listing.js';
import { billingSummaryFixture } from '../testing/billing-summary-fixture.js';
import { testFirestore } from '../testing/emulator.js';
import { subscriptionFixture } from '../testing/revenue-fixtures.js';
import { listCustomers, type CustomerListQuery } from './customer-list.js';

let firestore: Firestore;
let store: Store;

/** accountId, email, team name, status, plan, mrr, customer id, created (minutes after a base). */
const SEED: [string, string | null, string | null, ListingStatus, string | null, number, string | null, number][] = [
  ['u_alice', 'alice@acme.test', null, 'active', 'pro', 2_000, 'cus_alice', 1],
  ['u_alan', 'alan@acme.test', null, 'trialing', 'pro', 0, 'cus_alan', 2],
  ['u_bob', 'bob@beta.test', null, 'past_due', 'team', 8_333, 'cus_bob', 3],
  ['team_acme', 'billing@acme.test', 'Acme Corp', 'active', 'team', 10_000, 'cus_acme', 4],
  ['team_acorn', 'ops@acorn.test', 'Acorn Labs', 'canceling', 'pro', 2_000, 'cus_acorn', 5],
  ['u_carol', 'carol@gamma.test', null, 'canceled', 'pro', 0, 'cus_carol', 6],
  ['u_dan', 'dan@delta.test', null, 'paused', 'pro', 0, 'cus_dan', 7],
  ['u_new', 'new@acme.test', null, 'none', null, 0, null, 8],
];

beforeAll(async () => {
  firestore = testFirestore();
  store = createStore(firestore);
  const base = Date.UTC(2026, 0, 1);
  await Promise.all(
    SEED.flatMap(([accountId, email, name, status, planId, mrr, customerId, minute]) => {
      const at = Timestamp.fromMillis(base + minute * 60_000);
      const account: AccountDoc = {
        accountId,
        kind: accountId.startsWith('team_') ? 'team' : 'personal',
        name,
        email,
        stripeCustomerId: customerId,
        billing: null,
        listing: { status, planId, mrr },
        createdAt: at,
        updatedAt: at,
      };
      const writes: Promise<unknown>[] = [store.accounts.doc(accountId).set(account)];
      if (customerId)
        writes.push(
          store.customers.doc(customerId).set({
            customerId,
            accountId,
            email,
            deleted: false,
            livemode: false,
            version: { created: 1, eventId: null, source: 'event', revision: 1 },
            updatedAt: at,
          }),
        );
      return writes;
    }),
  );
});
afterAll(async () => {
  await firestore.terminate();
});

const ids = async (q: CustomerListQuery) => (await listCustomers(store, q)).rows.map((r) => r.accountId);

describe('the customer list', () => {
  it.each<[string, CustomerListQuery, string[]]>([
    ['everyone, newest first', {}, ['u_new', 'u_dan', 'u_carol', 'team_acorn', 'team_acme', 'u_bob', 'u_alan', 'u_alice']],
    ['by status', { status: 'active' }, ['team_acme', 'u_alice']],
    ['canceling: set to end, still current', { status: 'canceling' }, ['team_acorn']],
    ['by plan', { planId: 'team' }, ['team_acme', 'u_bob']],
    ['by status and plan', { status: 'active', planId: 'pro' }, ['u_alice']],
    ['email prefix, by email', { search: { field: 'email', term: 'al' } }, ['u_alan', 'u_alice']],
    ['email prefix, case-insensitive input', { search: { field: 'email', term: 'ALICE@' } }, ['u_alice']],
    ['email prefix with a status', { search: { field: 'email', term: 'a' }, status: 'trialing' }, ['u_alan']],
    ['email prefix with a plan', { search: { field: 'email', term: 'b' }, planId: 'team' }, ['team_acme', 'u_bob']],
    ['team name prefix', { search: { field: 'name', term: 'Ac' } }, ['team_acme', 'team_acorn']],
    [
      'team name prefix with status and plan',
      { search: { field: 'name', term: 'Ac' }, status: 'canceling', planId: 'pro' },
      ['team_acorn'],
    ],
    ['customer id, whatever field is chosen', { search: { field: 'email', term: 'cus_bob' } }, ['u_bob']],
    ['customer id that does not match the filter', { search: { field: 'customer', term: 'cus_bob' }, status: 'active' }, []],
    ['unknown customer id', { search: { field: 'customer', term: 'cus_nobody' } }, []],
    ['account id', { search: { field: 'account', term: 'team_acme' } }, ['team_acme']],
    ['an id that names no document', { search: { field: 'account', term: 'a/b' } }, []],
    ['nothing matches', { search: { field: 'email', term: 'zz' } }, []],
  ])('%s', async (_name, query, expected) => {
    expect(await ids(query)).toEqual(expected);
  });

  it('pages through the list without overlap or gap', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = await listCustomers(store, { limit: 3, after });
      seen.push(...page.rows.map((r) => r.accountId));
      if (!page.next) break;
      after = page.next;
    }
    expect(seen).toEqual(['u_new', 'u_dan', 'u_carol', 'team_acorn', 'team_acme', 'u_bob', 'u_alan', 'u_alice']);
  });

  it('pages through a filtered search', async () => {
    const first = await listCustomers(store, { search: { field: 'email', term: 'a' }, limit: 1 });
    expect(first.rows.map((r) => r.accountId)).toEqual(['u_alan']);
    const second = await listCustomers(store, { search: { field: 'email', term: 'a' }, limit: 1, after: first.next ?? undefined });
    expect(second.rows.map((r) => r.accountId)).toEqual(['u_alice']);
  });

  it('shows the MRR and status the applier stored', async () => {
    const [row] = (await listCustomers(store, { search: { field: 'customer', term: 'cus_bob' } })).rows;
    expect(row).toMatchObject({ status: 'past_due', planId: 'team', mrr: 8_333, customerId: 'cus_bob', email: 'bob@beta.test' });
  });
});

describe('the list fields the applier writes', () => {
  const summary = (over: Partial<BillingSummary>): BillingSummary =>
    billingSummaryFixture({
      customerId: 'cus_x',
      subscriptionId: 'sub_x',
      currentPeriodStart: 1,
      currentPeriodEnd: 2,
      billingCycleAnchor: 1,
      ...over,
    });

  it.each<[string, Partial<BillingSummary> | null, ListingStatus]>([
    ['never subscribed', null, 'none'],
    ['active', {}, 'active'],
    ['set to cancel at period end', { cancelAtPeriodEnd: true }, 'canceling'],
    ['set to cancel on a date', { cancelAt: 5 }, 'canceling'],
    ['unpaid reads as past due', { status: 'unpaid' }, 'past_due'],
    ['expired incomplete reads as canceled', { status: 'incomplete_expired' }, 'canceled'],
    ['canceled stays canceled (its cancel flags are history)', { status: 'canceled', cancelAtPeriodEnd: true }, 'canceled'],
  ])('%s', (_name, over, expected) => {
    expect(listingStatus(over === null ? null : summary(over))).toBe(expected);
  });

  it('counts MRR for a paying subscription only, as the revenue view does', () => {
    const pro = subscriptionFixture('sub_x', 'pro_month');
    const yearly = subscriptionFixture('sub_x', 'team_year', { status: 'past_due' });
    expect(customerListing(summary({}), [pro])).toEqual({ status: 'active', planId: 'pro', mrr: 2_000 });
    expect(customerListing(summary({ status: 'past_due', planId: 'team' }), [yearly]).mrr).toBe(Math.round(100_000 / 12));
    expect(customerListing(summary({ status: 'trialing' }), [{ ...pro, status: 'trialing' }]).mrr).toBe(0);
    expect(customerListing(summary({ subscriptionId: 'sub_other' }), [pro]).mrr).toBe(0);
  });
});
