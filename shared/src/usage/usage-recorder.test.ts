import type { Firestore } from '@google-cloud/firestore';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error.js';
import { silentLogger } from '../logging/logger.js';
import { Collection } from '../model/collections.js';
import type { BillingSummary } from '../model/documents.js';
import { AccountId } from '../model/ids.js';
import type { MeteredFeature } from '../plans/catalog.js';
import { systemClock, type Clock } from '../ports/clock.js';
import { testFirestore, testProjectId } from '../testing/emulator.js';
import { calendarMonth, firestoreBillingSource } from './usage-account.js';
import type { AccessOverride } from '../model/operator-documents.js';

import { createUsageRecorder, type UsageRecorder, type UsageSubject } from './usage-recorder.js';
import { createUsageSummary } from './usage-summary.js';
import { billingSummaryFixture, accountDocFixture } from '../testing/billing-summary-fixture.js';
import { createStore } from '../firestore/store.js';

const GRACE = 3 * 86_400;
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

function manualClock(iso: string): Clock & { set(iso: string): void } {
  let t = Date.parse(iso);
  return { now: () => t, set: (s) => (t = Date.parse(s)) };
}

/** A user with no subscription unless `over` says otherwise. */
function billing(over: Partial<BillingSummary>): BillingSummary {
  const none = {
    customerId: null,
    subscriptionId: null,
    status: null,
    planId: null,
    priceId: null,
    interval: null,
    currentPeriodStart: null,
    currentPeriodEnd: null,
    billingCycleAnchor: null,
  };
  return billingSummaryFixture({ ...none, ...over });
}

async function seedUser(db: Firestore, accountId: string, summary: BillingSummary | null): Promise<AccountId> {
  await db
    .collection(Collection.accounts)
    .doc(accountId)
    .set(accountDocFixture(accountId, summary, { email: null }));
  return AccountId.parse(accountId);
}

/** Usage made by the user of a personal account (the account's id is the user's). */
const personal = (accountId: AccountId): UsageSubject => ({ accountId, userId: accountId });

function recorderOn(db: Firestore, clock: Clock, extra: Partial<Parameters<typeof createUsageRecorder>[0]> = {}): UsageRecorder {
  const recorder = createUsageRecorder({
    db,
    clock,
    billing: firestoreBillingSource(db, { clock, ttlMs: 0 }),
    logger: silentLogger(),
    upgradeUrl: '/billing',
    pastDueGraceSeconds: GRACE,
    autoFlush: false,
    ...extra,
  });
  cleanup.push(() => recorder.close());
  return recorder;
}

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const err: unknown = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof AppError)) throw new Error(`expected an AppError, got ${String(err)}`);
  return err;
}

