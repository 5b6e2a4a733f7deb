// The quota lease policy (design: README.md beside this file), as pure functions over a counter's
// state (counter-state.ts): whether a request is admitted from the local lease, refused, or needs a
// lease of what size; what a write contains and how its answer moves the state; when to flush,
// give lease back, or forget a counter; and, inside the lease, how much is granted.
// No I/O, no timers, no clock: the caller passes the time, and whether a write of the counter is
// in flight (usage-recorder.ts runs one at a time per counter).
import {
  utcDay,
  type CounterKey,
  type CounterState,
  type CounterTerms,
  type DayUnits,
  type FlushRequest,
  type MemberUnits,
  type SyncRequest,
  type SyncResult,
} from './counter-state.js';

export interface LeaseSettings {
  /** Admitted units are written at least this often, and refusals trust a lease read this long. Default 1000 ms. */
  readonly flushIntervalMs: number;
  /** Unused lease is given back after this long without an admission. Default 2 x flushIntervalMs. */
  readonly idleReturnMs: number;
  /** A lease granted less than this long after the previous one grows the next block x4, else it halves. Default 1000 ms. */
  readonly leaseTargetMs: number;
  /** Default 16 units. */
  readonly initialBlock: number;
  /** Default 10,000 units. */
  readonly maxBlock: number;
}

export function leaseSettings(over: Partial<LeaseSettings> = {}): LeaseSettings {
  const flushIntervalMs = over.flushIntervalMs ?? 1_000;
  return {
    flushIntervalMs,
    idleReturnMs: over.idleReturnMs ?? 2 * flushIntervalMs,
    leaseTargetMs: over.leaseTargetMs ?? 1_000,
    initialBlock: over.initialBlock ?? 16,
    maxBlock: over.maxBlock ?? 10_000,
  };
}

const NO_UNITS: MemberUnits = Object.freeze({});

/** `a` + `b`, member by member (neither is changed). Summed in a Map, so no user id is read as an inherited property (`constructor`). */
export function addMemberUnits(a: MemberUnits, b: MemberUnits): MemberUnits {
  const added = Object.entries(b);
  if (added.length === 0) return a;
  const sum = new Map(Object.entries(a));
  for (const [member, n] of added) sum.set(member, (sum.get(member) ?? 0) + n);
  return Object.fromEntries(sum);
}

/** A counter this instance has not touched yet: no lease, nothing seen, nothing written. */
export function openCounter(key: CounterKey, terms: CounterTerms, nowMs: number, settings: LeaseSettings): CounterState {
  const { limit } = terms;
  return {
    key,
    ...terms,
    lease: 0,
    pending: 0,
    pendingByMember: NO_UNITS,
    committing: 0,
    usedSeen: 0,
    byMemberSeen: NO_UNITS,
    reservedSeen: 0,
    availableSeen: limit,
    checkedAt: Number.NEGATIVE_INFINITY,
    writtenAt: Number.NEGATIVE_INFINITY,
    // Start big enough for a hot caller of a large quota (1/1000 of it), small for small quotas.
    block:
      limit === 'unlimited' ? settings.initialBlock : Math.min(settings.maxBlock, Math.max(settings.initialBlock, Math.ceil(limit / 1000))),
    lastGrantAt: Number.NEGATIVE_INFINITY,
    lastAdmitAt: nowMs,
    unconfirmed: null,
  };
}

/** A plan change within the month changes the limit and the meter, not the counter. */
export function withTerms(state: CounterState, terms: CounterTerms): CounterState {
  const sameMeter =
    state.meter === terms.meter ||
    (state.meter !== null &&
      terms.meter !== null &&
      state.meter.customerId === terms.meter.customerId &&
      state.meter.eventName === terms.meter.eventName);
  if (state.limit === terms.limit && state.retentionDays === terms.retentionDays && sameMeter) return state;
  return { ...state, ...terms };
}

