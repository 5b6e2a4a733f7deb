// The keys this instance refuses without a lookup, by hash: unknown keys for a short while, revoked
// keys until pushed out. Bounded: at most `maxEntries` hashes (the oldest remembered is forgotten
// first), so a flood of distinct unknown keys cannot grow memory; a forgotten hash costs one read
// the next time it is presented, nothing more.
//
// Why unknown keys are forgotten after `unknownTtlMs` although a random secret cannot be created
// later: a key's document can appear after this instance looked for it without this instance
// creating it (restored from a backup after a deletion by mistake, infra/README.md "Restore
// Firestore"); it then works everywhere within the TTL. Keys this instance creates are forgotten
// at once (forget), without waiting.
import type { Clock } from '../ports/clock.js';

export interface RefusedApiKeys {
  has(hash: string): boolean;
  /** No such key: refused for `unknownTtlMs`. */
  unknown(hash: string): void;
  /** Revoked (a revoked key never comes back): refused until pushed out by newer entries. */
  revoked(hash: string): void;
  /** The key exists now (this instance just created it). */
  forget(hash: string): void;
  readonly size: number;
}

export interface RefusedApiKeysOptions {
  clock: Clock;
  maxEntries: number;
  unknownTtlMs: number;
}

export function createRefusedApiKeys({ clock, maxEntries, unknownTtlMs }: RefusedApiKeysOptions): RefusedApiKeys {
  const until = new Map<string, number>(); // hash -> refused until (ms); insertion order = age

  function remember(hash: string, expiresAt: number): void {
    until.delete(hash); // re-inserted as the newest
    for (const oldest of until.keys()) {
      if (until.size < maxEntries) break;
      until.delete(oldest);
    }
    until.set(hash, expiresAt);
  }

  return {
    has(hash) {
      const expiresAt = until.get(hash);
      if (expiresAt === undefined) return false;
      if (clock.now() < expiresAt) return true;
      until.delete(hash);
      return false;
    },
    unknown(hash) {
      remember(hash, clock.now() + unknownTtlMs);
    },
    revoked(hash) {
      remember(hash, Number.POSITIVE_INFINITY);
    },
    forget(hash) {
      until.delete(hash);
    },
    get size() {
      return until.size;
    },
  };
}