describe('usage recorder: quota edge and period', () => {
  it('admits exactly the limit, refuses one more with the quota body, and keeps refusing after a restart', async () => {
    const db = testFirestore();
    cleanup.push(() => db.terminate());
    const clock = manualClock('2026-11-10T12:00:00Z');
    const user = await seedUser(db, 'u-edge', null); // free: analyses = 10 per calendar month
    const recorder = recorderOn(db, clock);

    await recorder.record(personal(user), 'analyses', 7);
    await recorder.record(personal(user), 'analyses', 2);
    await recorder.record(personal(user), 'analyses', 1); // exactly at the limit
    const err = await refusal(recorder.record(personal(user), 'analyses', 1));
    expect(err.code).toBe('quota_exceeded');
    expect(err.status).toBe(429);
    expect(err.details).toEqual({
      feature: 'analyses',
      used: 10,
      limit: 10,
      periodEnd: Date.parse('2026-12-01T00:00:00Z') / 1000,
      upgradeUrl: '/billing',
    });

    await recorder.close();
    const { start } = calendarMonth(clock.now());
    const doc = (await createStore(db).usageCounter(user, 'analyses', start).get()).data();
    expect(doc).toMatchObject({ used: 10, reserved: 10, limit: 10 });
    expect(doc?.expireAt.toMillis()).toBe(Date.parse('2026-12-08T00:00:00Z')); // period end + 7 days (free retention)

    const restarted = recorderOn(db, clock);
    expect((await refusal(restarted.record(personal(user), 'analyses'))).code).toBe('quota_exceeded');
  });

  it('rolls over to a fresh quota with the calendar month for a free user', async () => {
    const db = testFirestore();
    cleanup.push(() => db.terminate());
    const clock = manualClock('2026-11-30T23:59:58Z');
    const user = await seedUser(db, 'u-roll', null);
    const recorder = recorderOn(db, clock);
    await recorder.record(personal(user), 'analyses', 10);
    expect((await refusal(recorder.record(personal(user), 'analyses'))).code).toBe('quota_exceeded');
    clock.set('2026-12-01T00:00:00Z');
    const ok = await recorder.record(personal(user), 'analyses', 10);
    expect(ok.periodEnd).toBe(Date.parse('2027-01-01T00:00:00Z') / 1000);
    await recorder.close();
    expect(
      (
        await createStore(db)
          .usageCounter(user, 'analyses', Date.parse('2026-12-01T00:00:00Z') / 1000)
          .get()
      ).data()?.used,
    ).toBe(10);
    expect(
      (
        await createStore(db)
          .usageCounter(user, 'analyses', Date.parse('2026-11-01T00:00:00Z') / 1000)
          .get()
      ).data()?.used,
    ).toBe(10);
  });

  it('counts a paid user’s quota per month from the billing-cycle anchor, and a late renewal event changes nothing', async () => {
    const db = testFirestore();
    cleanup.push(() => db.terminate());
    const periodStart = Date.parse('2026-11-05T08:00:00Z') / 1000;
    const periodEnd = Date.parse('2026-12-05T08:00:00Z') / 1000;
    const clock = manualClock('2026-11-20T00:00:00Z');
    const user = await seedUser(
      db,
      'u-pro',
      billing({
        customerId: 'cus_pro',
        status: 'active',
        planId: 'pro',
        currentPeriodStart: periodStart,
        currentPeriodEnd: periodEnd,
        billingCycleAnchor: periodStart,
      }),
    );
    const recorder = recorderOn(db, clock);
    const a = await recorder.record(personal(user), 'exports', 1000);
    expect(a).toMatchObject({ limit: 1000, periodEnd });
    expect((await refusal(recorder.record(personal(user), 'exports'))).code).toBe('quota_exceeded');
    clock.set('2026-12-05T08:00:01Z'); // the renewal event has not been applied yet
    const b = await recorder.record(personal(user), 'exports');
    expect(b.periodEnd).toBe(Date.parse('2027-01-05T08:00:00Z') / 1000); // December's 31 days, not November's 30 again
  });

  it('gives a yearly subscriber the monthly quota every month, not once a year', async () => {
    const db = testFirestore();
    cleanup.push(() => db.terminate());
    const anchor = Date.parse('2026-01-31T10:00:00Z') / 1000;
    const clock = manualClock('2026-02-10T00:00:00Z');
    const user = await seedUser(
      db,
      'u-yearly',
      billing({
        customerId: 'cus_y',
        status: 'active',
        planId: 'pro',
        interval: 'year',
        currentPeriodStart: anchor,
        currentPeriodEnd: Date.parse('2027-01-31T10:00:00Z') / 1000,
        billingCycleAnchor: anchor,
      }),
    );
    const recorder = recorderOn(db, clock);
    expect(await recorder.record(personal(user), 'exports', 1000)).toMatchObject({
      limit: 1000,
      periodEnd: Date.parse('2026-02-28T10:00:00Z') / 1000,
    });
    expect((await refusal(recorder.record(personal(user), 'exports'))).code).toBe('quota_exceeded');
    clock.set('2026-02-28T10:00:00Z'); // anchored on the 31st: February's month ends on its last day
    expect(await recorder.record(personal(user), 'exports', 1000)).toMatchObject({ periodEnd: Date.parse('2026-03-31T10:00:00Z') / 1000 });
    expect((await refusal(recorder.record(personal(user), 'exports'))).code).toBe('quota_exceeded');
    await recorder.close();
    expect((await createStore(db).usageCounter(user, 'exports', anchor).get()).data()?.used).toBe(1000);
    expect(
      (
        await createStore(db)
          .usageCounter(user, 'exports', Date.parse('2026-02-28T10:00:00Z') / 1000)
          .get()
      ).data()?.used,
    ).toBe(1000);
  });

  it('keeps a past-due subscriber on the paid quotas within the grace period, then meters them as free', async () => {
    const db = testFirestore();
    cleanup.push(() => db.terminate());
    const renewal = Date.parse('2026-11-05T08:00:00Z') / 1000;
    const clock = manualClock('2026-11-06T08:00:00Z'); // one day into a 3-day grace
    const summary = billing({
      customerId: 'cus_pd',
      status: 'past_due',
      planId: 'pro',
      currentPeriodStart: renewal,
      currentPeriodEnd: Date.parse('2026-12-05T08:00:00Z') / 1000,
      billingCycleAnchor: renewal,
    });
    const user = await seedUser(db, 'u-past-due', summary);
    // The same summary object throughout, as the app's listener-backed cache serves it while nothing
    // changes: the grace ends by the clock alone, not by a new summary.
    const state = { billing: summary };
    const recorder = recorderOn(db, clock, { billing: { billing: () => Promise.resolve(state) } });
    expect(await recorder.record(personal(user), 'exports', 5)).toMatchObject({ limit: 1000 });
    clock.set('2026-11-08T08:00:00Z'); // the grace has ended: free has no exports, and its monthly analyses
    expect((await refusal(recorder.record(personal(user), 'exports'))).status).toBe(402);
    expect(await recorder.record(personal(user), 'analyses', 10)).toMatchObject({
      limit: 10,
      periodEnd: Date.parse('2026-12-01T00:00:00Z') / 1000,
    });
    expect((await refusal(recorder.record(personal(user), 'analyses'))).code).toBe('quota_exceeded');
  });

  it('an operator’s quota override (console) is the limit admissions count against until it expires, as the check shows it', async () => {
    const db = testFirestore();
    cleanup.push(() => db.terminate());
    const clock = manualClock('2026-11-20T00:00:00Z');
    const expiresAt = Date.parse('2026-11-21T00:00:00Z') / 1000;
    const override: AccessOverride = {
      id: 'ovr_more',
      kind: 'quota',
      feature: 'analyses',
      limit: 12,
      expiresAt,
      grantedBy: 'ops@example.com',
      grantedAt: expiresAt - 86_400,
      reason: 'pilot',
    };
    const state = { billing: null, overrides: [override] };
    const user = AccountId.parse('u-override');
    const recorder = recorderOn(db, clock, { billing: { billing: () => Promise.resolve(state) } });
    expect(await recorder.record(personal(user), 'analyses', 12)).toMatchObject({ limit: 12 }); // free plan: 10
    expect((await refusal(recorder.record(personal(user), 'analyses'))).code).toBe('quota_exceeded');
    const summary = createUsageSummary({
      db,
      billing: { billing: () => Promise.resolve(state) },
      clock,
      recorder,
      pastDueGraceSeconds: GRACE,
    });
    expect(await summary.featureUsage(user, 'analyses')).toMatchObject({ used: 12, limit: 12 });
    // A caller that holds the account's state already (the check route) has its figures follow it.
    expect(await summary.featureUsage(user, 'analyses', { billing: null })).toMatchObject({ used: 12, limit: 10 });
    clock.set('2026-11-21T00:00:01Z'); // expired: the plan's 10 again
    expect(await summary.featureUsage(user, 'analyses')).toMatchObject({ limit: 10 });
    expect((await refusal(recorder.record(personal(user), 'analyses'))).code).toBe('quota_exceeded');
  });

  it('answers 402 for a paid feature without an active subscription, and 402 again once canceled', async () => {
    const db = testFirestore();
    cleanup.push(() => db.terminate());
    const clock = manualClock('2026-11-20T00:00:00Z');
    const free = await seedUser(db, 'u-free', null);
    const canceled = await seedUser(
      db,
      'u-canceled',
      billing({ customerId: 'cus_c', status: 'canceled', planId: 'pro', currentPeriodStart: 1, currentPeriodEnd: 2 }),
    );
    const recorder = recorderOn(db, clock);
    for (const accountId of [free, canceled]) {
      const err = await refusal(recorder.record(personal(accountId), 'exports'));
      expect(err.status).toBe(402);
      expect(err.details).toMatchObject({ feature: 'exports', upgradeUrl: '/billing' });
    }
    expect((await refusal(recorder.record(personal(free), 'exports', 0))).code).toBe('bad_request');
    await recorder.close();
    expect((await db.collectionGroup(Collection.usage).get()).size).toBe(0); // refusals write nothing
  });
});

