// The lease policy alone: pure functions, no emulator. The I/O around it (transactions, receipts,
// flush timer, SIGTERM drain) is tested against the emulator in usage-recorder.test.ts.
import { describe, expect, it } from 'vitest';
import type { CounterState, SyncRequest, SyncResult } from './counter-state.js';
import {
  addMemberUnits,
  admit,
  decideAdmission,
  flushed,
  flushIncrements,
  flushStep,
  grantFor,
  isDrained,
  leased,
  leaseOutcome,
  leaseSettings,
  localUsage,
  needAfterRepeat,
  openCounter,
  planSync,
  replayedOutcome,
  shouldLeaseAhead,
  withTerms,
  type StoredCounter,
} from './lease-policy.js';

const settings = leaseSettings(); // flush 1 s, idle return 2 s, lease target 1 s, blocks 16..10,000
const NOW = Date.parse('2026-11-10T12:00:00Z');
const key = {
  accountId: 'u-policy',
  feature: 'analyses' as const,
  periodStart: Date.parse('2026-11-01T00:00:00Z') / 1000,
  periodEnd: Date.parse('2026-12-01T00:00:00Z') / 1000,
};
const NEVER = Number.NEGATIVE_INFINITY;
// Two members of the account, with the ':' and '.' of real user ids.
const ALICE = 'accounts.google.com:alice';
const BOB = 'accounts.google.com:bob.b';

/** A counter of limit 10 opened at NOW, with `over` applied. */
function counter(over: Partial<CounterState> = {}): CounterState {
  return { ...openCounter(key, { limit: 10, retentionDays: 7, meter: null }, NOW, settings), ...over };
}

const sum = (units: Readonly<Record<string, number>>) => Object.values(units).reduce((a, b) => a + b, 0);

function result(over: Partial<SyncResult>): SyncResult {
  return { granted: 0, used: 0, byMember: {}, reserved: 0, available: 10, wrote: true, replayed: false, ...over };
}

describe('openCounter', () => {
  it.each([
    { limit: 10, block: 16 },
    { limit: 1_000_000, block: 1_000 }, // 1/1000 of a large quota
    { limit: 100_000_000, block: 10_000 }, // capped at maxBlock
    { limit: 'unlimited' as const, block: 16 },
  ])('starts a limit of $limit with no lease and a block of $block', ({ limit, block }) => {
    const state = openCounter(key, { limit, retentionDays: 7, meter: null }, NOW, settings);
    expect(state).toMatchObject({ lease: 0, pending: 0, committing: 0, availableSeen: limit, block, lastAdmitAt: NOW, unconfirmed: null });
    expect(localUsage(state, NOW, settings)).toBeNull(); // never read: nothing to show yet
  });

  it('keeps the counter (lease, pending) across a plan change within the month, and the same object when nothing changed', () => {
    const state = counter({ lease: 4, pending: 3, meter: { customerId: 'cus_1', eventName: 'analyses' } });
    expect(withTerms(state, { limit: 10, retentionDays: 7, meter: { customerId: 'cus_1', eventName: 'analyses' } })).toBe(state);
    expect(withTerms(state, { limit: 1_000, retentionDays: 30, meter: null })).toMatchObject({
      limit: 1_000,
      retentionDays: 30,
      meter: null,
      lease: 4,
      pending: 3,
    });
  });
});