export type AdmissionDecision =
  /** From the lease held (or at once for an unlimited quota). */
  | { readonly kind: 'admit' }
  /** The counter was read within a flush interval and cannot cover `n`: 429 with this `used`. */
  | { readonly kind: 'refuse'; readonly used: number }
  /** A write of the counter is in flight: use what it brings back, then decide again. */
  | { readonly kind: 'wait' }
  /** Take a lease of at least `need` units (planSync with this need), then decide again. */
  | { readonly kind: 'lease'; readonly need: number };

const ADMIT: AdmissionDecision = { kind: 'admit' };
const WAIT: AdmissionDecision = { kind: 'wait' };

export function decideAdmission(
  state: CounterState,
  n: number,
  nowMs: number,
  writeInFlight: boolean,
  settings: LeaseSettings,
): AdmissionDecision {
  if (state.limit === 'unlimited' || state.lease >= n) return ADMIT;
  const fresh = nowMs - state.checkedAt < settings.flushIntervalMs;
  if (fresh && state.availableSeen !== 'unlimited' && state.lease + state.availableSeen < n) {
    // The most this instance can tell was used: its own units, or what is leased beyond its lease.
    const used = Math.max(state.usedSeen + state.committing + state.pending, state.reservedSeen - state.lease);
    return { kind: 'refuse', used: Math.min(state.limit, used) };
  }
  if (writeInFlight) return WAIT;
  return { kind: 'lease', need: n - state.lease };
}

/** `n` units of `member` admitted (after decideAdmission said 'admit'): out of the lease, into the next flush. */
export function admit(state: CounterState, member: string, n: number, nowMs: number): CounterState {
  return {
    ...state,
    lease: state.limit === 'unlimited' ? state.lease : state.lease - n,
    pending: state.pending + n,
    pendingByMember: addMemberUnits(state.pendingByMember, { [member]: n }),
    lastAdmitAt: nowMs,
  };
}

/**
 * Take the next block in the background once half the current one is spent, so callers rarely wait
 * on a transaction; not while the counter was found exhausted within the last flush interval.
 */
export function shouldLeaseAhead(state: CounterState, nowMs: number, writeInFlight: boolean, settings: LeaseSettings): boolean {
  if (state.limit === 'unlimited' || writeInFlight || state.lease >= state.block / 2) return false;
  const exhausted = state.availableSeen !== 'unlimited' && state.availableSeen <= 0 && nowMs - state.checkedAt < settings.flushIntervalMs;
  return !exhausted;
}

/**
 * The next write of a counter: every pending unit (by member too), the whole lease when `giveBack`,
 * and a lease of `need` plus a block when `need` > 0 (a lease; otherwise a flush). Null when there is
 * nothing to write. The returned state counts the units as committing and the write as unconfirmed
 * until its answer is applied (flushed / leased); if the write fails they stay so, and the next sync
 * repeats it first (its receipt makes the repeat a no-op if it had committed after all).
 */
export function planSync(
  state: CounterState,
  need: number,
  giveBack: boolean,
  nowMs: number,
  writeId: string,
  settings: LeaseSettings,
): { state: CounterState; request: SyncRequest } | null {
  const commitUsed = state.pending;
  const commitByMember = state.pendingByMember;
  const returnLease = giveBack && state.limit !== 'unlimited' ? state.lease : 0;
  if (need <= 0 && commitUsed <= 0 && returnLease <= 0) return null;
  let { block } = state;
  let want = 0;
  if (need > 0) {
    block =
      nowMs - state.lastGrantAt < settings.leaseTargetMs
        ? Math.min(block * 4, settings.maxBlock)
        : Math.max(settings.initialBlock, Math.floor(block / 2));
    want = need + block;
  }
  const { key, limit, retentionDays, meter } = state;
  const request: SyncRequest = { key, limit, retentionDays, commitUsed, commitByMember, returnLease, need, want, meter, writeId, nowMs };
  return {
    request,
    state: {
      ...state,
      block,
      pending: 0,
      pendingByMember: NO_UNITS,
      committing: state.committing + commitUsed,
      lease: state.lease - returnLease,
      unconfirmed: request,
    },
  };
}