describe('usage recorder: across instances', () => {
  it('two instances x 64 concurrent requests never admit past the limit, and Firestore holds exactly what was admitted', async () => {
    const projectId = testProjectId('conc');
    const dbA = testFirestore(projectId);
    const dbB = testFirestore(projectId);
    cleanup.push(
      () => dbA.terminate(),
      () => dbB.terminate(),
    );
    const user = await seedUser(dbA, 'u-conc', null); // free: api_calls = 1000
    const feature: MeteredFeature = 'api_calls';
    const a = recorderOn(dbA, systemClock);
    const b = recorderOn(dbB, systemClock);
    const perRequest = 10; // 2 x 64 x 10 = 1280 units asked for a quota of 1000

    const outcomes = await Promise.all(
      [a, b].flatMap((recorder) =>
        Array.from({ length: 64 }, () =>
          recorder.record(personal(user), feature, perRequest).then(
            () => 'admitted' as const,
            (err: unknown) => {
              if (err instanceof AppError && err.code === 'quota_exceeded') return 'refused' as const;
              throw err;
            },
          ),
        ),
      ),
    );
    const admittedUnits = outcomes.filter((o) => o === 'admitted').length * perRequest;
    // Stated bound: zero over-admission. Under-admission is lease still parked on the other instance.
    expect(admittedUnits).toBeLessThanOrEqual(1000);
    expect(admittedUnits).toBeGreaterThanOrEqual(500);

    await Promise.all([a.close(), b.close()]);
    const ref = createStore(dbA).usageCounter(user, feature, calendarMonth(Date.now()).start);
    const doc = (await ref.get()).data();
    expect(doc?.used).toBe(admittedUnits);
    expect(doc?.reserved).toBe(admittedUnits); // every unused lease was given back at close

    // Under-admission is transient: once leases are back, exactly the rest of the quota is admitted.
    const c = recorderOn(dbB, systemClock);
    const rest = 1000 - admittedUnits;
    if (rest > 0) await c.record(personal(user), feature, rest);
    expect((await refusal(c.record(personal(user), feature, 1))).code).toBe('quota_exceeded');
    await c.close();
    expect((await ref.get()).data()?.used).toBe(1000);
  });

  it('each periodic flush writes what was admitted since the previous one, before any close', async () => {
    const db = testFirestore();
    cleanup.push(() => db.terminate());
    const clock = manualClock('2026-03-10T12:00:00Z');
    const user = await seedUser(db, 'u-flush', null); // free plan: calendar-month quota
    const recorder = recorderOn(db, clock);
    cleanup.push(() => recorder.close());
    const used = async () =>
      (await db.collection('accounts').doc(user).collection('usage').get()).docs.reduce(
        (sum, d) => sum + ((d.get('used') as number | undefined) ?? 0),
        0,
      );
    let admitted = 0;
    for (let round = 1; round <= 3; round++) {
      await recorder.record(personal(user), 'api_calls', round);
      admitted += round;
      clock.set(`2026-03-10T12:00:0${round * 2}Z`); // one flush interval (1 s) and more later
      await recorder.flush();
      expect(await used()).toBe(admitted); // durable now: a SIGKILL from here on loses none of it
    }
  });

  it('writes an outbox entry for metered units in the same transaction as the counter, summing to what was admitted', async () => {
    const db = testFirestore();
    cleanup.push(() => db.terminate());
    const now = Date.now() / 1000;
    const user = await seedUser(
      db,
      'u-team',
      billing({
        customerId: 'cus_team',
        status: 'active',
        planId: 'team',
        currentPeriodStart: Math.floor(now - 86_400),
        currentPeriodEnd: Math.floor(now + 86_400),
      }),
    );
    const recorder = recorderOn(db, systemClock);
    let admitted = 0;
    for (let round = 0; round < 3; round++) {
      await Promise.all(Array.from({ length: 50 }, () => recorder.record(personal(user), 'api_calls', 3).then(() => (admitted += 3))));
      await recorder.flush();
    }
    await recorder.record(personal(user), 'analyses', 5); // not metered on team: counted, not billed
    await recorder.close();
    const entries = (await createStore(db).usageOutbox.get()).docs.map((d) => d.data());
    expect(entries.every((e) => e.customerId === 'cus_team' && e.eventName === 'api_calls' && e.state === 'pending')).toBe(true);
    expect(entries.reduce((s, e) => s + e.value, 0)).toBe(admitted);
    expect(entries.length).toBeLessThanOrEqual(10); // aggregated: one entry per counter write (lease or flush), not per unit or request

    const summary = createUsageSummary({
      db,
      billing: firestoreBillingSource(db, { clock: systemClock }),
      clock: systemClock,
      pastDueGraceSeconds: GRACE,
    });
    const rows = await summary.summary(user);
    expect(rows.find((r) => r.feature === 'api_calls')).toMatchObject({ used: admitted, limit: 1_000_000 });
    expect(rows.find((r) => r.feature === 'analyses')).toMatchObject({ used: 5, limit: 10_000 });
  });
});

