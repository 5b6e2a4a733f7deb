// Resolves `Authorization: Bearer bk_...` to its owner, without a Firestore read per request and
// without a write per request.
//
// Cache and revocation (stated): the first request with a key reads its document through a
// snapshot listener that stays open while the key is in use (closed after `idleMs` without use).
// A revocation therefore reaches every instance as soon as Firestore pushes the change (well under
// a second), and the revoking instance evicts the key itself before answering. If a listener
// fails, its entry is dropped and the next request reads again. Unknown and revoked keys are
// remembered as refused for a while (a revoked key never comes back; an unknown secret cannot be
// created later, ids are random), so replaying one costs no read.
//
// `lastUsedAt` is coalesced: kept in memory and written at most once per `lastUsedFlushMs` per key
// per instance (default one minute), and at close().
//
// Malformed keys are refused before any lookup. Nothing here ever logs a secret or a hash.
import { Timestamp, type Firestore } from '@google-cloud/firestore';
import type { Logger } from '../logging/logger.js';
import { UserId } from '../model/ids.js';
import type { Clock } from '../ports/clock.js';
import { apiKeyCollection, type ApiKeyDoc } from './api-key-documents.js';
import { hashApiKeySecret, isWellFormedApiKey } from './api-key-secret.js';

export interface ApiKeyPrincipal {
  readonly keyId: string;
  readonly userId: UserId;
}

export interface ApiKeyVerifier {
  /** The key's owner, or null for a malformed, unknown or revoked key. */
  verify(secret: string): Promise<ApiKeyPrincipal | null>;
  /** Refuse the key on this instance at once (called by the revoke route). */
  evict(hash: string): void;
  /** Write coalesced lastUsedAt stamps. */
  flushLastUsed(): Promise<void>;
  close(): Promise<void>;
}

export interface ApiKeyVerifierOptions {
  db: Firestore;
  clock: Clock;
  logger: Logger;
  lastUsedFlushMs?: number;
  idleMs?: number;
  maxRefused?: number;
  /** Start the lastUsedAt/idle timer (default true). */
  autoFlush?: boolean;
}

interface Entry {
  doc: Promise<ApiKeyDoc | null>;
  unsubscribe: () => void;
  lastAccess: number;
}

export function createApiKeyVerifier(opts: ApiKeyVerifierOptions): ApiKeyVerifier {
  const { db, clock, logger } = opts;
  const lastUsedFlushMs = opts.lastUsedFlushMs ?? 60_000;
  const idleMs = opts.idleMs ?? 10 * 60_000;
  const maxRefused = opts.maxRefused ?? 10_000;
  const keys = apiKeyCollection(db);
  const live = new Map<string, Entry>();
  const refused = new Map<string, number>(); // hash -> when
  const lastUsed = new Map<string, number>(); // hash -> ms, not yet written

  function refuse(hash: string): void {
    live.get(hash)?.unsubscribe();
    live.delete(hash);
    if (refused.size >= maxRefused) refused.clear();
    refused.set(hash, clock.now());
  }

  function listen(hash: string): Entry {
    let settle: (doc: ApiKeyDoc | null) => void = () => undefined;
    let fail: (err: unknown) => void = () => undefined;
    const first = new Promise<ApiKeyDoc | null>((resolve, reject) => {
      settle = resolve;
      fail = reject;
    });
    const entry: Entry = { doc: first, unsubscribe: () => undefined, lastAccess: clock.now() };
    entry.unsubscribe = keys.doc(hash).onSnapshot(
      (snap) => {
        const doc = snap.exists ? (snap.data() ?? null) : null;
        settle(doc); // first snapshot answers the waiting request; later ones replace the entry's value
        entry.doc = Promise.resolve(doc);
        if (!doc || doc.revokedAt) refuse(hash);
      },
      (err) => {
        logger.warn({ event: 'api_key.listener_failed', err }, 'API key listener failed; the next request reads again');
        if (live.get(hash) === entry) live.delete(hash);
        fail(err);
      },
    );
    return entry;
  }

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
    const now = clock.now();
    for (const [hash, entry] of live) {
      if (now - entry.lastAccess > idleMs) {
        entry.unsubscribe();
        live.delete(hash);
      }
    }
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
      let entry = live.get(hash);
      if (!entry) {
        entry = listen(hash);
        live.set(hash, entry);
      }
      entry.lastAccess = clock.now();
      const doc = await entry.doc;
      if (!doc || doc.revokedAt || refused.has(hash)) return null;
      lastUsed.set(hash, clock.now());
      return { keyId: doc.id, userId: UserId.parse(doc.userId) };
    },
    evict(hash) {
      refuse(hash);
      lastUsed.delete(hash);
    },
    flushLastUsed,
    async close() {
      if (timer) clearInterval(timer);
      await flushLastUsed();
      for (const entry of live.values()) entry.unsubscribe();
      live.clear();
    },
  };
}
