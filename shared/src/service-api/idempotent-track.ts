// `track` with an idempotency key: a repeat of the key for the same account within the window
// answers what the first call answered and never counts again. The outcome is kept in
// `track_keys/{sha256(accountId, key)}` (TTL = the window):
//   1. claim the key: create the document `pending` (a concurrent repeat finds it and is told to
//      retry shortly);
//   2. admit the units (the same recorder and quota leases as the app's own metering: zero
//      over-admission across instances);
//   3. store the answer, `admitted` or `refused` (refused units are never counted, never billed).
// Steps 1 and 3 are single-document writes every call makes: concurrent calls' writes leave in one
// BatchWrite per event-loop turn (firestore/coalesced-writes.ts), each still succeeding or failing
// on its own, which is what lets one instance keep up with many callers.
// If step 2 fails for a reason a retry can fix (Firestore unavailable, shutting down), the
// document is deleted so the retry runs it again. If step 3 fails (after the writer's own retries),
// the units are already admitted and counted: the call still answers its outcome, since failing it
// would invite the one retry that counts them again, and an ERROR line names the key. Left pending
// (that failure, or a process that dies between 1 and 3), the key is taken over by a repeat after
// `STALE_PENDING_MS` and run again: at least once, never lost.
// A key reused for other units or another feature is a 409, as Stripe does for its own keys.
import { createHash } from 'node:crypto';
import { Timestamp } from '@google-cloud/firestore';
import { AppError, TransientError } from '../errors/app-error.js';
import { isAlreadyExists } from '../firestore/already-exists.js';
import type { Store } from '../firestore/store.js';
import type { TrackKeyDoc } from '../model/service-documents.js';
import type { Logger } from '../logging/logger.js';
import type { Clock } from '../ports/clock.js';
import { createCoalescedWrites, type CoalescedWrites } from '../firestore/coalesced-writes.js';

/** How long a key is remembered. */
export const TRACK_IDEMPOTENCY_WINDOW_MS = 24 * 3_600_000;
/** A pending key older than this belonged to a call that died: a repeat runs it again. */
const STALE_PENDING_MS = 30_000;

export interface TrackOutcome {
  readonly status: number;
  readonly body: Record<string, unknown>;
  /** This answer is a repeat of the first call's. */
  readonly replayed: boolean;
}

export interface IdempotentTrackDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  windowMs?: number;
}

export interface IdempotentTrack {
  /**
   * Runs `admit` at most once per key within the window. `admit` answers the success body, or throws
   * an AppError whose 4xx is the remembered refusal; any other error is not remembered.
   */
  run(key: TrackKey, admit: () => Promise<Record<string, unknown>>): Promise<TrackOutcome>;
  /** Refuses new calls, lets the calls under way finish and waits for their outcomes to be written (SIGTERM). */
  close(): Promise<void>;
}

export interface TrackKey {
  accountId: string;
  idempotencyKey: string;
  feature: string;
  units: number;
}

const keyDocId = (k: TrackKey) => createHash('sha256').update(`${k.accountId}\n${k.idempotencyKey}`).digest('hex');

export function createIdempotentTrack(deps: IdempotentTrackDeps): IdempotentTrack {
  const writes = createCoalescedWrites(deps.store.db);
  // Calls under way when close() is called finish, outcome written: units they admitted before the
  // recorder's last flush are counted, so their keys must say so. Calls after it are refused.
  const running = new Set<Promise<unknown>>();
  let closing = false;
  return {
    run(key, admit) {
      if (closing) return Promise.reject(new TransientError('Shutting down: retry'));
      const call = runOnce(deps, writes, key, admit);
      running.add(call);
      void call.finally(() => running.delete(call)).catch(() => undefined);
      return call;
    },
    async close() {
      closing = true;
      await Promise.allSettled([...running]);
      await writes.close();
    },
  };
}

async function runOnce(
  deps: IdempotentTrackDeps,
  writes: CoalescedWrites,
  key: TrackKey,
  admit: () => Promise<Record<string, unknown>>,
): Promise<TrackOutcome> {
  const { store, clock } = deps;
  const ref = store.trackKeys.doc(keyDocId(key));
  const now = clock.now();
  const pending: TrackKeyDoc = {
    accountId: key.accountId,
    feature: key.feature,
    units: key.units,
    state: 'pending',
    outcome: null,
    createdAt: Timestamp.fromMillis(now),
    updatedAt: Timestamp.fromMillis(now),
    expireAt: Timestamp.fromMillis(now + (deps.windowMs ?? TRACK_IDEMPOTENCY_WINDOW_MS)),
  };
  // The common case, a key never seen: claimed by one create (no transaction). A key seen before
  // is read and, when it may run again, taken over in a transaction, so that two repeats of a
  // stale key cannot both run it.
  try {
    await writes.create(ref, pending);
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
    const remembered = await store.db.runTransaction(async (tx) => {
      const seen = (await tx.get(ref)).data();
      const repeat = seen ? answerRepeat(seen, key, now) : null;
      if (!repeat) tx.set(ref, pending); // gone, expired, or pending too long: this call runs it
      return repeat;
    });
    if (remembered) return remembered;
  }
  let outcome: { status: number; body: Record<string, unknown> };
  try {
    outcome = { status: 200, body: await admit() };
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) {
      await writes.delete(ref).catch(() => undefined); // the retry runs it again; if this fails, it goes stale and is taken over
      throw err;
    }
    outcome = { status: err.status, body: err.toBody() };
  }
  const state = outcome.status === 200 ? 'admitted' : 'refused';
  try {
    await writes.update(ref, { state, outcome, updatedAt: Timestamp.fromMillis(clock.now()) });
  } catch (err) {
    deps.logger.error(
      {
        event: 'service.track_outcome_unrecorded',
        accountId: key.accountId,
        idempotencyKey: key.idempotencyKey,
        feature: key.feature,
        units: key.units,
        state,
        err,
      },
      `track outcome not stored: a repeat of this idempotency key after ${STALE_PENDING_MS / 1000} s would run again`,
    );
  }
  return { ...outcome, replayed: false };
}

/** The remembered answer; null when the key may be run (again). */
function answerRepeat(seen: TrackKeyDoc, key: TrackKey, now: number): TrackOutcome | null {
  if (seen.expireAt.toMillis() <= now) return null;
  if (seen.feature !== key.feature || seen.units !== key.units) {
    throw new AppError('conflict', 'This idempotencyKey was used with other parameters', { idempotencyKey: key.idempotencyKey });
  }
  if (seen.state === 'pending') {
    if (now - seen.createdAt.toMillis() > STALE_PENDING_MS) return null;
    throw new AppError(
      'conflict',
      'A call with this idempotencyKey is in progress: retry shortly',
      { reason: 'in_progress' },
      { retryAfterSeconds: 1 },
    );
  }
  return seen.outcome ? { ...seen.outcome, replayed: true } : null;
}
