// The users -> accounts migration (issue 19) against the Firestore emulator, from a copy of the
// documents as the product stored them before accounts (owner named `userId`, billing in `users/{id}`).
import { Writable } from 'node:stream';
import { Timestamp, type DocumentData, type Firestore } from '@google-cloud/firestore';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore } from '../firestore/store.js';
import { createLogger, silentLogger } from '../logging/logger.js';
import type { AccountDoc, LegacyUserDoc } from '../model/account-documents.js';
import { Collection } from '../model/collections.js';
import type { UsageCounterDoc } from '../model/usage-documents.js';
import type { Clock } from '../ports/clock.js';
import { billingSummaryFixture } from '../testing/billing-summary-fixture.js';
import { testFirestore, testProjectId } from '../testing/emulator.js';
import { mergeCounter, migrateAccounts, planAccount, type MigrateAccountsOptions, type MigrationResult } from './migrate-accounts.js';

const open: Firestore[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((db) => db.terminate()));
});

function emulatorDb(): Firestore {
  const db = testFirestore(testProjectId('migrate'));
  open.push(db);
  return db;
}

const NOW_MS = 1_790_000_000_000;
const clock: Clock = { now: () => NOW_MS };
const PERIOD = 1_788_000_000;
const created = Timestamp.fromMillis(1_700_000_000_000);
const version = { created: 1_780_000_000, eventId: 'evt_1', source: 'event', revision: 3 };

function migrate(db: Firestore, over: Partial<MigrateAccountsOptions> = {}): Promise<MigrationResult> {
  return migrateAccounts({ store: createStore(db), clock, logger: silentLogger(), batch: 200, after: null, dryRun: false, ...over });
}

const noChanges = { accountsCreated: 0, accountsFilled: 0, countersCopied: 0, apiKeys: 0, objects: 0 };

// ---- Documents as stored before accounts -------------------------------------------------------

function legacyUser(userId: string, withBilling: boolean): LegacyUserDoc {
  const billing = withBilling
    ? billingSummaryFixture({ customerId: `cus_${userId}`, subscriptionId: `sub_${userId}`, updatedAt: created })
    : null;
  return {
    userId,
    email: `${userId}@example.com`,
    stripeCustomerId: billing?.customerId ?? null,
    billing,
    createdAt: created,
    updatedAt: created,
  };
}

/** A quota counter of this period. */
function counter(accountId: string, used: number, reserved: number): UsageCounterDoc {
  return {
    accountId,
    feature: 'api_calls',
    periodStart: PERIOD,
    periodEnd: PERIOD + 30 * 86_400,
    limit: 1_000,
    reserved,
    used,
    byMember: {},
    byDay: {},
    expireAt: Timestamp.fromMillis((PERIOD + 60 * 86_400) * 1000),
    updatedAt: created,
  };
}

/** As stored before accounts: `userId` in place of `accountId`, and no split by member or day. */
function legacyCounter(userId: string, used: number, reserved: number): DocumentData {
  const { accountId: _, byMember: _byMember, byDay: _byDay, ...fields } = counter(userId, used, reserved);
  return { ...fields, userId };
}

/** One user's whole footprint: billing, a counter, an API key, and the Stripe objects that name it. */
async function seedLegacyUser(db: Firestore, userId: string, { withBilling = true, used = 40, reserved = 100 } = {}): Promise<void> {
  const user = legacyUser(userId, withBilling);
  const customerId = `cus_${userId}`;
  const subscriptionId = `sub_${userId}`;
  await Promise.all([
    db.collection(Collection.legacyUsers).doc(userId).set(user),
    db
      .collection(Collection.legacyUsers)
      .doc(userId)
      .collection(Collection.usage)
      .doc(`api_calls_${PERIOD}`)
      .set(legacyCounter(userId, used, reserved)),
    db
      .collection(Collection.apiKeys)
      .doc(`hash_${userId}`)
      .set({ id: `key_${userId}`, userId, name: 'ci', prefix: 'sk_live_abc', createdAt: created, lastUsedAt: null, revokedAt: null }),
    ...(withBilling
      ? [
          db
            .collection(Collection.customers)
            .doc(customerId)
            .set({ customerId, userId, email: user.email, deleted: false, livemode: false, version, updatedAt: created }),
          db
            .collection(Collection.subscriptions)
            .doc(subscriptionId)
            .set(legacySubscription(userId, customerId, subscriptionId)),
          db
            .collection(Collection.invoices)
            .doc(`in_${userId}`)
            .set({
              invoiceId: `in_${userId}`,
              customerId,
              userId,
              subscriptionId,
              number: 'A-1',
              status: 'paid',
              currency: 'eur',
              amountDue: 1_900,
              amountPaid: 1_900,
              total: 1_900,
              created: PERIOD,
              periodStart: PERIOD,
              periodEnd: PERIOD + 30 * 86_400,
              hostedInvoiceUrl: null,
              invoicePdf: null,
              paymentIssue: null,
              version,
              updatedAt: created,
            }),
        ]
      : []),
  ]);
}