describe('decideAdmission', () => {
  const fresh = NOW - 10; // read by a lease within the flush interval
  it.each([
    { name: 'admits from a lease that covers n exactly', state: { lease: 5 }, n: 5, inFlight: false, want: { kind: 'admit' } },
    {
      name: 'admits an unlimited quota without any lease',
      state: { limit: 'unlimited' as const, availableSeen: 'unlimited' as const },
      n: 1_000,
      inFlight: true,
      want: { kind: 'admit' },
    },
    {
      name: 'asks for the shortfall when the lease is short',
      state: { lease: 3 },
      n: 5,
      inFlight: false,
      want: { kind: 'lease', need: 2 },
    },
    {
      name: 'asks again when the last read is a flush interval old',
      state: { lease: 0, availableSeen: 0, checkedAt: NOW - 1_000 },
      n: 1,
      inFlight: false,
      want: { kind: 'lease', need: 1 },
    },
    {
      name: 'refuses at the limit reached exactly (fresh read, nothing left)',
      state: { lease: 0, availableSeen: 0, usedSeen: 10, reservedSeen: 10, checkedAt: fresh },
      n: 1,
      inFlight: false,
      want: { kind: 'refuse', used: 10 },
    },
    {
      name: 'asks when lease + what is left covers n exactly',
      state: { lease: 2, availableSeen: 3, reservedSeen: 7, checkedAt: fresh },
      n: 5,
      inFlight: false,
      want: { kind: 'lease', need: 3 },
    },
    {
      name: 'refuses one unit more than lease + what is left',
      state: { lease: 2, availableSeen: 3, usedSeen: 5, reservedSeen: 7, checkedAt: fresh },
      n: 6,
      inFlight: false,
      want: { kind: 'refuse', used: 5 },
    },
    {
      name: 'refuses with the units leased elsewhere counted as used',
      state: { lease: 2, availableSeen: 0, usedSeen: 2, committing: 1, pending: 3, reservedSeen: 10, checkedAt: fresh },
      n: 3,
      inFlight: false,
      want: { kind: 'refuse', used: 8 },
    },
    {
      name: 'clamps the refusal figure at the limit (after a downgrade)',
      state: { lease: 0, availableSeen: 0, usedSeen: 40, reservedSeen: 50, checkedAt: fresh },
      n: 1,
      inFlight: false,
      want: { kind: 'refuse', used: 10 },
    },
    {
      name: 'waits for the write in flight instead of starting another',
      state: { lease: 1 },
      n: 2,
      inFlight: true,
      want: { kind: 'wait' },
    },
    {
      name: 'refuses before waiting when the fresh read already says no',
      state: { lease: 0, availableSeen: 0, usedSeen: 10, reservedSeen: 10, checkedAt: fresh },
      n: 1,
      inFlight: true,
      want: { kind: 'refuse', used: 10 },
    },
  ])('$name', ({ state, n, inFlight, want }) => {
    expect(decideAdmission(counter(state), n, NOW, inFlight, settings)).toEqual(want);
  });
});

describe('admit', () => {
  it.each([
    { limit: 10, lease: 6, n: 4, lease2: 2 },
    { limit: 'unlimited' as const, lease: 0, n: 4, lease2: 0 },
  ])('limit $limit: takes $n out of lease $lease and into pending', ({ limit, lease, n, lease2 }) => {
    const after = admit(counter({ limit, lease, pending: 1, pendingByMember: { [BOB]: 1 } }), ALICE, n, NOW + 5);
    expect(after).toMatchObject({ lease: lease2, pending: 1 + n, pendingByMember: { [BOB]: 1, [ALICE]: n }, lastAdmitAt: NOW + 5 });
  });
});

describe('shouldLeaseAhead', () => {
  it.each([
    { name: 'half the block spent: lease ahead', state: { lease: 7, block: 16 }, inFlight: false, want: true },
    { name: 'more than half the block left: not yet', state: { lease: 8, block: 16 }, inFlight: false, want: false },
    { name: 'a write in flight: not twice', state: { lease: 0 }, inFlight: true, want: false },
    {
      name: 'unlimited: nothing to lease',
      state: { limit: 'unlimited' as const, availableSeen: 'unlimited' as const },
      inFlight: false,
      want: false,
    },
    {
      name: 'found exhausted within the interval: no write',
      state: { lease: 0, availableSeen: 0, checkedAt: NOW - 999 },
      inFlight: false,
      want: false,
    },
    {
      name: 'found exhausted an interval ago: look again',
      state: { lease: 0, availableSeen: 0, checkedAt: NOW - 1_000 },
      inFlight: false,
      want: true,
    },
  ])('$name', ({ state, inFlight, want }) => {
    expect(shouldLeaseAhead(counter(state), NOW, inFlight, settings)).toBe(want);
  });
});

