// The counter's two write paths against the emulator: the lease (a compare-and-set) and the blind flush.
import { afterEach, describe, expect, it } from 'vitest';
import { FieldValue, Timestamp, type Firestore } from '@google-cloud/firestore';
import { testFirestore, testProjectId } from '../testing/emulator.js';
import type { FlushRequest } from './counter-state.js';
import { flushCounter, syncCounter } from './sync-counter.js';
import { createStore } from '../firestore/store.js';

const open: Firestore[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((db) => db.terminate()));
});

// User ids carry ':' and '.': a dotted field path would split them.
const ALICE = 'accounts.google.com:alice';
const BOB = 'accounts.google.com:bob.b';
const key = { accountId: 'u-sync', feature: 'api_calls' as const, periodStart: 1_780_000_000, periodEnd: 1_782_592_000 };
const base = (over: Partial<FlushRequest>): FlushRequest => ({
  key,
  limit: 1_000,
  retentionDays: 30,
  commitUsed: 0,
  commitByMember: {},
  returnLease: 0,
  meter: { customerId: 'cus_sync', eventName: 'api_calls' },
  writeId: crypto.randomUUID(),
  nowMs: 1_781_000_000_000,
  ...over,
});

describe('syncCounter / flushCounter', () => {
  it('flushes from several instances at once add up, give lease back, and write one outbox entry each', async () => {
    const projectId = testProjectId();
    const a = testFirestore(projectId);
    const b = testFirestore(projectId); // a second instance: its own client
    open.push(a, b);
    const leaseA = await syncCounter(createStore(a), { ...base({}), need: 100, want: 300 });
    const leaseB = await syncCounter(createStore(b), { ...base({}), need: 100, want: 300 });
    expect(leaseA.granted + leaseB.granted).toBeLessThanOrEqual(1_000);

    await Promise.all([
      flushCounter(createStore(a), base({ commitUsed: 40, commitByMember: { [ALICE]: 30, [BOB]: 10 } })),
      flushCounter(createStore(b), base({ commitUsed: 25, commitByMember: { [BOB]: 25 } })),
      flushCounter(createStore(a), base({ commitUsed: 10, commitByMember: { [ALICE]: 10 }, returnLease: leaseA.granted - 50 })),
    ]);
    const counter = (await createStore(a).usageCounter(key.accountId, key.feature, key.periodStart).get()).data(); // parses with the schema
    expect(counter).toMatchObject({
      used: 75,
      byMember: { [ALICE]: 40, [BOB]: 35 },
      reserved: 50 + leaseB.granted,
      limit: 1_000,
      periodEnd: key.periodEnd,
    });
    const entries = (await createStore(a).usageOutbox.get()).docs.map((d) => d.data().value).sort((x, y) => x - y);
    expect(entries).toEqual([10, 25, 40]);

    // The next lease sees every flush.
    const after = await syncCounter(createStore(b), { ...base({ commitUsed: 5, commitByMember: { [ALICE]: 5 } }), need: 1, want: 1 });
    expect(after).toMatchObject({ used: 80, byMember: { [ALICE]: 45, [BOB]: 35 }, reserved: 50 + leaseB.granted + after.granted });
    expect((await createStore(a).usageCounter(key.accountId, key.feature, key.periodStart).get()).data()).toMatchObject({
      used: 80,
      byMember: { [ALICE]: 45, [BOB]: 35 },
    });
  });

  it('leases racing from two instances, flushes among them: every race lost is decided again, nothing granted twice, never past the limit', async () => {
    const projectId = testProjectId();
    const a = testFirestore(projectId);
    const b = testFirestore(projectId);
    open.push(a, b);
    const [storeA, storeB] = [createStore(a), createStore(b)];
    // 24 leases of 60 units on a limit of 1,000 (16 fit), with flushes of units already leased.
    const leases = Array.from({ length: 24 }, (_, i) =>
      syncCounter(i % 2 ? storeB : storeA, { ...base({ commitUsed: 1, commitByMember: { [ALICE]: 1 } }), need: 60, want: 60 }),
    );
    const flushes = Array.from({ length: 6 }, (_, i) =>
      flushCounter(i % 2 ? storeA : storeB, base({ commitUsed: 2, commitByMember: { [BOB]: 2 } })),
    );
    const results = await Promise.all(leases);
    await Promise.all(flushes);
    const granted = results.reduce((sum, r) => sum + r.granted, 0);
    expect(results.filter((r) => r.granted === 60)).toHaveLength(16);
    expect(granted).toBe(960);
    const counter = (await storeA.usageCounter(key.accountId, key.feature, key.periodStart).get()).data();
    expect(counter).toMatchObject({ reserved: 960, used: 24 + 12, byMember: { [ALICE]: 24, [BOB]: 12 } });
    expect((await storeA.usageReceipts.get()).size).toBe(24 + 6);
  });

  it('a give-back alone leaves the members’ figures as they are', async () => {
    const db = testFirestore();
    open.push(db);
    const store = createStore(db);
    const lease = await syncCounter(store, { ...base({ commitUsed: 3, commitByMember: { [ALICE]: 3 } }), need: 10, want: 10 });
    await flushCounter(store, base({ returnLease: lease.granted }));
    expect((await store.usageCounter(key.accountId, key.feature, key.periodStart).get()).data()).toMatchObject({
      used: 3,
      reserved: 0,
      byMember: { [ALICE]: 3 },
    });
  });

  it('a counter stored before attribution reads with no members, and keeps its earlier units in `used` only', async () => {
    const db = testFirestore();
    open.push(db);
    const store = createStore(db);
    const ref = store.usageCounter(key.accountId, key.feature, key.periodStart);
    await ref.set({
      accountId: key.accountId,
      feature: key.feature,
      periodStart: key.periodStart,
      periodEnd: key.periodEnd,
      limit: 1_000,
      reserved: 12,
      used: 12,
      byMember: {},
      byDay: {},
      expireAt: Timestamp.now(),
      updatedAt: Timestamp.now(),
    });
    await ref.update({ byMember: FieldValue.delete() }); // as written before byMember existed
    expect((await ref.get()).data()?.byMember).toEqual({});
    await flushCounter(store, base({ commitUsed: 2, commitByMember: { [BOB]: 2 } }));
    await syncCounter(store, { ...base({ commitUsed: 1, commitByMember: { [ALICE]: 1 } }), need: 1, want: 1 });
    expect((await ref.get()).data()).toMatchObject({ used: 15, byMember: { [ALICE]: 1, [BOB]: 2 } });
  });

  it('a flush with nothing to write writes nothing', async () => {
    const db = testFirestore();
    open.push(db);
    expect(await flushCounter(createStore(db), base({}))).toEqual({ wrote: false, replayed: false });
    expect((await createStore(db).usageCounter(key.accountId, key.feature, key.periodStart).get()).exists).toBe(false);
  });
});