/** What is still needed after the repeat of an unconfirmed write moved the lease from `leaseBefore` to `leaseAfter`. */
export function needAfterRepeat(need: number, leaseBefore: number, leaseAfter: number): number {
  return Math.max(0, need - (leaseAfter - leaseBefore));
}

/**
 * A flush was written (or found already written): its units are confirmed. The view moves by what
 * this instance wrote; other instances' figures arrive with the next lease.
 */
export function flushed(state: CounterState, request: FlushRequest, nowMs: number): CounterState {
  const { commitUsed, returnLease } = request;
  const unlimited = request.limit === 'unlimited';
  return {
    ...state,
    unconfirmed: null,
    committing: state.committing - commitUsed,
    writtenAt: nowMs,
    usedSeen: state.usedSeen + commitUsed,
    byMemberSeen: addMemberUnits(state.byMemberSeen, request.commitByMember),
    reservedSeen: unlimited ? state.reservedSeen + commitUsed : state.reservedSeen - returnLease,
    availableSeen: unlimited || state.availableSeen === 'unlimited' ? state.availableSeen : state.availableSeen + returnLease,
  };
}

/** A lease answered: a grant (full or partial) adds to the lease, a refusal grants 0; the counter is seen as it now is. */
export function leased(state: CounterState, request: SyncRequest, result: SyncResult, nowMs: number): CounterState {
  return {
    ...state,
    unconfirmed: null,
    committing: state.committing - request.commitUsed,
    writtenAt: result.wrote || result.replayed ? nowMs : state.writtenAt,
    lease: state.lease + result.granted,
    usedSeen: result.used,
    byMemberSeen: result.byMember,
    reservedSeen: result.reserved,
    availableSeen: result.available,
    checkedAt: nowMs,
    lastGrantAt: result.granted > 0 ? request.nowMs : state.lastGrantAt,
  };
}

export type FlushStep =
  /** Write now: pending or unconfirmed units are due, or lease goes back (`giveBack`). */
  | { readonly kind: 'write'; readonly giveBack: boolean }
  /** Nothing held and nothing to write, idle or past its month: drop it (bounded memory); the next request re-reads it. */
  | { readonly kind: 'forget' }
  | { readonly kind: 'keep' };

const FORGET: FlushStep = { kind: 'forget' };
const KEEP: FlushStep = { kind: 'keep' };

/** What the periodic flush (or, `closing`, the SIGTERM drain) does with a counter. */
export function flushStep(
  state: CounterState,
  nowMs: number,
  closing: boolean,
  writeInFlight: boolean,
  settings: LeaseSettings,
): FlushStep {
  const ended = nowMs >= state.key.periodEnd * 1000;
  const idle = nowMs - state.lastAdmitAt >= settings.idleReturnMs;
  const release = closing || idle || ended;
  const giveBack = release && state.limit !== 'unlimited' && state.lease > 0;
  // At most one flush per interval per counter and instance (closing flushes at once).
  const due = (state.pending > 0 || state.unconfirmed !== null) && (closing || nowMs - state.writtenAt >= settings.flushIntervalMs);
  if (due || giveBack) return { kind: 'write', giveBack: release };
  if ((ended || idle) && state.pending === 0 && state.lease <= 0 && !writeInFlight && state.unconfirmed === null) return FORGET;
  return KEEP;
}

/** A counter's figures as this instance sees them. */
export interface LocalUsage {
  readonly used: number;
  readonly byMember: MemberUnits;
}

/**
 * This instance's view of the counter (its last read plus its own unwritten units, in total and by
 * member), or null when too old to show. The units committing are those of the one unconfirmed write.
 */