function legacySubscription(userId: string, customerId: string, subscriptionId: string): DocumentData {
  const period = { currentPeriodStart: PERIOD, currentPeriodEnd: PERIOD + 30 * 86_400 };
  return {
    subscriptionId,
    customerId,
    userId,
    livemode: false,
    status: 'active',
    priceId: 'price_pro_month',
    productId: 'prod_pro',
    planId: 'pro',
    interval: 'month',
    quantity: 1,
    items: [
      {
        itemId: 'si_1',
        priceId: 'price_pro_month',
        lookupKey: 'pro_month',
        metered: false,
        quantity: 1,
        ...period,
        unitAmount: 1_900,
        currency: 'eur',
        interval: 'month',
        intervalCount: 1,
      },
    ],
    ...period,
    billingCycleAnchor: PERIOD,
    cancelAtPeriodEnd: false,
    cancelAt: null,
    canceledAt: null,
    endedAt: null,
    trialStart: null,
    trialEnd: null,
    created: PERIOD,
    version,
    updatedAt: created,
  };
}

/** Every document of the project, by path (raw, as stored). */
async function dump(db: Firestore): Promise<Record<string, DocumentData>> {
  const out: Record<string, DocumentData> = {};
  const walk = async (collections: FirebaseFirestore.CollectionReference[]): Promise<void> => {
    for (const collection of collections) {
      for (const ref of await collection.listDocuments()) {
        const snap = await ref.get();
        if (snap.exists) out[ref.path] = snap.data() ?? {};
        await walk(await ref.listCollections());
      }
    }
  };
  await walk(await db.listCollections());
  return out;
}

// ---- The pure rules -----------------------------------------------------------------------------

describe('planAccount: what the personal account takes from the legacy document', () => {
  const legacy = legacyUser('u1', true);
  const newer = billingSummaryFixture({ customerId: 'cus_u1', planId: 'team', updatedAt: Timestamp.fromMillis(NOW_MS) });
  const account = (over: Partial<AccountDoc>): AccountDoc => ({
    accountId: 'u1',
    kind: 'personal',
    name: null,
    email: 'u1@example.com',
    stripeCustomerId: null,
    billing: null,
    createdAt: created,
    updatedAt: created,
    ...over,
  });

  it.each<[string, AccountDoc | undefined, ReturnType<typeof planAccount>]>([
    [
      'absent: all of it',
      undefined,
      {
        kind: 'created',
        account: {
          accountId: 'u1',
          kind: 'personal',
          name: null,
          email: legacy.email,
          stripeCustomerId: 'cus_u1',
          billing: legacy.billing,
          createdAt: created,
        },
      },
    ],
    [
      'created by the app since the deploy: the billing fields',
      account({}),
      { kind: 'filled', fields: { stripeCustomerId: 'cus_u1', billing: legacy.billing } },
    ],
    [
      'with a customer but no summary yet: the summary',
      account({ stripeCustomerId: 'cus_u1' }),
      { kind: 'filled', fields: { billing: legacy.billing } },
    ],
    ['with newer billing from the applier: nothing', account({ stripeCustomerId: 'cus_u1', billing: newer }), { kind: 'unchanged' }],
  ])('%s', (_, existing, plan) => {
    expect(planAccount('u1', legacy, existing)).toEqual(plan);
  });

  it('takes nothing from a legacy user who never had billing', () => {
    expect(planAccount('u1', legacyUser('u1', false), account({}))).toEqual({ kind: 'unchanged' });
  });
});

describe('mergeCounter: a counter on both sides keeps the larger used and reserved', () => {
  it.each([
    ['legacy larger', [50, 90], [10, 20], { used: 50, reserved: 90 }],
    ['account larger', [10, 20], [50, 90], null],
    ['equal', [10, 20], [10, 20], null],
    ['mixed', [50, 60], [10, 80], { used: 50, reserved: 80 }],
  ] as const)('%s', (_, [legacyUsed, legacyReserved], [used, reserved], merged) => {
    expect(mergeCounter(counter('u1', legacyUsed, legacyReserved), counter('u1', used, reserved))).toEqual(merged);
  });
});

// ---- The migration against the emulator ------------------------------------------------------------