describe('planSync: what a write contains', () => {
  it.each([
    { name: 'nothing pending, nothing needed: no write', state: {}, need: 0, giveBack: false },
    {
      name: 'give back on an unlimited quota: nothing leased, no write',
      state: { limit: 'unlimited' as const, lease: 5 },
      need: 0,
      giveBack: true,
    },
    { name: 'give back with no lease held: no write', state: { lease: 0 }, need: 0, giveBack: true },
  ])('$name', ({ state, need, giveBack }) => {
    expect(planSync(counter(state), need, giveBack, NOW, 'w1', settings)).toBeNull();
  });

  it('a flush carries every pending unit, and keeps them committing and the write unconfirmed until answered', () => {
    const planned = planSync(
      counter({ pending: 7, pendingByMember: { [ALICE]: 5, [BOB]: 2 }, committing: 0, lease: 3 }),
      0,
      false,
      NOW,
      'w1',
      settings,
    );
    expect(planned?.request).toEqual({
      key,
      limit: 10,
      retentionDays: 7,
      commitUsed: 7,
      commitByMember: { [ALICE]: 5, [BOB]: 2 },
      returnLease: 0,
      need: 0,
      want: 0,
      meter: null,
      writeId: 'w1',
      nowMs: NOW,
    });
    expect(planned?.state).toMatchObject({ pending: 0, pendingByMember: {}, committing: 7, lease: 3, unconfirmed: planned?.request });
  });

  it('a give-back returns the whole lease with the pending units', () => {
    const planned = planSync(counter({ pending: 2, lease: 9 }), 0, true, NOW, 'w1', settings);
    expect(planned?.request).toMatchObject({ commitUsed: 2, returnLease: 9, need: 0 });
    expect(planned?.state).toMatchObject({ lease: 0, committing: 2 });
  });

  it.each([
    { name: 'grows x4 when the last grant was under the lease target ago', block: 16, lastGrantAt: NOW - 999, next: 64 },
    { name: 'stops growing at maxBlock', block: 4_000, lastGrantAt: NOW - 10, next: 10_000 },
    { name: 'halves when the last lease lasted the target or longer', block: 64, lastGrantAt: NOW - 1_000, next: 32 },
    { name: 'never shrinks under the initial block', block: 16, lastGrantAt: NEVER, next: 16 },
  ])('a lease asks for need + block, and the block $name', ({ block, lastGrantAt, next }) => {
    const planned = planSync(counter({ block, lastGrantAt }), 3, false, NOW, 'w1', settings);
    expect(planned?.request).toMatchObject({ need: 3, want: 3 + next, returnLease: 0 });
    expect(planned?.state.block).toBe(next);
  });

  it('what a repeated lease already brought is not asked for again', () => {
    expect(needAfterRepeat(5, 0, 3)).toBe(2);
    expect(needAfterRepeat(5, 0, 40)).toBe(0);
    expect(needAfterRepeat(5, 2, 2)).toBe(5); // the repeat was a flush, or granted nothing
  });
});