describe('a write repeated under the same writeId (its first commit outcome unknown)', () => {
  it('flush: applied once, the repeat reports replayed', async () => {
    const db = testFirestore();
    open.push(db);
    const flush = base({ commitUsed: 7, commitByMember: { [ALICE]: 7 } });
    expect(await flushCounter(createStore(db), flush)).toEqual({ wrote: true, replayed: false });
    expect(await flushCounter(createStore(db), flush)).toEqual({ wrote: false, replayed: true });
    expect((await createStore(db).usageCounter(key.accountId, key.feature, key.periodStart).get()).data()).toMatchObject({
      used: 7,
      byMember: { [ALICE]: 7 },
    });
    expect((await createStore(db).usageOutbox.get()).docs.map((d) => d.data().value)).toEqual([7]);
  });

  it('lease: applied once, the repeat reports the first grant', async () => {
    const db = testFirestore();
    open.push(db);
    const lease = { ...base({ commitUsed: 3, commitByMember: { [BOB]: 3 } }), need: 10, want: 50 };
    const once = await syncCounter(createStore(db), lease);
    const again = await syncCounter(createStore(db), lease);
    expect(once).toMatchObject({ wrote: true, replayed: false, used: 3, byMember: { [BOB]: 3 } });
    expect(again).toMatchObject({
      wrote: false,
      replayed: true,
      granted: once.granted,
      used: 3,
      byMember: { [BOB]: 3 },
      reserved: once.reserved,
    });
    expect((await createStore(db).usageOutbox.get()).size).toBe(1);
  });
});

