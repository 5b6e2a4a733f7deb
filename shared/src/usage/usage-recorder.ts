// Records units of a metered feature and decides admission against the monthly quota, fast and
// correct across app instances. Design (also in the README "Usage metering" section):
//
// QUOTA LEASES. Each (user, feature, period) has one counter document with `reserved` (units leased
// to instances) and `used` (units admitted and flushed). An instance admits a request only from a
// lease it holds in memory; when the lease runs out it takes a new block in a transaction
// (sync-counter.ts) that can never push `reserved` past the limit.
//  - Over-admission under any concurrency, any number of instances: ZERO (every admitted unit was
//    reserved under the limit first). Exception: a mid-period downgrade lets leases already held
//    (at most one block per instance) be spent.
//  - Under-admission: a user may be refused while other instances still hold unspent lease; that
//    lease is given back after `idleReturnMs` without use, at SIGTERM, and near the limit grants
//    are halved (grantFor), so it is at most about half the remainder per instance.
//  - Writes: one transaction per counter per instance per lease block (the next block is taken in
//    the background when half the current one is spent; blocks grow x4 while they last under
//    `leaseTargetMs`, so a hot user costs ~1 lease write/s/instance) plus one flush
//    per `flushIntervalMs` only when units were admitted since the last write. Refusals cost a read
//    at most once per `flushIntervalMs` and never a write.
//  - Loss: admitted units reach Firestore (counter `used` + outbox, atomically) at the next flush.
//    SIGTERM flushes everything (close()). A hard kill loses at most the units admitted since the
//    last flush (<= flushIntervalMs of traffic) from `used` and from billing - never double-bills,
//    and the user's quota stays protected because the lease itself was reserved durably.
//  - Unlimited quotas take no lease: units are admitted at once and flushed the same way.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Firestore } from '@google-cloud/firestore';
import { AppError } from '../errors/app-error.js';
import type { Logger } from '../logging/logger.js';
import type { BillingSummary } from '../model/documents.js';
import type { UserId } from '../model/ids.js';
import { PAID_PLAN_IDS, PLANS, type MeteredFeature, type Quota } from '../plans/catalog.js';
import type { Clock } from '../ports/clock.js';
import { usageAccount, type BillingSource, type UsageAccount } from './usage-account.js';
import { flushCounter, syncCounter, type CounterKey, type MeterTarget, type SyncRequest } from './sync-counter.js';

export interface UsageSubject {
  readonly userId: UserId;
  /** The API key the request came with, if any (logs only: keys inherit the owner's quota). */
  readonly keyId?: string | null;
}

export interface Admission {
  readonly feature: MeteredFeature;
  readonly n: number;
  readonly limit: Quota;
  /** Unix seconds: when the period (and the quota) resets. */
  readonly periodEnd: number;
}

export interface UsageRecorderOptions {
  db: Firestore;
  billing: BillingSource;
  clock: Clock;
  logger: Logger;
  /** Shown in 402/403/429 bodies. */
  upgradeUrl: string;
  /** PAST_DUE_GRACE_DAYS in seconds: a past-due subscriber keeps the paid quotas this long, as they keep its features. */
  pastDueGraceSeconds: number;
  /** Admitted units reach Firestore (and the outbox) at least this often. Default 1000 ms. */
  flushIntervalMs?: number;
  /** Unused lease is given back after this long without use. Default 2 x flushIntervalMs. */
  idleReturnMs?: number;
  /** A lease that lasted less than this doubles the next block, else it halves. Default 1000 ms. */
  leaseTargetMs?: number;
  initialBlock?: number;
  maxBlock?: number;
  /** Start the flush timer (default true). Tests and the bench drive flush() themselves if false. */
  autoFlush?: boolean;
  /** Observability: called with the number of documents each committed sync wrote (counter + outbox entry). */
  onWrite?: (documents: number) => void;
}

export interface UsageRecorder {
  /** Record `n` units (default 1). Resolves when admitted; throws AppError 402/403/429/503 otherwise. */
  record(subject: UsageSubject, feature: MeteredFeature, n?: number): Promise<Admission>;
  /** This instance's view of a counter (its flushed figure from Firestore plus its own unflushed units). */
  localUsed(userId: UserId, feature: MeteredFeature, periodStart: number): number | null;
  /** Write admitted units (and give back idle lease). close() also gives back every lease. */
  flush(): Promise<void>;
  /** SIGTERM: stop the timer and flush everything. */
  close(): Promise<void>;
}