describe('applying a write’s answer', () => {
  /** A lease planned on `over`, for `need` units. */
  function leasing(over: Partial<CounterState>, need: number): { state: CounterState; request: SyncRequest } {
    const planned = planSync(counter(over), need, false, NOW, 'w1', settings);
    if (!planned) throw new Error('expected a write');
    return planned;
  }

  it('a full grant becomes lease, and the counter is seen as the transaction left it', () => {
    const { state, request } = leasing({ pending: 2 }, 4);
    const after = leased(state, request, result({ granted: 10, used: 2, byMember: { [ALICE]: 2 }, reserved: 10, available: 0 }), NOW + 30);
    expect(after).toMatchObject({
      lease: 10,
      committing: 0,
      pending: 0,
      usedSeen: 2,
      byMemberSeen: { [ALICE]: 2 },
      reservedSeen: 10,
      availableSeen: 0,
      checkedAt: NOW + 30,
      writtenAt: NOW + 30,
      lastGrantAt: NOW,
      unconfirmed: null,
    });
  });

  it('a partial grant covers the need only: the next larger request asks again', () => {
    const { state, request } = leasing({}, 4);
    const after = leased(state, request, result({ granted: 4, reserved: 9, available: 1 }), NOW + 30);
    expect(decideAdmission(after, 4, NOW + 30, false, settings)).toEqual({ kind: 'admit' });
    expect(decideAdmission(admit(after, ALICE, 4, NOW + 30), 2, NOW + 30, false, settings)).toEqual({ kind: 'refuse', used: 9 });
  });

  it('a refusal (nothing granted) leaves the lease and block clock as they were, and refuses for a flush interval', () => {
    const { state, request } = leasing({ lease: 1, lastGrantAt: NOW - 5_000 }, 2);
    const after = leased(state, request, result({ granted: 0, used: 10, reserved: 10, available: 0, wrote: false }), NOW + 30);
    expect(after).toMatchObject({ lease: 1, lastGrantAt: NOW - 5_000, writtenAt: NEVER, checkedAt: NOW + 30, availableSeen: 0 });
    expect(decideAdmission(after, 2, NOW + 1_029, false, settings)).toEqual({ kind: 'refuse', used: 10 });
    expect(decideAdmission(after, 2, NOW + 1_030, false, settings)).toEqual({ kind: 'lease', need: 1 });
  });

  it('a repeat that found its receipt counts as written', () => {
    const { state, request } = leasing({}, 2);
    expect(leased(state, request, result({ granted: 5, wrote: false, replayed: true }), NOW + 30).writtenAt).toBe(NOW + 30);
  });

  it('a failed write changes nothing: its units stay committing and the write unconfirmed until a repeat is answered', () => {
    const planned = planSync(counter({ pending: 4, pendingByMember: { [ALICE]: 4 } }), 0, false, NOW, 'w1', settings);
    if (!planned) throw new Error('expected a write');
    expect(isDrained(planned.state)).toBe(false);
    expect(localUsage({ ...planned.state, checkedAt: NOW }, NOW, settings)).toEqual({ used: 4, byMember: { [ALICE]: 4 } }); // the view does not dip meanwhile
    expect(flushStep(planned.state, NOW + 1_000, false, false, settings)).toEqual({ kind: 'write', giveBack: false });
  });

  it.each([
    { limit: 10, returnLease: 3, reservedSeen: 5, availableSeen: 8 },
    { limit: 'unlimited' as const, returnLease: 0, reservedSeen: 12, availableSeen: 'unlimited' as const },
  ])('a flush of limit $limit moves the view by what this instance wrote', ({ limit, returnLease, reservedSeen, availableSeen }) => {
    const planned = planSync(
      counter({
        limit,
        availableSeen: limit === 'unlimited' ? 'unlimited' : 5,
        usedSeen: 1,
        byMemberSeen: { [ALICE]: 1 },
        reservedSeen: 8,
        pending: 4,
        pendingByMember: { [ALICE]: 1, [BOB]: 3 },
        lease: returnLease,
      }),
      0,
      true,
      NOW,
      'w1',
      settings,
    );
    if (!planned) throw new Error('expected a write');
    const after = flushed(planned.state, planned.request, NOW + 20);
    expect(after).toMatchObject({
      usedSeen: 5,
      byMemberSeen: { [ALICE]: 2, [BOB]: 3 },
      reservedSeen,
      availableSeen,
      committing: 0,
      unconfirmed: null,
      writtenAt: NOW + 20,
    });
  });
});

