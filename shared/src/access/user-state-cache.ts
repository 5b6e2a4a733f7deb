// Per-instance cache of `users/{uid}` (identity + billing summary): what access control, /api/me
// and the billing page read, so the steady state costs no Firestore read per request.
//
// Invalidation: each cached user has a Firestore realtime listener on their document, so a
// change written by the event applier (a cancellation, a failed payment) replaces the cached
// value as soon as the listener delivers it. Staleness bound and size bound: those of the
// document cache (firestore/document-cache.ts): the listener latency; a failed listener is dropped
// and the next request subscribes again; an entry older than `ttlMs` is re-subscribed on its next
// use; at most `maxEntries` users, least recently used evicted first.
import type { Firestore } from '@google-cloud/firestore';
import { createDocumentCache, type DocumentCache } from '../firestore/document-cache.js';
import { firestoreDocumentSource } from '../firestore/document-source.js';
import { createStore } from '../firestore/store.js';
import type { Logger } from '../logging/logger.js';
import type { UserDoc } from '../model/documents.js';
import type { Clock } from '../ports/clock.js';

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

export interface UserStateCache extends Pick<DocumentCache<UserDoc>, 'get' | 'stats'> {
  /** Stops every listener (SIGTERM, end of tests); one still opening stops once open. */
  close(): void;
}

export function createUserStateCache(opts: UserStateCacheOptions): UserStateCache {
  const users = createStore(opts.firestore).users;
  const cache = createDocumentCache({
    source: firestoreDocumentSource(users, 'UserDoc'),
    firstLoad: 'snapshot',
    logger: opts.logger,
    name: 'access_cache',
    idLogField: 'userId',
    maxEntries: opts.maxEntries,
    ttlMs: opts.ttlMs,
    ...(opts.loadTimeoutMs === undefined ? {} : { loadTimeoutMs: opts.loadTimeoutMs }),
    ...(opts.clock === undefined ? {} : { clock: opts.clock }),
  });
  return {
    get: (userId) => cache.get(userId),
    // close() never rejects; open listeners stop synchronously, as callers expect.
    close: () => void cache.close(),
    stats: () => cache.stats(),
  };
}