describe('units by day (`byDay`, the billing page’s daily chart)', () => {
  const at = (iso: string) => Date.parse(iso);
  // A quota month from 2026-06-10 09:30 to 2026-07-10 09:30 UTC.
  const month = { ...key, periodStart: at('2026-06-10T09:30:00Z') / 1000, periodEnd: at('2026-07-10T09:30:00Z') / 1000 };
  const on = (iso: string, over: Partial<FlushRequest>) => base({ key: month, nowMs: at(iso), ...over });

  it('counts each write’s units on the UTC day it commits, by flush and lease alike, in the same commit as `used`', async () => {
    const db = testFirestore();
    open.push(db);
    const store = createStore(db);
    await flushCounter(store, on('2026-06-10T23:59:59Z', { commitUsed: 4, commitByMember: { [ALICE]: 4 } }));
    await flushCounter(store, on('2026-06-11T00:00:00Z', { commitUsed: 3, commitByMember: { [BOB]: 3 } }));
    await syncCounter(store, { ...on('2026-06-11T18:00:00Z', { commitUsed: 2, commitByMember: { [ALICE]: 2 } }), need: 5, want: 5 });
    const lease = await syncCounter(store, {
      ...on('2026-06-14T08:00:00Z', { commitUsed: 6, commitByMember: { [BOB]: 6 } }),
      need: 1,
      want: 1,
    });
    await flushCounter(store, on('2026-06-14T09:00:00Z', { returnLease: lease.granted })); // a give-back alone: no day moves
    const counter = (await store.usageCounter(month.accountId, month.feature, month.periodStart).get()).data();
    expect(counter).toMatchObject({ used: 15, byDay: { '2026-06-10': 4, '2026-06-11': 5, '2026-06-14': 6 } });
    expect(Object.values(counter?.byDay ?? {}).reduce((x, y) => x + y, 0)).toBe(counter?.used);
  });

  it('counts units flushed after the month ended on its last day, and a repeated write once', async () => {
    const db = testFirestore();
    open.push(db);
    const store = createStore(db);
    const late = on('2026-07-11T01:00:00Z', { commitUsed: 5, commitByMember: { [ALICE]: 5 } });
    await flushCounter(store, late);
    expect(await flushCounter(store, late)).toEqual({ wrote: false, replayed: true });
    const lease = { ...on('2026-07-10T12:00:00Z', { commitUsed: 1, commitByMember: { [BOB]: 1 } }), need: 1, want: 1 };
    await syncCounter(store, lease);
    await syncCounter(store, lease);
    expect((await store.usageCounter(month.accountId, month.feature, month.periodStart).get()).data()).toMatchObject({
      used: 6,
      byDay: { '2026-07-10': 6 },
    });
  });

  it('a counter stored before days were kept reads with none, and keeps its earlier units in `used` only', async () => {
    const db = testFirestore();
    open.push(db);
    const store = createStore(db);
    await flushCounter(store, on('2026-06-12T10:00:00Z', { commitUsed: 9, commitByMember: { [ALICE]: 9 } }));
    const ref = store.usageCounter(month.accountId, month.feature, month.periodStart);
    await ref.update({ byDay: FieldValue.delete() }); // as written before byDay existed
    expect((await ref.get()).data()?.byDay).toEqual({});
    await syncCounter(store, { ...on('2026-06-13T10:00:00Z', { commitUsed: 2, commitByMember: { [BOB]: 2 } }), need: 1, want: 1 });
    await flushCounter(store, on('2026-06-13T11:00:00Z', { commitUsed: 1, commitByMember: { [BOB]: 1 } }));
    expect((await ref.get()).data()).toMatchObject({ used: 12, byDay: { '2026-06-13': 3 } });
  });
});
