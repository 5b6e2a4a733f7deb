// Records units of a metered feature and admits them against the monthly quota, fast and correct
// across app instances, with quota leases (design, bounds and costs: README.md beside this file).
// This module does the I/O and the scheduling only: it keeps each counter's state (counter-state.ts),
// asks the lease policy (lease-policy.ts) what to do, runs the writes (sync-counter.ts) one at a time
// per counter, flushes on a timer, and drains at SIGTERM.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Firestore } from '@google-cloud/firestore';
import { createStore } from '../firestore/store.js';
import { AppError } from '../errors/app-error.js';
import type { Logger } from '../logging/logger.js';
import type { AccountId } from '../model/ids.js';
import { PAID_PLAN_IDS, PLANS, type MeteredFeature, type Quota } from '../plans/catalog.js';
import type { Clock } from '../ports/clock.js';
import { counterId, type CounterKey, type CounterState, type SyncRequest } from './counter-state.js';
import {
  admit,
  decideAdmission,
  type LeaseSettings,
  flushed,
  flushStep,
  isDrained,
  leased,
  leaseSettings,
  localUsage,
  type LocalUsage,
  needAfterRepeat,
  openCounter,
  planSync,
  shouldLeaseAhead,
  withTerms,
} from './lease-policy.js';
import { flushCounter, syncCounter } from './sync-counter.js';
import type { UsageObservation } from '../notifications/quota-thresholds.js';
import { meterFor, usageAccountOf, type AccountBilling, type BillingSource, type UsageAccount } from './usage-account.js';