/**
 * A Firestore whose first lease commit and first flush commit (or as many as `failures` says)
 * commit for real and then report a failure, as a deadline or a dropped connection after the commit
 * does. Both are batches (sync-counter.ts): a flush is the one that `set`s (merges) the counter.
 */
function committingButFailing(real: Firestore, failures = { leases: 1, flushes: 1 }): Firestore & { failuresLeft(): number } {
  const left = { ...failures };
  /** Runs the real commit; the first `kind` commit then reports a lost answer. */
  const thenFail = async <T>(kind: keyof typeof left, commit: () => Promise<T>): Promise<T> => {
    const result = await commit();
    if (left[kind] > 0) {
      left[kind]--;
      throw Object.assign(new Error('4 DEADLINE_EXCEEDED: injected after the commit'), { code: 4 });
    }
    return result;
  };
  const bound = <T extends object>(target: T, prop: string | symbol): unknown => {
    const value: unknown = Reflect.get(target, prop);
    return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
  };
  return new Proxy(real, {
    get(target, prop) {
      if (prop === 'failuresLeft') return () => left.leases + left.flushes;
      if (prop === 'batch') {
        return () => {
          let merges = false;
          return new Proxy(target.batch(), {
            get: (b, p) => {
              if (p === 'set') merges = true;
              return p === 'commit' ? () => thenFail(merges ? 'flushes' : 'leases', () => b.commit()) : bound(b, p);
            },
          });
        };
      }
      return bound(target, prop);
    },
  }) as Firestore & { failuresLeft(): number };
}