describe('migrate-accounts', () => {
  it('moves billing, counters, API keys and object ownership from users to their personal accounts', async () => {
    const db = emulatorDb();
    await seedLegacyUser(db, 'alice');
    await seedLegacyUser(db, 'bob', { withBilling: false });
    const store = createStore(db);

    const result = await migrate(db);
    expect(result).toMatchObject({
      users: 2,
      accountsCreated: 2,
      accountsFilled: 0,
      countersCopied: 2,
      apiKeys: 2,
      objects: 3,
      lastUserId: 'bob',
      dryRun: false,
    });

    const alice = (await store.legacyUsers.doc('alice').get()).data();
    expect(alice?.billing).toMatchObject({ customerId: 'cus_alice', status: 'active' });
    expect((await store.accounts.doc('alice').get()).data()).toEqual({
      accountId: 'alice',
      kind: 'personal',
      name: null,
      email: 'alice@example.com',
      stripeCustomerId: 'cus_alice',
      billing: alice?.billing,
      createdAt: created,
      updatedAt: Timestamp.fromMillis(NOW_MS),
    });
    expect((await store.accounts.doc('bob').get()).data()).toMatchObject({ accountId: 'bob', stripeCustomerId: null, billing: null });

    // Counters: the same document under the account, owned by it.
    expect((await store.usageCounter('alice', 'api_calls', PERIOD).get()).data()).toEqual({
      ...counter('alice', 40, 100),
      updatedAt: Timestamp.fromMillis(NOW_MS),
    });

    // API keys: owner and creator stamped; the stored legacy field may stay.
    expect((await db.collection(Collection.apiKeys).doc('hash_alice').get()).data()).toMatchObject({
      userId: 'alice',
      accountId: 'alice',
      createdBy: 'alice',
    });
    expect((await store.apiKeys.doc('hash_alice').get()).data()).toMatchObject({ accountId: 'alice', createdBy: 'alice' });

    // Stripe objects: `accountId` written, so queries by account find them; they still parse.
    for (const path of [`${Collection.customers}/cus_alice`, `${Collection.subscriptions}/sub_alice`, `${Collection.invoices}/in_alice`]) {
      expect((await db.doc(path).get()).get('accountId'), path).toBe('alice');
    }
    expect((await store.subscriptions.where('accountId', '==', 'alice').get()).docs.map((d) => d.data().subscriptionId)).toEqual([
      'sub_alice',
    ]);
    expect((await store.customers.doc('cus_alice').get()).data()).toMatchObject({ accountId: 'alice' });
  });

  it('changes nothing on a second run, and says so', async () => {
    const db = emulatorDb();
    await seedLegacyUser(db, 'alice');
    await seedLegacyUser(db, 'bob', { withBilling: false });
    await migrate(db);
    const before = await dump(db);

    const again = await migrate(db, { clock: { now: () => NOW_MS + 60_000 } });
    expect(again).toMatchObject({ users: 2, ...noChanges, lastUserId: 'bob' });
    expect(await dump(db)).toEqual(before);
  });

  it('on a dry run writes nothing and reports what a real run then does', async () => {
    const db = emulatorDb();
    await seedLegacyUser(db, 'alice');
    await seedLegacyUser(db, 'bob', { withBilling: false });
    const before = await dump(db);

    const dry = await migrate(db, { dryRun: true });
    expect(await dump(db)).toEqual(before);
    expect(dry).toMatchObject({ dryRun: true, users: 2, accountsCreated: 2, countersCopied: 2, apiKeys: 2, objects: 3 });
    expect(dry.examples).toEqual({
      accountsCreated: ['alice', 'bob'],
      accountsFilled: [],
      countersCopied: [`alice/api_calls_${PERIOD}`, `bob/api_calls_${PERIOD}`],
      apiKeys: ['key_alice', 'key_bob'],
      objects: expect.arrayContaining([
        `${Collection.customers}/cus_alice`,
        `${Collection.subscriptions}/sub_alice`,
        `${Collection.invoices}/in_alice`,
      ]) as unknown,
    });

    const real = await migrate(db);
    expect({ ...real, dryRun: true }).toEqual(dry);
  });

  it('resumes after a given user, in user-id order, a page at a time, logging where it got to', async () => {
    const db = emulatorDb();
    for (const id of ['u1', 'u2', 'u3', 'u4']) await seedLegacyUser(db, id);
    const lines: string[] = [];
    const logger = createLogger({
      service: 'test',
      destination: new Writable({
        write: (chunk: Buffer, _, done) => {
          lines.push(chunk.toString());
          done();
        },
      }),
    });

    const result = await migrate(db, { after: 'u1', batch: 2, logger });
    expect(result).toMatchObject({ users: 3, accountsCreated: 3, lastUserId: 'u4' });
    expect((await createStore(db).accounts.get()).docs.map((d) => d.id)).toEqual(['u2', 'u3', 'u4']);
    expect((await db.collection(Collection.apiKeys).doc('hash_u1').get()).get('accountId')).toBeUndefined();
    const pages = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['event'] === 'ops.migrate_accounts_page');
    expect(pages.map((p) => p['lastUserId'])).toEqual(['u3', 'u4']);

    expect(await migrate(db, { after: 'u4' })).toMatchObject({ users: 0, ...noChanges, lastUserId: 'u4' });
  });

  it('stops at a user it cannot migrate, saying where to resume', async () => {
    const db = emulatorDb();
    await seedLegacyUser(db, 'u1');
    await db.collection(Collection.legacyUsers).doc('u2').set({ userId: 'u2', email: 'u2@example.com' }); // no billing fields
    await seedLegacyUser(db, 'u3');

    await expect(migrate(db, { batch: 1 })).rejects.toThrow(/^migrating user u2 failed .*; resume with --after u1$/s);
    expect((await createStore(db).accounts.get()).docs.map((d) => d.id)).toEqual(['u1']);
    expect(await migrate(db, { after: 'u2' })).toMatchObject({ users: 1, accountsCreated: 1, lastUserId: 'u3' });
  });

  it('keeps an account the applier wrote since the deploy, filling only what it lacks', async () => {
    const db = emulatorDb();
    const store = createStore(db);
    await seedLegacyUser(db, 'alice');
    await seedLegacyUser(db, 'bob');
    const newer = billingSummaryFixture({
      customerId: 'cus_alice',
      subscriptionId: 'sub_alice',
      planId: 'team',
      updatedAt: Timestamp.fromMillis(NOW_MS - 1_000),
    });
    const since = Timestamp.fromMillis(NOW_MS - 5_000);
    // alice: the applier already wrote her newer billing; bob: the app created his account, no billing yet.
    await store.accounts.doc('alice').set({
      accountId: 'alice',
      kind: 'personal',
      name: null,
      email: 'alice@new.example',
      stripeCustomerId: 'cus_alice',
      billing: newer,
      createdAt: since,
      updatedAt: since,
    });
    await store.accounts.doc('bob').set({
      accountId: 'bob',
      kind: 'personal',
      name: null,
      email: 'bob@example.com',
      stripeCustomerId: null,
      billing: null,
      createdAt: since,
      updatedAt: since,
    });

    expect(await migrate(db)).toMatchObject({ accountsCreated: 0, accountsFilled: 1, examples: { accountsFilled: ['bob'] } });
    expect((await store.accounts.doc('alice').get()).data()).toEqual({
      accountId: 'alice',
      kind: 'personal',
      name: null,
      email: 'alice@new.example',
      stripeCustomerId: 'cus_alice',
      billing: newer,
      createdAt: since,
      updatedAt: since,
    });
    expect((await store.accounts.doc('bob').get()).data()).toMatchObject({
      stripeCustomerId: 'cus_bob',
      billing: (await store.legacyUsers.doc('bob').get()).data()?.billing,
      createdAt: since,
      updatedAt: Timestamp.fromMillis(NOW_MS),
    });
  });

  it('never loses usage: a counter on both sides keeps the larger used and reserved', async () => {
    const db = emulatorDb();
    const store = createStore(db);
    await seedLegacyUser(db, 'alice', { used: 70, reserved: 100 }); // legacy used more
    await seedLegacyUser(db, 'bob', { used: 5, reserved: 10 }); // the account already counts more
    await store.usageCounter('alice', 'api_calls', PERIOD).set({ ...counter('alice', 30, 300), limit: 5_000 });
    await store.usageCounter('bob', 'api_calls', PERIOD).set(counter('bob', 50, 60));

    expect(await migrate(db)).toMatchObject({ countersCopied: 1, examples: { countersCopied: [`alice/api_calls_${PERIOD}`] } });
    expect((await store.usageCounter('alice', 'api_calls', PERIOD).get()).data()).toMatchObject({ used: 70, reserved: 300, limit: 5_000 });
    expect((await store.usageCounter('bob', 'api_calls', PERIOD).get()).data()).toMatchObject({
      used: 50,
      reserved: 60,
      updatedAt: created,
    });
  });

  it('leaves alone keys and objects that already name their account', async () => {
    const db = emulatorDb();
    await seedLegacyUser(db, 'alice');
    // A key made after the deploy, and a customer the applier rewrote for a team the user pays through.
    await db.collection(Collection.apiKeys).doc('hash_new').set({
      id: 'key_new',
      userId: 'alice',
      accountId: 'alice',
      createdBy: 'carol',
      name: 'new',
      prefix: 'sk_live_new',
      createdAt: created,
      lastUsedAt: null,
      revokedAt: null,
    });
    await db.collection(Collection.customers).doc('cus_alice').update({ accountId: 'team_x' });

    expect(await migrate(db)).toMatchObject({ apiKeys: 1, objects: 2, examples: { apiKeys: ['key_alice'] } });
    expect((await db.collection(Collection.apiKeys).doc('hash_new').get()).get('createdBy')).toBe('carol');
    expect((await db.collection(Collection.customers).doc('cus_alice').get()).get('accountId')).toBe('team_x');
  });
});