describe('concurrent requests while a write is in flight', () => {
  it('the first asks for a lease, the others wait, then are admitted from it in turn until it runs out', () => {
    let state = counter({ limit: 100, availableSeen: 100 });
    const first = decideAdmission(state, 3, NOW, false, settings);
    expect(first).toEqual({ kind: 'lease', need: 3 });
    const planned = planSync(state, 3, false, NOW, 'w1', settings);
    if (!planned) throw new Error('expected a write');
    state = planned.state;
    expect(decideAdmission(state, 3, NOW, true, settings)).toEqual({ kind: 'wait' });
    expect(decideAdmission(state, 4, NOW, true, settings)).toEqual({ kind: 'wait' });

    state = leased(state, planned.request, result({ granted: 8, reserved: 8, available: 92 }), NOW + 40);
    for (const n of [3, 4]) {
      expect(decideAdmission(state, n, NOW + 40, false, settings)).toEqual({ kind: 'admit' });
      state = admit(state, ALICE, n, NOW + 40);
    }
    expect(state).toMatchObject({ lease: 1, pending: 7 });
    expect(decideAdmission(state, 3, NOW + 40, false, settings)).toEqual({ kind: 'lease', need: 2 });
  });

  it('units admitted while a flush is in flight stay pending for the next one', () => {
    const planned = planSync(counter({ lease: 6, pending: 5 }), 0, false, NOW, 'w1', settings);
    if (!planned) throw new Error('expected a write');
    const during = admit(planned.state, BOB, 3, NOW + 1);
    const after = flushed(during, planned.request, NOW + 2);
    expect(after).toMatchObject({ pending: 3, pendingByMember: { [BOB]: 3 }, committing: 0, lease: 3, usedSeen: 5 });
    expect(planSync(after, 0, false, NOW + 2, 'w2', settings)?.request).toMatchObject({ commitUsed: 3, commitByMember: { [BOB]: 3 } });
  });
});

describe('attribution: units by the member who made them', () => {
  it('a write moves every pending member into commitByMember, summing to commitUsed, and starts the next with none', () => {
    let state = counter({ lease: 10 });
    for (const [member, n] of [
      [ALICE, 2],
      [BOB, 3],
      [ALICE, 1],
    ] as const)
      state = admit(state, member, n, NOW);
    const planned = planSync(state, 0, false, NOW, 'w1', settings);
    if (!planned) throw new Error('expected a write');
    expect(planned.request.commitByMember).toEqual({ [ALICE]: 3, [BOB]: 3 });
    expect(sum(planned.request.commitByMember)).toBe(planned.request.commitUsed);
    expect(planned.state).toMatchObject({ pending: 0, pendingByMember: {} });
    expect(flushIncrements(planned.request).byMember).toEqual({ [ALICE]: 3, [BOB]: 3 });
  });

  it('a failed write is repeated with the same members and units; what was admitted meanwhile goes in the next write', () => {
    const planned = planSync(counter({ lease: 10, pending: 4, pendingByMember: { [ALICE]: 4 } }), 0, false, NOW, 'w1', settings);
    if (!planned) throw new Error('expected a write');
    // The write failed: the state keeps it unconfirmed, and the recorder repeats `unconfirmed` verbatim.
    const during = admit(planned.state, BOB, 2, NOW + 1);
    expect(during.unconfirmed).toBe(planned.request);
    expect(during.unconfirmed?.commitByMember).toEqual({ [ALICE]: 4 });
    const repeated = flushed(during, planned.request, NOW + 1_000);
    const next = planSync(repeated, 0, false, NOW + 1_000, 'w2', settings);
    expect(next?.request).toMatchObject({ commitUsed: 2, commitByMember: { [BOB]: 2 } });
    expect(next?.state.byMemberSeen).toEqual({ [ALICE]: 4 });
  });

  it('the local view adds this instance’s unconfirmed and pending units, by member, to what it saw', () => {
    const seen = counter({ checkedAt: NOW, usedSeen: 5, byMemberSeen: { [ALICE]: 5 }, lease: 10 });
    const planned = planSync(admit(seen, BOB, 2, NOW), 0, false, NOW, 'w1', settings);
    if (!planned) throw new Error('expected a write');
    const view = localUsage(admit(planned.state, ALICE, 1, NOW), NOW, settings);
    expect(view).toEqual({ used: 8, byMember: { [ALICE]: 6, [BOB]: 2 } });
    expect(sum(view?.byMember ?? {})).toBe(view?.used);
  });

  it('adds units of any user id, even one named like an object property', () => {
    expect(addMemberUnits({ constructor: 1 }, { constructor: 2, [ALICE]: 1 })).toEqual({ constructor: 3, [ALICE]: 1 });
    const odd = addMemberUnits({}, Object.fromEntries([['__proto__', 3]]));
    expect(Object.entries(odd)).toEqual([['__proto__', 3]]);
  });
});