describe('usage recorder: a write that committed but reported a failure', () => {
  it('is repeated under its receipt and counted once: flushes and leases', async () => {
    const real = testFirestore();
    cleanup.push(() => real.terminate());
    const now = Date.now() / 1000;
    const user = await seedUser(
      real,
      'u-ambiguous',
      billing({
        customerId: 'cus_amb',
        status: 'active',
        planId: 'team',
        currentPeriodStart: Math.floor(now - 86_400),
        currentPeriodEnd: Math.floor(now + 86_400),
      }),
    );
    // The first lease and the first flush both commit, then fail.
    const db = committingButFailing(real);
    const clock = manualClock(new Date(now * 1000).toISOString());
    const recorder = recorderOn(db, clock);

    // The lease fails after committing: the caller gets a 503, nothing of theirs counted.
    const first = await recorder.record(personal(user), 'api_calls', 4).then(
      () => null,
      (e: unknown) => e,
    );
    expect(first).toBeInstanceOf(AppError);
    let admitted = 0;
    for (let i = 0; i < 10; i++) {
      await recorder.record(personal(user), 'api_calls', 2); // the repeat finds the receipt, then leases
      admitted += 2;
    }
    clock.set(new Date(now * 1000 + 2_000).toISOString()); // a flush interval later
    await recorder.flush(); // commits, then fails (logged): the units stay unconfirmed
    expect(db.failuresLeft()).toBe(0);
    await recorder.record(personal(user), 'api_calls', 1);
    admitted += 1;
    await recorder.close(); // repeats the unconfirmed flush (a no-op), then flushes the last unit

    const counter = (await real.collection('accounts').doc(user).collection('usage').get()).docs
      .find((d) => d.id.startsWith('api_calls_'))
      ?.data();
    expect(counter?.['used']).toBe(admitted);
    const entries = (await createStore(real).usageOutbox.get()).docs.map((d) => d.data());
    expect(entries.reduce((s, e) => s + e.value, 0)).toBe(admitted);
    expect((await real.collection(Collection.usageReceipts).get()).size).toBeGreaterThanOrEqual(2);
  });
});