export interface UsageSubject {
  readonly accountId: AccountId;
  /** The member (user id) who made the usage: the counter keeps each member's units (`byMember`). */
  readonly userId: string;
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

/** Lease settings left out take lease-policy.ts's defaults (flush every 1 s, idle return after 2 flush intervals). */
export interface UsageRecorderOptions extends Partial<LeaseSettings> {
  db: Firestore;
  billing: BillingSource;
  clock: Clock;
  logger: Logger;
  /** Shown in 402/403/429 bodies. */
  upgradeUrl: string;
  /** PAST_DUE_GRACE_DAYS in seconds: a past-due subscriber keeps the paid quotas this long, as they keep its features. */
  pastDueGraceSeconds: number;
  /** Start the flush timer (default true). Tests and the bench drive flush() themselves if false. */
  autoFlush?: boolean;
  /** Observability: called with the number of documents each committed sync wrote (counter + outbox entry). */
  onWrite?: (documents: number) => void;
  /** After each admission, and each refusal at the quota: the account's usage as this instance sees it (quota notifications). */
  onUsage?: (usage: UsageObservation) => void;
}

export interface UsageRecorder {
  /** Record `n` units (default 1). Resolves when admitted; throws AppError 402/403/429/503 otherwise. */
  record(subject: UsageSubject, feature: MeteredFeature, n?: number): Promise<Admission>;
  /** This instance's view of a counter (its flushed figures from Firestore plus its own unflushed units, by member too), or null. */
  localUsage(accountId: AccountId, feature: MeteredFeature, periodStart: number): LocalUsage | null;
  /**
   * Calls `listener` when this instance drops its view of a counter (idle after its last flush):
   * a reader that fell back on an older read of the counter must read it again from then on.
   */
  onForget(listener: (key: CounterKey) => void): void;
  /** Write admitted units (and give back idle lease). close() also gives back every lease. */
  flush(): Promise<void>;
  /** SIGTERM: stop the timer and flush everything. */
  close(): Promise<void>;
}

/** A counter's current state, and the write of it in flight (one at a time per counter). */
interface Slot {
  state: CounterState;
  inflight: Promise<void> | null;
}

export function createUsageRecorder(opts: UsageRecorderOptions): UsageRecorder {
  const { clock, logger } = opts;
  const store = createStore(opts.db);
  const settings = leaseSettings(opts);
  const slots = new Map<string, Slot>();
  const forgetListeners: ((key: CounterKey) => void)[] = [];
  let closed = false;

  function slotFor(account: UsageAccount, feature: MeteredFeature, limit: Exclude<Quota, 0>): Slot {
    const terms = { limit, retentionDays: account.plan.retentionDays, meter: meterFor(account, feature) };
    const id = counterId(account.accountId, feature, account.periodStart);
    const slot = slots.get(id);
    if (slot) {
      slot.state = withTerms(slot.state, terms);
      return slot;
    }
    const key = { accountId: account.accountId, feature, periodStart: account.periodStart, periodEnd: account.periodEnd };
    const created: Slot = { state: openCounter(key, terms, clock.now(), settings), inflight: null };
    slots.set(id, created);
    return created;
  }

  /** Run one sync at a time per counter: callers that find one in flight wait for it first. */
  async function exclusive(slot: Slot, run: () => Promise<void>): Promise<void> {
    while (slot.inflight) await slot.inflight.catch(() => undefined);
    const p = run().finally(() => {
      slot.inflight = null;
    });
    slot.inflight = p;
    return p;
  }

  async function sync(slot: Slot, need: number, giveBack: boolean): Promise<void> {
    // A write whose outcome is unknown goes first, repeated verbatim: its receipt makes the repeat a
    // no-op if the first attempt committed after all (sync-counter.ts).
    const repeat = slot.state.unconfirmed;
    if (repeat) {
      const leaseBefore = slot.state.lease;
      await send(slot, repeat);
      need = needAfterRepeat(need, leaseBefore, slot.state.lease); // a repeated lease may already cover it
    }
    const planned = planSync(slot.state, need, giveBack, clock.now(), randomUUID(), settings);
    if (!planned) return;
    slot.state = planned.state;
    await send(slot, planned.request);
  }

  /**
   * Writes one request (need 0: a flush, a blind increment; otherwise the lease, a compare-and-set) and
   * applies its answer to the state. If it fails, the state keeps it unconfirmed (lease-policy.ts).
   */
  async function send(slot: Slot, request: SyncRequest): Promise<void> {
    // Counter, receipt, and the outbox entry if metered.
    const documents = request.commitUsed > 0 && request.meter ? 3 : 2;
    if (request.need <= 0) {
      const res = await flushCounter(store, request);
      if (res.wrote) opts.onWrite?.(documents);
      slot.state = flushed(slot.state, request, clock.now());
      return;
    }
    const res = await syncCounter(store, request);
    if (res.wrote) opts.onWrite?.(documents);
    slot.state = leased(slot.state, request, res, clock.now());
  }

  // The hot path derives the account from the same cached billing object again and again: memoize
  // it per object until it may change (its month or past-due grace ends; a new billing object from
  // the source recomputes it).
  const accounts = new WeakMap<AccountBilling, UsageAccount>();
  function accountOf(accountId: AccountId, state: AccountBilling): UsageAccount {
    const now = clock.now();
    const hit = accounts.get(state);
    if (hit && hit.accountId === accountId && now < hit.validUntil * 1000) return hit;
    const account = usageAccountOf(accountId, state, now, opts);
    accounts.set(state, account);
    return account;
  }

  /** Take the next block in the background when the policy says so, so callers rarely wait on a transaction. */
  function leaseAhead(slot: Slot): void {
    if (!shouldLeaseAhead(slot.state, clock.now(), slot.inflight !== null, settings)) return;
    void exclusive(slot, () => sync(slot, 1, false)).catch((err: unknown) => {
      const { key } = slot.state;
      logger.warn({ event: 'usage.refill_failed', accountId: key.accountId, feature: key.feature, err }, 'background lease refill failed');
    });
  }

  function refusal(account: UsageAccount, feature: MeteredFeature): AppError {
    const details = { feature, upgradeUrl: opts.upgradeUrl };
    const paidPlansInclude = PAID_PLAN_IDS.some((id) => PLANS[id].quotas[feature] !== 0);
    if (!account.subscribed && paidPlansInclude)
      return new AppError('payment_required', `${feature} needs an active subscription`, details);
    return new AppError('forbidden', `Your plan does not include ${feature}`, details);
  }

  function observe(account: UsageAccount, feature: MeteredFeature, used: number, limit: Quota): void {
    opts.onUsage?.({
      accountId: account.accountId,
      feature,
      used,
      limit,
      planId: account.plan.id,
      periodStart: account.periodStart,
      periodEnd: account.periodEnd,
    });
  }

  async function record(subject: UsageSubject, feature: MeteredFeature, n = 1): Promise<Admission> {
    if (!Number.isSafeInteger(n) || n < 1) throw new AppError('bad_request', 'units must be a positive integer');
    // A caller's bug, and Firestore refuses an empty map key: caught here, it cannot stall the counter's writes.
    if (subject.userId === '') throw new Error('usage must name the member who made it');
    if (closed) throw new AppError('upstream_unavailable', 'Shutting down');
    const account = accountOf(subject.accountId, await opts.billing.billing(subject.accountId));
    const limit = account.quotas[feature];
    if (limit === 0) throw refusal(account, feature);
    const slot = slotFor(account, feature, limit);
    for (;;) {
      const decision = decideAdmission(slot.state, n, clock.now(), slot.inflight !== null, settings);
      switch (decision.kind) {
        case 'admit':
          slot.state = admit(slot.state, subject.userId, n, clock.now());
          leaseAhead(slot);
          // What this instance knows was used: the counter as last read, plus its own units since.
          observe(account, feature, slot.state.usedSeen + slot.state.committing + slot.state.pending, limit);
          return { feature, n, limit, periodEnd: account.periodEnd };
        case 'refuse':
          observe(account, feature, decision.used, limit);
          throw new AppError('quota_exceeded', `Monthly quota for ${feature} exceeded`, {
            feature,
            used: decision.used,
            limit: slot.state.limit,
            periodEnd: account.periodEnd,
            upgradeUrl: opts.upgradeUrl,
          });
        case 'wait':
          // Someone is already talking to Firestore for this counter: use what it brings back.
          await slot.inflight?.catch(() => undefined);
          break;
        case 'lease':
          try {
            await exclusive(slot, () => sync(slot, decision.need, false));
          } catch (err) {
            logger.error({ event: 'usage.sync_failed', accountId: subject.accountId, feature, err }, 'quota counter sync failed');
            throw new AppError('upstream_unavailable', 'Usage accounting is unavailable, retry shortly', {}, { cause: err });
          }
          break;
      }
    }
  }

  let flushing: Promise<void> | null = null;
  async function flushAll(closing: boolean): Promise<void> {
    const now = clock.now();
    const work: Promise<void>[] = [];
    for (const [id, slot] of slots) {
      const step = flushStep(slot.state, now, closing, slot.inflight !== null, settings);
      if (step.kind === 'write') {
        work.push(
          exclusive(slot, () => sync(slot, 0, step.giveBack)).catch((err: unknown) => {
            const { key, pending } = slot.state;
            logger.warn(
              { event: 'usage.flush_failed', accountId: key.accountId, feature: key.feature, pending, err },
              'usage flush failed; will retry',
            );
          }),
        );
      } else if (step.kind === 'forget') {
        slots.delete(id);
        for (const listener of forgetListeners) listener(slot.state.key);
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
        }, settings.flushIntervalMs);
  timer?.unref();

  return {
    record,
    localUsage(accountId, feature, periodStart) {
      const slot = slots.get(counterId(accountId, feature, periodStart));
      return slot ? localUsage(slot.state, clock.now(), settings) : null;
    },
    onForget(listener) {
      forgetListeners.push(listener);
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
      const settled = () => Promise.all([...slots.values()].flatMap((s) => (s.inflight ? [s.inflight.catch(() => undefined)] : [])));
      for (let attempt = 0; attempt < 6; attempt++) {
        await settled();
        await flush(true);
        await settled();
        if ([...slots.values()].every((s) => isDrained(s.state))) break;
        await sleep(Math.min(100 * 2 ** attempt, 2_000));
      }
      const left = [...slots.values()].reduce((sum, s) => sum + s.state.pending, 0);
      if (left > 0) logger.error({ event: 'usage.units_lost', units: left }, 'admitted units could not be written at shutdown');
    },
  };
}