describe('flushStep: when to flush, give back, forget', () => {
  const openedAt = { lastAdmitAt: NOW };
  it.each([
    {
      name: 'pending, written within the interval: wait',
      state: { ...openedAt, pending: 3, writtenAt: NOW - 999 },
      at: NOW,
      closing: false,
      inFlight: false,
      want: { kind: 'keep' },
    },
    {
      name: 'pending, last written an interval ago: flush',
      state: { ...openedAt, pending: 3, writtenAt: NOW - 1_000 },
      at: NOW,
      closing: false,
      inFlight: false,
      want: { kind: 'write', giveBack: false },
    },
    {
      name: 'closing: flush at once and give the lease back',
      state: { ...openedAt, pending: 3, lease: 4, writtenAt: NOW },
      at: NOW,
      closing: true,
      inFlight: false,
      want: { kind: 'write', giveBack: true },
    },
    {
      name: 'closing with nothing held: nothing to write',
      state: { ...openedAt, lease: 0 },
      at: NOW,
      closing: true,
      inFlight: false,
      want: { kind: 'keep' },
    },
    {
      name: 'lease idle for just under idleReturnMs: kept',
      state: { ...openedAt, lease: 4 },
      at: NOW + 1_999,
      closing: false,
      inFlight: false,
      want: { kind: 'keep' },
    },
    {
      name: 'lease idle for idleReturnMs: given back',
      state: { ...openedAt, lease: 4 },
      at: NOW + 2_000,
      closing: false,
      inFlight: false,
      want: { kind: 'write', giveBack: true },
    },
    {
      name: 'month ended with lease held: given back at once',
      state: { lastAdmitAt: key.periodEnd * 1000 - 1, lease: 4 },
      at: key.periodEnd * 1000,
      closing: false,
      inFlight: false,
      want: { kind: 'write', giveBack: true },
    },
    {
      name: 'month ended, nothing held: forgotten',
      state: { lastAdmitAt: key.periodEnd * 1000 - 1 },
      at: key.periodEnd * 1000,
      closing: false,
      inFlight: false,
      want: { kind: 'forget' },
    },
    {
      name: 'idle, nothing held: forgotten',
      state: { ...openedAt },
      at: NOW + 2_000,
      closing: false,
      inFlight: false,
      want: { kind: 'forget' },
    },
    {
      name: 'idle, nothing held, but a write in flight: kept',
      state: { ...openedAt },
      at: NOW + 2_000,
      closing: false,
      inFlight: true,
      want: { kind: 'keep' },
    },
    {
      name: 'idle unlimited counter, flushed: forgotten',
      state: { ...openedAt, limit: 'unlimited' as const, availableSeen: 'unlimited' as const },
      at: NOW + 2_000,
      closing: false,
      inFlight: false,
      want: { kind: 'forget' },
    },
  ])('$name', ({ state, at, closing, inFlight, want }) => {
    expect(flushStep(counter(state), at, closing, inFlight, settings)).toEqual(want);
  });

  it('an unconfirmed write is repeated an interval after the last write, and keeps its counter', () => {
    const planned = planSync(counter({ pending: 2, writtenAt: NOW - 5_000 }), 0, false, NOW, 'w1', settings);
    if (!planned) throw new Error('expected a write');
    expect(flushStep(planned.state, NOW + 3_000, false, false, settings)).toEqual({ kind: 'write', giveBack: true }); // idle too: gives back what it holds
    expect(isDrained(planned.state)).toBe(false);
  });

  it('a new month starts a new counter: the old one gives its lease back, the new one leases afresh', () => {
    const next = { ...key, periodStart: key.periodEnd, periodEnd: Date.parse('2027-01-01T00:00:00Z') / 1000 };
    const old = counter({ lease: 6, lastAdmitAt: key.periodEnd * 1000 - 10 });
    const fresh = openCounter(next, { limit: 10, retentionDays: 7, meter: null }, key.periodEnd * 1000, settings);
    expect(flushStep(old, key.periodEnd * 1000, false, false, settings)).toEqual({ kind: 'write', giveBack: true });
    expect(decideAdmission(fresh, 10, key.periodEnd * 1000, false, settings)).toEqual({ kind: 'lease', need: 10 });
    expect(flushStep(fresh, key.periodEnd * 1000, false, false, settings)).toEqual({ kind: 'keep' });
  });
});