export function localUsage(state: CounterState, nowMs: number, settings: LeaseSettings): LocalUsage | null {
  if (nowMs - state.checkedAt > 5 * settings.flushIntervalMs) return null;
  const written = addMemberUnits(state.byMemberSeen, state.unconfirmed?.commitByMember ?? NO_UNITS);
  return { used: state.usedSeen + state.committing + state.pending, byMember: addMemberUnits(written, state.pendingByMember) };
}

/** Nothing left to write or give back: what a shutdown waits for. */
export function isDrained(state: CounterState): boolean {
  return state.pending <= 0 && state.committing <= 0 && state.unconfirmed === null && (state.limit === 'unlimited' || state.lease <= 0);
}

// Inside the lease (sync-counter.ts), from the counter as stored.

/**
 * Grant `need` at least, `want` at most, and never more than half of what is left beyond `need`,
 * so near the limit the remainder is shared out instead of parked on one instance (that keeps
 * under-admission small; over-admission is zero because every admitted unit comes out of
 * `reserved <= limit`). Fewer than `need` left: nothing.
 */
export function grantFor(available: number, need: number, want: number): number {
  if (need <= 0 || available < need) return 0;
  return Math.min(available, Math.max(need, Math.min(want, Math.ceil(available / 2))));
}

/** The counter's figures as stored (absent: never written). */
export interface StoredCounter {
  readonly used: number;
  readonly reserved: number;
  readonly byMember: MemberUnits;
}

/** What a lease writes and answers: commit, give back, then grant out of what is left under the limit. */
export function leaseOutcome(stored: StoredCounter | null, req: SyncRequest): Omit<SyncResult, 'replayed'> {
  const used = (stored?.used ?? 0) + req.commitUsed;
  const byMember = addMemberUnits(stored?.byMember ?? NO_UNITS, req.commitByMember);
  const held = Math.max(0, (stored?.reserved ?? 0) - req.returnLease);
  if (req.limit === 'unlimited') {
    // Nothing to lease: keep `reserved` = units admitted so a later switch to a finite plan starts right.
    const reserved = Math.max(held + req.commitUsed, used);
    return { granted: 0, used, byMember, reserved, available: 'unlimited', wrote: req.commitUsed > 0 || req.returnLease > 0 };
  }
  const granted = grantFor(Math.max(0, req.limit - held), req.need, req.want);
  const reserved = held + granted;
  return {
    granted,
    used,
    byMember,
    reserved,
    available: Math.max(0, req.limit - reserved),
    wrote: req.commitUsed > 0 || req.returnLease > 0 || granted > 0,
  };
}

/** The answer to the repeat of a lease that had committed: its grant, and the counter as it is now. */
export function replayedOutcome(stored: StoredCounter | null, req: SyncRequest, granted: number): SyncResult {
  const reserved = stored?.reserved ?? 0;
  const available = req.limit === 'unlimited' ? 'unlimited' : Math.max(0, req.limit - reserved);
  return { granted, used: stored?.used ?? 0, byMember: stored?.byMember ?? NO_UNITS, reserved, available, wrote: false, replayed: true };
}

/** A flush's increments: unlimited quotas lease nothing, so `reserved` follows `used` (see leaseOutcome). */
export function flushIncrements(req: FlushRequest): StoredCounter {
  return { used: req.commitUsed, reserved: req.limit === 'unlimited' ? req.commitUsed : -req.returnLease, byMember: req.commitByMember };
}

/**
 * A write's units by UTC day (`byDay`): all on the day the write commits, inside the counter's month
 * (units flushed after it ended count on its last day, as their outbox entry's timestamp does).
 * Units admitted just before midnight and flushed just after count on the next day: off by at most
 * one flush interval. A retry repeats the same request, so the same day. A give-back only: none.
 */
export function dayIncrements(req: FlushRequest): DayUnits {
  if (req.commitUsed <= 0) return NO_UNITS;
  return { [utcDay(Math.min(Math.floor(req.nowMs / 1000), req.key.periodEnd - 1))]: req.commitUsed };
}
