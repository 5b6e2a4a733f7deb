// Per-instance caches of what access control reads: `accounts/{accountId}` (the billing summary)
// and `memberships/{accountId}|{userId}` (who may act for a team account, with which role). /api/me,
// the billing page and every gated route read them, so the steady state costs no Firestore read
// per request.
//
// Invalidation: each cached document has a Firestore realtime listener, so a change written by the
// event applier (a cancellation, a failed payment) or by a team action (a member removed, a role
// changed) replaces the cached value as soon as the listener delivers it, on every instance.
// Staleness bound and size bound: those of the document cache (firestore/document-cache.ts): the
// listener latency; a failed listener is dropped and the next request subscribes again; an entry
// older than `ttlMs` is re-subscribed on its next use; at most `maxEntries` documents per cache,
// least recently used evicted first.
import type { Firestore } from '@google-cloud/firestore';
import { createDocumentCache, type DocumentCache } from '../firestore/document-cache.js';
import { firestoreDocumentSource } from '../firestore/document-source.js';
import { createStore } from '../firestore/store.js';
import type { Logger } from '../logging/logger.js';
import { membershipId, type AccountDoc, type MembershipDoc } from '../model/account-documents.js';
import type { Clock } from '../ports/clock.js';

export interface AccountStateCacheOptions {
  firestore: Firestore;
  logger: Logger;
  /** Fallback revalidation period for an entry (see the staleness bound above). */
  ttlMs: number;
  /** Bound on cached accounts, and on cached memberships, hence on open listeners. */
  maxEntries: number;
  /** How long a first load may wait for Firestore before the request fails with 503. */
  loadTimeoutMs?: number;
  clock?: Clock;
}

export interface AccountStateCache extends Pick<DocumentCache<AccountDoc>, 'get' | 'stats'> {
  /** The user's membership of a team account (null: not a member). */
  membership(accountId: string, userId: string): Promise<MembershipDoc | null>;
  /** Stops every listener (SIGTERM, end of tests); one still opening stops once open. */
  close(): void;
}

export function createAccountStateCache(opts: AccountStateCacheOptions): AccountStateCache {
  const store = createStore(opts.firestore);
  const common = {
    firstLoad: 'snapshot' as const,
    logger: opts.logger,
    maxEntries: opts.maxEntries,
    ttlMs: opts.ttlMs,
    ...(opts.loadTimeoutMs === undefined ? {} : { loadTimeoutMs: opts.loadTimeoutMs }),
    ...(opts.clock === undefined ? {} : { clock: opts.clock }),
  };
  const memberships = createDocumentCache({
    ...common,
    source: firestoreDocumentSource(store.memberships, 'MembershipDoc'),
    name: 'membership_cache',
    idLogField: 'membershipId',
  });
  const cache = createDocumentCache({
    ...common,
    source: firestoreDocumentSource(store.accounts, 'AccountDoc'),
    name: 'access_cache',
    idLogField: 'accountId',
  });
  return {
    get: (accountId) => cache.get(accountId),
    membership: (accountId, userId) => memberships.get(membershipId(accountId, userId)),
    // close() never rejects; open listeners stop synchronously, as callers expect.
    close: () => {
      void cache.close();
      void memberships.close();
    },
    stats: () => cache.stats(),
  };
}
