// Resolves `Authorization: Bearer bk_...` to its owner, without a Firestore read per request and
// without a write per request.
//
// Cache and revocation (stated): the first request with a key reads its document once; a key that
// exists then gets a snapshot listener that stays open while the key is in use (closed after
// `idleMs` without use). A revocation therefore reaches every instance as soon as Firestore pushes
// the change (well under a second), and the revoking instance evicts the key itself before
// answering. If a listener fails, its entry is dropped and the next request reads again.
// Concurrent requests with the same key share one read. At most `maxLive` keys (default 10,000)
// are live, least recently used closed first. The live keys are a document cache in its 'read'
// mode (firestore/document-cache.ts).
//
// What unknown keys cost (stated bound, issue 17 item 9): an unknown key costs one document read
// and never a listener, and is then refused without a read for `unknownKeyTtlMs` (default 60 s):
// per instance, at most one read per distinct unknown key per TTL, and at most one read per
// attempt whatever the keys. At most `maxRefused` (default 10,000) refused hashes are remembered,
// oldest forgotten first (refused-api-keys.ts), so more distinct keys than that cost a read each
// and no memory beyond the bound. The load balancer does not stop a flood of distinct made-up keys
// (Cloud Armor counts a keyed request per key, not per IP: infra/README.md "Request ceilings"), so
// this bound is what such a flood costs. Revoked keys stay refused until pushed out.
//
// `lastUsedAt` is coalesced: kept in memory and written at most once per `lastUsedFlushMs` per key
// per instance (default one minute), and at close().
//
// Malformed keys are refused before any lookup. Nothing here ever logs a secret or a hash.
import { Timestamp, type Firestore } from '@google-cloud/firestore';
import { createDocumentCache } from '../firestore/document-cache.js';
import type { Logger } from '../logging/logger.js';
import { AccountId } from '../model/ids.js';
import type { Clock } from '../ports/clock.js';
import { type ApiKeyDoc } from '../model/api-key-documents.js';
import { firestoreApiKeyLookup, type ApiKeyLookup } from './api-key-lookup.js';
import { hashApiKeySecret, isWellFormedApiKey } from './api-key-secret.js';
import { createRefusedApiKeys } from './refused-api-keys.js';
import { createStore } from '../firestore/store.js';

export interface ApiKeyPrincipal {
  readonly keyId: string;
  readonly accountId: AccountId;
  /** The member who created the key (null: made before accounts). */
  readonly createdBy: string | null;
}

export interface ApiKeyVerifier {
  /** The key's account, or null for a malformed, unknown or revoked key. */
  verify(secret: string): Promise<ApiKeyPrincipal | null>;
  /** Refuse the key on this instance at once (called by the revoke route). */
  evict(hash: string): void;
  /** The key was just created on this instance: stop refusing it if it was looked up before. */
  created(hash: string): void;
  /** Write coalesced lastUsedAt stamps. */
  flushLastUsed(): Promise<void>;
  close(): Promise<void>;
}

export interface ApiKeyVerifierOptions {
  db: Firestore;
  clock: Clock;
  logger: Logger;
  /** Where keys are read and watched (default: Firestore `db`); tests wrap it to count reads. */
  lookup?: ApiKeyLookup;
  lastUsedFlushMs?: number;
  idleMs?: number;
  /** Bound on keys kept live (one listener each), least recently used closed first. */
  maxLive?: number;
  /** How many refused (unknown or revoked) hashes are remembered. */
  maxRefused?: number;
  /** How long an unknown key is refused without a read. */
  unknownKeyTtlMs?: number;
  /** Start the lastUsedAt/idle timer (default true). */
  autoFlush?: boolean;
}

export function createApiKeyVerifier(opts: ApiKeyVerifierOptions): ApiKeyVerifier {
  const { db, clock, logger } = opts;
  const lastUsedFlushMs = opts.lastUsedFlushMs ?? 60_000;
  const keys = createStore(db).apiKeys;
  const refused = createRefusedApiKeys({ clock, maxEntries: opts.maxRefused ?? 10_000, unknownTtlMs: opts.unknownKeyTtlMs ?? 60_000 });
  const lastUsed = new Map<string, number>(); // hash -> ms, not yet written
  const live = createDocumentCache<ApiKeyDoc>({
    source: opts.lookup ?? firestoreApiKeyLookup(db),
    firstLoad: 'read', // an unknown key: one read, no listener
    logger,
    name: 'api_key', // no idLogField: a hash is never logged
    maxEntries: opts.maxLive ?? 10_000,
    idleMs: opts.idleMs ?? 10 * 60_000,
    clock,
    // What a read or a snapshot found: unknown and revoked keys leave the live cache for `refused`.
    keep: (hash, doc) => {
      if (doc && !doc.revokedAt) return true;
      if (doc) refused.revoked(hash);
      else refused.unknown(hash);
      return false;
    },
  });

  async function flushLastUsed(): Promise<void> {
    const due = [...lastUsed.entries()];
    lastUsed.clear();
    for (let i = 0; i < due.length; i += 400) {
      const batch = db.batch();
      for (const [hash, ms] of due.slice(i, i + 400)) batch.update(keys.doc(hash), { lastUsedAt: Timestamp.fromMillis(ms) });
      try {
        await batch.commit();
      } catch (err) {
        logger.warn({ event: 'api_key.last_used_failed', keys: due.length, err }, 'lastUsedAt not written; will retry');
        for (const [hash, ms] of due.slice(i, i + 400)) if (!lastUsed.has(hash)) lastUsed.set(hash, ms);
      }
    }
    live.sweep();
  }

  const timer =
    opts.autoFlush === false
      ? null
      : setInterval(() => {
          void flushLastUsed();
        }, lastUsedFlushMs);
  timer?.unref();

  return {
    async verify(secret) {
      if (!isWellFormedApiKey(secret)) return null;
      const hash = hashApiKeySecret(secret);
      if (refused.has(hash)) return null;
      const cached = live.peek(hash); // a live key: answered without waiting on another promise
      const doc = cached === undefined ? await live.get(hash) : cached;
      // refused.has: evicted (revoked on this instance) while the read was in flight.
      if (!doc || doc.revokedAt || refused.has(hash)) return null;
      lastUsed.set(hash, clock.now());
      return { keyId: doc.id, accountId: AccountId.parse(doc.accountId), createdBy: doc.createdBy };
    },
    evict(hash) {
      live.delete(hash);
      refused.revoked(hash);
      lastUsed.delete(hash);
    },
    created(hash) {
      refused.forget(hash);
    },
    flushLastUsed,
    async close() {
      if (timer) clearInterval(timer);
      await flushLastUsed();
      await live.close(); // waits (≤ 2 s) for listeners still opening: see document-cache.ts
    },
  };
}