describe('inside the lease', () => {
  it.each([
    { name: 'plenty left: need + block, up to half of what is left', available: 1_000, need: 4, want: 20, granted: 20 },
    { name: 'lease wanted larger than what is left: half of it', available: 30, need: 5, want: 100, granted: 15 },
    { name: 'need more than half: the need', available: 30, need: 20, want: 100, granted: 20 },
    { name: 'need exactly what is left (limit reached exactly): all of it', available: 5, need: 5, want: 50, granted: 5 },
    { name: 'need more than is left: nothing', available: 4, need: 5, want: 50, granted: 0 },
    { name: 'no need (a flush): nothing', available: 100, need: 0, want: 0, granted: 0 },
  ])('grantFor: $name', ({ available, need, want, granted }) => {
    expect(grantFor(available, need, want)).toBe(granted);
  });

  const request = (over: Partial<SyncRequest>): SyncRequest => ({
    key,
    limit: 10,
    retentionDays: 7,
    commitUsed: 0,
    commitByMember: {},
    returnLease: 0,
    need: 0,
    want: 0,
    meter: null,
    writeId: 'w1',
    nowMs: NOW,
    ...over,
  });
  it.each([
    {
      name: 'a first lease on a counter never written',
      stored: null,
      req: { need: 2, want: 18 },
      want: { granted: 5, used: 0, byMember: {}, reserved: 5, available: 5, wrote: true },
    },
    {
      name: 'commit and give back in the same write, then grant',
      stored: { used: 3, reserved: 8, byMember: { [ALICE]: 3 } },
      req: { commitUsed: 2, commitByMember: { [ALICE]: 1, [BOB]: 1 }, returnLease: 4, need: 1, want: 17 },
      want: { granted: 3, used: 5, byMember: { [ALICE]: 4, [BOB]: 1 }, reserved: 7, available: 3, wrote: true },
    },
    {
      name: 'the limit reached: refused, nothing written',
      stored: { used: 10, reserved: 10, byMember: { [ALICE]: 10 } },
      req: { need: 1, want: 17 },
      want: { granted: 0, used: 10, byMember: { [ALICE]: 10 }, reserved: 10, available: 0, wrote: false },
    },
    {
      name: 'refused, but units committed: written',
      stored: { used: 6, reserved: 10, byMember: { [ALICE]: 6 } },
      req: { commitUsed: 2, commitByMember: { [BOB]: 2 }, need: 1, want: 17 },
      want: { granted: 0, used: 8, byMember: { [ALICE]: 6, [BOB]: 2 }, reserved: 10, available: 0, wrote: true },
    },
    {
      name: 'a downgrade left reserved above the limit: nothing granted',
      stored: { used: 40, reserved: 50, byMember: {} },
      req: { need: 1, want: 17 },
      want: { granted: 0, used: 40, byMember: {}, reserved: 50, available: 0, wrote: false },
    },
    {
      name: 'unlimited: reserved follows used',
      stored: { used: 5, reserved: 5, byMember: { [BOB]: 5 } },
      req: { limit: 'unlimited' as const, commitUsed: 3, commitByMember: { [BOB]: 3 }, need: 1, want: 17 },
      want: { granted: 0, used: 8, byMember: { [BOB]: 8 }, reserved: 8, available: 'unlimited', wrote: true },
    },
  ])('leaseOutcome: $name', ({ stored, req, want }) => {
    expect(leaseOutcome(stored, request(req))).toEqual(want);
  });

  it('replayedOutcome: the first attempt’s grant, the counter as it is now, nothing written', () => {
    expect(
      replayedOutcome(
        { used: 4, reserved: 9, byMember: { [ALICE]: 4 } },
        request({ need: 2, commitUsed: 1, commitByMember: { [ALICE]: 1 } }),
        5,
      ),
    ).toEqual({
      granted: 5,
      used: 4,
      byMember: { [ALICE]: 4 },
      reserved: 9,
      available: 1,
      wrote: false,
      replayed: true,
    });
  });

  it('two instances taking turns on one counter never admit past the limit, and close with the counter holding exactly what was admitted', () => {
    const limit = 50;
    let stored: StoredCounter = { used: 0, reserved: 0, byMember: {} };
    const instances = [0, 1].map(() => openCounter(key, { limit, retentionDays: 7, meter: null }, NOW, settings));
    let admitted = 0;
    const admittedBy = new Map<string, number>();
    let t = NOW;
    // A deterministic interleaving of requests of 1..4 units, each lease answered at once.
    for (let i = 0; i < 200; i++, t += 7) {
      const at = i % 2;
      const n = (i % 4) + 1;
      let state = instances[at]!;
      const decision = decideAdmission(state, n, t, false, settings);
      if (decision.kind === 'admit') {
        const member = i % 3 === 0 ? BOB : ALICE; // both members on both instances
        state = admit(state, member, n, t);
        admitted += n;
        admittedBy.set(member, (admittedBy.get(member) ?? 0) + n);
      } else if (decision.kind === 'lease') {
        const planned = planSync(state, decision.need, false, t, `w${i}`, settings);
        if (!planned) throw new Error('expected a write');
        expect(sum(planned.request.commitByMember)).toBe(planned.request.commitUsed);
        const outcome = leaseOutcome(stored, planned.request);
        stored = { used: outcome.used, reserved: outcome.reserved, byMember: outcome.byMember };
        state = leased(planned.state, planned.request, { ...outcome, replayed: false }, t);
      }
      instances[at] = state;
      expect(admitted).toBeLessThanOrEqual(limit);
      expect(stored.reserved).toBeLessThanOrEqual(limit);
    }
    // Closing both: every unit written, every lease back; the counter then holds what was admitted.
    for (const state of instances) {
      const planned = planSync(state, 0, true, t, 'close', settings);
      if (!planned) continue;
      const increments = flushIncrements(planned.request);
      stored = {
        used: stored.used + increments.used,
        reserved: stored.reserved + increments.reserved,
        byMember: addMemberUnits(stored.byMember, increments.byMember),
      };
      expect(isDrained(flushed(planned.state, planned.request, t))).toBe(true);
    }
    expect(stored).toEqual({ used: admitted, reserved: admitted, byMember: Object.fromEntries(admittedBy) });
    expect(admitted).toBe(limit); // this interleaving ends with every unit of the quota admitted, none beyond
  });

  it('lease parked on one instance refuses the other until it is given back, then the other gets exactly the rest', () => {
    const limit = 10;
    const open = () => openCounter(key, { limit, retentionDays: 7, meter: null }, NOW, settings);
    const take = (state: CounterState, stored: StoredCounter, need: number, giveBack = false) => {
      const planned = planSync(state, need, giveBack, NOW, 'w', settings);
      if (!planned) throw new Error('expected a write');
      const outcome = leaseOutcome(stored, planned.request);
      return {
        state: leased(planned.state, planned.request, { ...outcome, replayed: false }, NOW),
        stored: { used: outcome.used, reserved: outcome.reserved, byMember: outcome.byMember },
      };
    };
    let a = take(open(), { used: 0, reserved: 0, byMember: {} }, 4); // a holds 5 (half of what is left), uses 4
    a = { ...a, state: admit(a.state, ALICE, 4, NOW) };
    let b = take(open(), a.stored, 3); // b gets 3 of the 5 left (its need beats half)
    b = { ...b, state: admit(b.state, BOB, 3, NOW) };
    expect(decideAdmission(b.state, 3, NOW, false, settings)).toEqual({ kind: 'refuse', used: 8 }); // 2 left, 1 parked on a
    const back = take(a.state, b.stored, 0, true); // a's idle return: commits its 4, gives back 1
    const again = take(b.state, back.stored, 3);
    expect(again.state.lease).toBe(3);
    expect(again.stored).toEqual({ used: 7, reserved: 10, byMember: { [ALICE]: 4, [BOB]: 3 } }); // both instances' admitted units committed, the whole limit leased
  });
});
