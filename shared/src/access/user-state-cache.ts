// Per-instance cache of `users/{uid}` (identity + billing summary): what access control, /api/me
// and the billing page read, so the steady state costs no Firestore read per request.
//
// Invalidation: each cached user has a Firestore realtime listener on their document, so a
// change written by the event applier (a cancellation, a failed payment) replaces the cached
// value as soon as the listener delivers it (well under a second against the emulator, a second
// or two in production). Staleness bound:
//   - normally the listener latency;
//   - a listener that fails is dropped at once and the next request subscribes again;
//   - as a fallback against a silently stalled stream, an entry older than `ttlMs` is dropped and
//     re-subscribed on its next use (one document read per user per TTL while in use).
// The number of listeners is bounded by `maxEntries` (least recently used evicted first).
import type { Firestore } from '@google-cloud/firestore';
import { TransientError } from '../errors/app-error.js';
import type { Logger } from '../logging/logger.js';
import { Collection } from '../model/collections.js';
import { UserDoc } from '../model/documents.js';
import { systemClock, type Clock } from '../ports/clock.js';

export interface UserStateCacheOptions {
  firestore: Firestore;
  logger: Logger;
  /** Fallback revalidation period for an entry (see the staleness bound above). */
  ttlMs: number;
  /** Bound on cached users, hence on open listeners. */
  maxEntries: number;
  /** How long a first load may wait for Firestore before the request fails with 503. */
  loadTimeoutMs?: number;
  clock?: Clock;
}

export interface UserStateCache {
  /** The user's document, or null when it does not exist (yet). Rejects with TransientError when Firestore is unreachable. */
  get(userId: string): Promise<UserDoc | null>;
  /** Stops every listener (SIGTERM, end of tests). */
  close(): void;
  stats(): { size: number; hits: number; loads: number };
}

interface Entry {
  /** Resolves once the first snapshot arrived; afterwards `value` follows the document. */
  readonly ready: Promise<void>;
  loaded: boolean;
  value: UserDoc | null;
  error: Error | null;
  readonly subscribedAt: number;
  unsubscribe: () => void;
}

export function createUserStateCache(opts: UserStateCacheOptions): UserStateCache {
  const clock = opts.clock ?? systemClock;
  const loadTimeoutMs = opts.loadTimeoutMs ?? 10_000;
  // A Map iterates in insertion order: re-inserting on use makes the first key the least recently used.
  const entries = new Map<string, Entry>();
  let hits = 0;
  let loads = 0;

  function drop(userId: string, entry: Entry): void {
    entry.unsubscribe();
    if (entries.get(userId) === entry) entries.delete(userId);
  }

  function subscribe(userId: string): Entry {
    loads += 1;
    const ref = opts.firestore.collection(Collection.users).doc(userId);
    let resolveReady!: () => void;
    const entry: Entry = {
      ready: new Promise<void>((resolve) => (resolveReady = resolve)),
      loaded: false,
      value: null,
      error: null,
      subscribedAt: clock.now(),
      unsubscribe: () => undefined,
    };
    entry.unsubscribe = ref.onSnapshot(
      (snap) => {
        if (!snap.exists) {
          entry.value = null;
          entry.error = null;
        } else {
          const parsed = UserDoc.safeParse(snap.data());
          entry.value = parsed.success ? parsed.data : null;
          entry.error = parsed.success ? null : new Error(`users/${userId} does not match the UserDoc schema`, { cause: parsed.error });
        }
        entry.loaded = true;
        resolveReady();
      },
      (err) => {
        opts.logger.warn({ event: 'access_cache.listener_failed', userId, err }, 'user document listener failed; entry dropped');
        entry.error = new TransientError('user state listener failed', { cause: err });
        resolveReady();
        drop(userId, entry);
      },
    );
    entries.set(userId, entry);
    // Evict the least recently used loaded entries; an entry still loading has a request waiting
    // on it, so the bound may be exceeded briefly by entries in flight.
    for (const [id, candidate] of entries) {
      if (entries.size <= opts.maxEntries) break;
      if (candidate.loaded) drop(id, candidate);
    }
    return entry;
  }

  async function waitLoaded(userId: string, entry: Entry): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), loadTimeoutMs)));
    const outcome = await Promise.race([entry.ready.then(() => 'ready' as const), timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      drop(userId, entry);
      throw new TransientError(`users/${userId} did not load within ${loadTimeoutMs} ms`);
    }
  }

  return {
    async get(userId) {
      let entry = entries.get(userId);
      if (entry && clock.now() - entry.subscribedAt >= opts.ttlMs) {
        drop(userId, entry);
        entry = undefined;
      }
      if (entry) {
        hits += 1;
        entries.delete(userId);
        entries.set(userId, entry);
      } else {
        entry = subscribe(userId);
      }
      if (!entry.loaded) await waitLoaded(userId, entry);
      if (entry.error) {
        const error = entry.error;
        // A malformed document or a failed listener: do not serve it from cache next time.
        drop(userId, entry);
        throw error;
      }
      return entry.value;
    },
    close() {
      for (const [userId, entry] of [...entries]) drop(userId, entry);
    },
    stats: () => ({ size: entries.size, hits, loads }),
  };
}