describe('usage recorder: attribution to the member who made the usage', () => {
  // Real user ids carry ':' and '.': they are map keys in the counter, never field paths.
  const ALICE = 'accounts.google.com:alice';
  const BOB = 'accounts.google.com:bob.b';

  it('two members on two instances, one flush committed but reported failed: used is the sum of byMember, each member exact, the summary lists both', async () => {
    const projectId = testProjectId('members');
    const realA = testFirestore(projectId);
    const dbB = testFirestore(projectId);
    cleanup.push(
      () => realA.terminate(),
      () => dbB.terminate(),
    );
    const now = Date.now();
    const team = AccountId.parse('team_members1');
    const summaryDoc = billing({
      customerId: 'cus_members',
      status: 'active',
      planId: 'team',
      currentPeriodStart: Math.floor(now / 1000 - 86_400),
      currentPeriodEnd: Math.floor(now / 1000 + 86_400),
    });
    await realA
      .collection(Collection.accounts)
      .doc(team)
      .set(accountDocFixture(team, summaryDoc, { kind: 'team', name: 'Members', email: null }));
    const clock = manualClock(new Date(now).toISOString());
    const later = (ms: number) => clock.set(new Date(clock.now() + ms).toISOString());
    // Instance A's first flush commits, then reports a failure: it stays unconfirmed and is repeated.
    const dbA = committingButFailing(realA, { leases: 0, flushes: 1 });
    const a = recorderOn(dbA, clock);
    const b = recorderOn(dbB, clock);
    const expected = new Map<string, number>();
    const record = async (recorder: UsageRecorder, userId: string, n: number) => {
      await recorder.record({ accountId: team, userId }, 'api_calls', n);
      expected.set(userId, (expected.get(userId) ?? 0) + n);
    };

    await Promise.all([record(a, ALICE, 2), record(a, BOB, 5), record(a, ALICE, 2), record(b, BOB, 4), record(b, ALICE, 1)]);
    later(2_000);
    await Promise.all([a.flush(), b.flush()]); // A's commits, then fails (logged)
    expect(dbA.failuresLeft()).toBe(0);
    await Promise.all([record(a, BOB, 3), record(a, ALICE, 7), record(b, ALICE, 6)]); // admitted while A's write is unconfirmed
    later(2_000);
    await Promise.all([a.flush(), b.flush()]); // A repeats its write (a no-op under its receipt), then flushes the rest
    await record(a, ALICE, 1);
    await Promise.all([a.close(), b.close()]);

    const counter = (
      await createStore(realA)
        .usageCounter(team, 'api_calls', Math.floor(now / 1000 - 86_400))
        .get()
    ).data();
    const total = [...expected.values()].reduce((x, y) => x + y, 0);
    expect(counter?.used).toBe(total);
    expect(counter?.byMember).toEqual(Object.fromEntries(expected));
    expect(Object.values(counter?.byMember ?? {}).reduce((x, y) => x + y, 0)).toBe(counter?.used);
    const entries = (await createStore(realA).usageOutbox.get()).docs.map((d) => d.data());
    expect(entries.reduce((sum, e) => sum + e.value, 0)).toBe(total); // billed once too

    const summary = createUsageSummary({ db: realA, billing: firestoreBillingSource(realA, { clock }), clock, pastDueGraceSeconds: GRACE });
    const row = (await summary.summary(team)).find((r) => r.feature === 'api_calls');
    expect(row).toMatchObject({
      used: total,
      byMember: [
        { userId: ALICE, used: expected.get(ALICE) },
        { userId: BOB, used: expected.get(BOB) },
      ],
    });
  });

  it('an instance’s summary shows its own unflushed units by member, consistent with its total', async () => {
    const db = testFirestore();
    cleanup.push(() => db.terminate());
    const team = AccountId.parse('team_local1');
    await db
      .collection(Collection.accounts)
      .doc(team)
      .set(accountDocFixture(team, null, { kind: 'team', name: 'Local', email: null }));
    const clock = manualClock('2026-11-10T12:00:00Z');
    const recorder = recorderOn(db, clock);
    await recorder.record({ accountId: team, userId: ALICE }, 'analyses', 2);
    await recorder.record({ accountId: team, userId: BOB }, 'analyses', 3); // not flushed
    const summary = createUsageSummary({ db, billing: firestoreBillingSource(db, { clock }), clock, recorder, pastDueGraceSeconds: GRACE });
    const row = (await summary.summary(team, { days: true })).find((r) => r.feature === 'analyses');
    expect(row).toEqual({
      feature: 'analyses',
      used: 5,
      limit: 10,
      periodEnd: Date.parse('2026-12-01T00:00:00Z') / 1000,
      byMember: [
        { userId: BOB, used: 3 },
        { userId: ALICE, used: 2 },
      ],
      // Every day of the month so far; the units not yet stored count today.
      byDay: Array.from({ length: 10 }, (_, i) => ({ day: `2026-11-${String(i + 1).padStart(2, '0')}`, used: i === 9 ? 5 : 0 })),
    });
  });
});