interface Counter {
  readonly key: CounterKey;
  limit: Exclude<Quota, 0>;
  retentionDays: number;
  meter: MeterTarget | null;
  /** Units leased from Firestore and not yet admitted. */
  lease: number;
  /** Units admitted and not yet written. */
  pending: number;
  /** Units being written by the sync in flight (so views never dip while it runs). */
  committing: number;
  usedSeen: number;
  reservedSeen: number;
  availableSeen: number | 'unlimited';
  checkedAt: number;
  /** When this instance last wrote the counter (lease or flush): flushes are at most one per interval. */
  writtenAt: number;
  block: number;
  lastGrantAt: number;
  lastAdmitAt: number;
  inflight: Promise<void> | null;
  /** A write that failed, so may or may not have committed; the next sync repeats it first. */
  unconfirmed: SyncRequest | null;
}

export function meterFor(account: UsageAccount, feature: MeteredFeature): MeterTarget | null {
  const price = account.plan.meteredPrices.find((p) => p.feature === feature);
  if (!price || !account.subscribed || !account.customerId) return null;
  return { customerId: account.customerId, eventName: price.meterEventName };
}

export function createUsageRecorder(opts: UsageRecorderOptions): UsageRecorder {
  const { db, clock, logger } = opts;
  const flushIntervalMs = opts.flushIntervalMs ?? 1_000;
  const idleReturnMs = opts.idleReturnMs ?? 2 * flushIntervalMs;
  const leaseTargetMs = opts.leaseTargetMs ?? 1_000;
  const initialBlock = opts.initialBlock ?? 16;
  const maxBlock = opts.maxBlock ?? 10_000;
  const counters = new Map<string, Counter>();
  let closed = false;

  function counterFor(account: UsageAccount, feature: MeteredFeature, limit: Exclude<Quota, 0>): Counter {
    const id = `${account.userId}|${feature}|${account.periodStart}`;
    let counter = counters.get(id);
    if (!counter) {
      counter = {
        key: { userId: account.userId, feature, periodStart: account.periodStart, periodEnd: account.periodEnd },
        limit,
        retentionDays: account.plan.retentionDays,
        meter: null,
        lease: 0,
        pending: 0,
        committing: 0,
        usedSeen: 0,
        reservedSeen: 0,
        availableSeen: limit,
        checkedAt: Number.NEGATIVE_INFINITY,
        writtenAt: Number.NEGATIVE_INFINITY,
        // Start big enough for a hot caller of a large quota (1/1000 of it), small for small quotas.
        block: limit === 'unlimited' ? initialBlock : Math.min(maxBlock, Math.max(initialBlock, Math.ceil(limit / 1000))),
        lastGrantAt: Number.NEGATIVE_INFINITY,
        lastAdmitAt: clock.now(),
        inflight: null,
        unconfirmed: null,
      };
      counters.set(id, counter);
    }
    // A plan change within the same period changes the limit and the meter, not the counter.
    counter.limit = limit;
    counter.retentionDays = account.plan.retentionDays;
    counter.meter = meterFor(account, feature);
    return counter;
  }

  /** Run one sync at a time per counter: callers that find one in flight wait for it first. */
  async function exclusive(counter: Counter, run: () => Promise<void>): Promise<void> {
    while (counter.inflight) await counter.inflight.catch(() => undefined);
    const p = run().finally(() => {
      counter.inflight = null;
    });
    counter.inflight = p;
    return p;
  }

  async function sync(counter: Counter, need: number, giveBack: boolean): Promise<void> {
    // A write whose outcome is unknown goes first, repeated verbatim: its receipt makes the repeat a
    // no-op if the first attempt committed after all (sync-counter.ts).
    if (counter.unconfirmed) {
      const leaseBefore = counter.lease;
      await send(counter, counter.unconfirmed);
      need = Math.max(0, need - (counter.lease - leaseBefore)); // a repeated lease may already cover it
    }
    const started = clock.now();
    const commitUsed = counter.pending;
    const returnLease = giveBack && counter.limit !== 'unlimited' ? counter.lease : 0;
    if (need <= 0 && commitUsed <= 0 && returnLease <= 0) return;
    let want = 0;
    if (need > 0) {
      counter.block = started - counter.lastGrantAt < leaseTargetMs ? Math.min(counter.block * 4, maxBlock) : Math.max(initialBlock, Math.floor(counter.block / 2));
      want = need + counter.block;
    }
    counter.pending -= commitUsed;
    counter.committing += commitUsed;
    counter.lease -= returnLease;
    await send(counter, {
      key: counter.key,
      limit: counter.limit,
      retentionDays: counter.retentionDays,
      commitUsed,
      returnLease,
      need,
      want,
      meter: counter.meter,
      writeId: randomUUID(),
      nowMs: started,
    });
  }

  /**
   * Writes one request (need 0: a flush, a blind increment; otherwise the lease transaction) and
   * applies its result to the local view. If it fails, the request stays `unconfirmed`, its units
   * `committing` and its returned lease out of `lease`: whether it committed is unknown until the
   * next sync repeats it.
   */
  async function send(counter: Counter, request: SyncRequest): Promise<void> {
    counter.unconfirmed = request;
    const { commitUsed, returnLease } = request;
    const wrote = (written: boolean) => {
      if (written) opts.onWrite?.(commitUsed > 0 && request.meter ? 3 : 2); // counter, receipt, and the outbox entry if metered
      counter.writtenAt = clock.now();
    };
    if (request.need <= 0) {
      // A flush. The local view moves by what this instance wrote; other instances' figures arrive
      // with the next lease transaction.
      const res = await flushCounter(db, request);
      counter.unconfirmed = null;
      counter.committing -= commitUsed;
      wrote(res.wrote);
      counter.usedSeen += commitUsed;
      if (request.limit === 'unlimited') counter.reservedSeen += commitUsed;
      else {
        counter.reservedSeen -= returnLease;
        if (counter.availableSeen !== 'unlimited') counter.availableSeen += returnLease;
      }
      return;
    }
    const res = await syncCounter(db, request);
    counter.unconfirmed = null;
    counter.committing -= commitUsed;
    if (res.wrote || res.replayed) wrote(res.wrote);
    counter.lease += res.granted;
    counter.usedSeen = res.used;
    counter.reservedSeen = res.reserved;
    counter.availableSeen = res.available;
    counter.checkedAt = clock.now();
    if (res.granted > 0) counter.lastGrantAt = request.nowMs;
  }

  // The hot path derives the account from the same cached billing object again and again: memoize
  // it per object until it may change (its month or past-due grace ends; a new billing object from
  // the source recomputes it).
  const accounts = new WeakMap<object, UsageAccount>();
  function accountOf(userId: UserId, billing: BillingSummary | null): UsageAccount {
    const now = clock.now();
    const hit = billing ? accounts.get(billing) : undefined;
    if (hit && hit.userId === userId && now < hit.validUntil * 1000) return hit;
    const account = usageAccount(userId, billing, now, opts);
    if (billing) accounts.set(billing, account);
    return account;
  }

  /**
   * Take the next block in the background once half the current one is spent, so callers rarely
   * wait on a transaction (unless the counter was found exhausted within the last interval).
   */
  function refillAhead(counter: Counter): void {
    if (counter.limit === 'unlimited' || counter.inflight || counter.lease >= counter.block / 2) return;
    if (counter.availableSeen !== 'unlimited' && counter.availableSeen <= 0 && clock.now() - counter.checkedAt < flushIntervalMs) return;
    void exclusive(counter, () => sync(counter, 1, false)).catch((err: unknown) => {
      logger.warn({ event: 'usage.refill_failed', userId: counter.key.userId, feature: counter.key.feature, err }, 'background lease refill failed');
    });
  }

  function refusal(account: UsageAccount, feature: MeteredFeature): AppError {
    const details = { feature, upgradeUrl: opts.upgradeUrl };
    const paidPlansInclude = PAID_PLAN_IDS.some((id) => PLANS[id].quotas[feature] !== 0);
    if (!account.subscribed && paidPlansInclude) return new AppError('payment_required', `${feature} needs an active subscription`, details);
    return new AppError('forbidden', `Your plan does not include ${feature}`, details);
  }

  async function record(subject: UsageSubject, feature: MeteredFeature, n = 1): Promise<Admission> {
    if (!Number.isSafeInteger(n) || n < 1) throw new AppError('bad_request', 'units must be a positive integer');
    if (closed) throw new AppError('upstream_unavailable', 'Shutting down');
    const account = accountOf(subject.userId, await opts.billing.billing(subject.userId));
    const limit = account.plan.quotas[feature];
    if (limit === 0) throw refusal(account, feature);
    const counter = counterFor(account, feature, limit);
    const admitted = (): Admission => {
      if (counter.limit !== 'unlimited') counter.lease -= n;
      counter.pending += n;
      counter.lastAdmitAt = clock.now();
      refillAhead(counter);
      return { feature, n, limit, periodEnd: account.periodEnd };
    };
    for (;;) {
      if (counter.limit === 'unlimited' || counter.lease >= n) return admitted();
      const fresh = clock.now() - counter.checkedAt < flushIntervalMs;
      if (fresh && counter.availableSeen !== 'unlimited' && counter.lease + counter.availableSeen < n) {
        throw new AppError('quota_exceeded', `Monthly quota for ${feature} exceeded`, {
          feature,
          used: Math.min(counter.limit, Math.max(counter.usedSeen + counter.committing + counter.pending, counter.reservedSeen - counter.lease)),
          limit: counter.limit,
          periodEnd: account.periodEnd,
          upgradeUrl: opts.upgradeUrl,
        });
      }
      if (counter.inflight) {
        // Someone is already talking to Firestore for this counter: use what it brings back.
        await counter.inflight.catch(() => undefined);
        continue;
      }
      try {
        await exclusive(counter, () => sync(counter, n - counter.lease, false));
      } catch (err) {
        logger.error({ event: 'usage.sync_failed', userId: subject.userId, feature, err }, 'quota counter sync failed');
        throw new AppError('upstream_unavailable', 'Usage accounting is unavailable, retry shortly', {}, { cause: err });
      }
    }
  }

  let flushing: Promise<void> | null = null;
  async function flushAll(closing: boolean): Promise<void> {
    const now = clock.now();
    const work: Promise<void>[] = [];
    for (const [id, counter] of counters) {
      const ended = now >= counter.key.periodEnd * 1000;
      const idle = now - counter.lastAdmitAt >= idleReturnMs;
      const giveBack = (closing || idle || ended) && counter.limit !== 'unlimited' && counter.lease > 0;
      const due = (counter.pending > 0 || counter.unconfirmed !== null) && (closing || now - counter.writtenAt >= flushIntervalMs);
      if (due || giveBack) {
        work.push(
          exclusive(counter, () => sync(counter, 0, closing || idle || ended)).catch((err: unknown) => {
            logger.warn({ event: 'usage.flush_failed', userId: counter.key.userId, feature: counter.key.feature, pending: counter.pending, err }, 'usage flush failed; will retry');
          }),
        );
      } else if ((ended || idle) && counter.pending === 0 && counter.lease <= 0 && !counter.inflight && !counter.unconfirmed) {
        counters.delete(id); // nothing held: forget it (bounded memory); the next request re-reads it
      }
    }
    await Promise.all(work);
  }

  function flush(closing = false): Promise<void> {
    if (flushing && !closing) return flushing;
    const p = (flushing ?? Promise.resolve()).then(() => flushAll(closing));
    // Cleared once this flush settles, unless a later one (closing) has replaced it meanwhile.
    const tracked: Promise<void> = p.finally(() => {
      if (flushing === tracked) flushing = null;
    });
    flushing = tracked;
    return p;
  }

  const timer =
    opts.autoFlush === false
      ? null
      : setInterval(() => {
          void flush().catch((err: unknown) => logger.error({ event: 'usage.flush_failed', err }, 'usage flush failed'));
        }, flushIntervalMs);
  timer?.unref();

  return {
    record,
    localUsed(userId, feature, periodStart) {
      const counter = counters.get(`${userId}|${feature}|${periodStart}`);
      if (!counter || clock.now() - counter.checkedAt > 5 * flushIntervalMs) return null;
      return counter.usedSeen + counter.committing + counter.pending;
    },
    flush: () => flush(false),
    async close() {
      closed = true;
      if (timer) clearInterval(timer);
      // A failed flush (typically transaction contention when several instances stop at once) is
      // retried with backoff for up to ~6 s, inside Cloud Run's 10 s SIGTERM grace: what stays
      // unwritten after that is the stated loss, and lease not given back stays reserved (bounded
      // under-admission until the period ends).
      // A background lease refill may still be in flight: it can bring lease back or be committing
      // units, so wait for it before deciding what is left to write or give back.
      const settled = () => Promise.all([...counters.values()].flatMap((c) => (c.inflight ? [c.inflight.catch(() => undefined)] : [])));
      for (let attempt = 0; attempt < 6; attempt++) {
        await settled();
        await flush(true);
        await settled();
        if (![...counters.values()].some((c) => c.pending > 0 || c.committing > 0 || c.unconfirmed || (c.limit !== 'unlimited' && c.lease > 0))) break;
        await sleep(Math.min(100 * 2 ** attempt, 2_000));
      }
      const left = [...counters.values()].reduce((sum, c) => sum + c.pending, 0);
      if (left > 0) logger.error({ event: 'usage.units_lost', units: left }, 'admitted units could not be written at shutdown');
    },
  };
}
