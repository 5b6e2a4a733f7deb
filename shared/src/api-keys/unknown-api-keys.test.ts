// What a flood of unknown API keys costs one instance, counted at the lookup port over the real
// Firestore emulator (issue 17, item 9): one read per distinct unknown key per TTL, no listener,
// and a bounded memory of refused keys.
import { randomBytes } from 'node:crypto';
import type { Firestore } from '@google-cloud/firestore';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../logging/logger.js';
import { AccountId } from '../model/ids.js';
import type { Clock } from '../ports/clock.js';
import { testFirestore, testProjectId } from '../testing/emulator.js';
import { firestoreApiKeyLookup, type ApiKeyLookup } from './api-key-lookup.js';
import { generateApiKeySecret } from './api-key-secret.js';
import { createApiKeyStore } from './api-key-store.js';
import { createApiKeyVerifier, type ApiKeyVerifierOptions } from './api-key-verifier.js';

// The first realtime listener of a test process takes seconds to open against the emulator.
beforeAll(async () => {
  const db = testFirestore();
  await new Promise<void>((resolve, reject) => {
    const stop = db.doc('warmup/listener').onSnapshot(() => {
      stop();
      resolve();
    }, reject);
  });
  await db.terminate();
});

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const alice = AccountId.parse('alice');
const unknownKey = () => `bk_${randomBytes(32).toString('base64url')}`;

/** The real Firestore lookup, counting what it opens. */
function countingLookup(db: Firestore): {
  lookup: ApiKeyLookup;
  opened: { reads: number; listeners: number };
  closed: { listeners: number };
} {
  const inner = firestoreApiKeyLookup(db);
  const opened = { reads: 0, listeners: 0 };
  const closed = { listeners: 0 };
  return {
    opened,
    closed,
    lookup: {
      read: (hash) => {
        opened.reads++;
        return inner.read(hash);
      },
      watch: (hash, onDoc, onError) => {
        opened.listeners++;
        const stop = inner.watch(hash, onDoc, onError);
        return () => {
          closed.listeners++;
          stop();
        };
      },
    },
  };
}

class SettableClock implements Clock {
  constructor(public t: number) {}
  now(): number {
    return this.t;
  }
}

function setup(options: Partial<ApiKeyVerifierOptions> = {}, db: Firestore = testFirestore(testProjectId('unknown-keys'))) {
  const clock = new SettableClock(Date.now());
  const { lookup, opened, closed } = countingLookup(db);
  const verifier = createApiKeyVerifier({ db, clock, logger: silentLogger(), autoFlush: false, lookup, ...options });
  cleanup.push(
    () => db.terminate(),
    () => verifier.close(),
  );
  return { db, clock, verifier, opened, closed };
}

describe('unknown API keys', () => {
  it('N distinct unknown keys presented M times (concurrently too) cost N reads and no listener', async () => {
    const { verifier, opened } = setup();
    const keys = Array.from({ length: 40 }, unknownKey);
    for (let round = 0; round < 5; round++) {
      // Each key twice at once in every round: concurrent requests with one key share one read.
      const results = await Promise.all([...keys, ...keys].map((k) => verifier.verify(k)));
      expect(results.every((r) => r === null)).toBe(true);
    }
    expect(opened).toEqual({ reads: 40, listeners: 0 });
  });

  it('a key that exists costs one read and one listener, however often it is used', async () => {
    const { db, verifier, opened } = setup();
    const created = await createApiKeyStore(db, { now: () => Date.now() }).create(alice, alice, 'ci');
    for (let i = 0; i < 20; i++)
      expect(await verifier.verify(created.key)).toEqual({ keyId: created.id, accountId: alice, createdBy: alice });
    expect(opened).toEqual({ reads: 1, listeners: 1 });
  });

  it('refuses an unknown key without a read for the TTL, then reads it again once', async () => {
    const { clock, verifier, opened } = setup({ unknownKeyTtlMs: 30_000 });
    const key = unknownKey();
    expect(await verifier.verify(key)).toBeNull();
    clock.t += 29_999;
    expect(await verifier.verify(key)).toBeNull();
    expect(opened.reads).toBe(1);
    clock.t += 1;
    expect(await verifier.verify(key)).toBeNull();
    expect(await verifier.verify(key)).toBeNull();
    expect(opened.reads).toBe(2);
  });

  it('more distinct unknown keys than the bound: the newest `maxRefused` stay refused without a read, the older ones cost one read each, never a listener', async () => {
    const { verifier, opened } = setup({ maxRefused: 10 });
    const keys = Array.from({ length: 25 }, unknownKey);
    for (const k of keys) expect(await verifier.verify(k)).toBeNull();
    expect(opened.reads).toBe(25);
    for (const k of keys.slice(15)) expect(await verifier.verify(k)).toBeNull(); // the 10 newest: remembered
    expect(opened.reads).toBe(25);
    for (const k of keys.slice(0, 15)) expect(await verifier.verify(k)).toBeNull(); // forgotten: one read each
    expect(opened).toEqual({ reads: 40, listeners: 0 });
  });

  it('a key this instance creates works at once even if its secret was refused as unknown a moment before; another instance admits it after the TTL', async () => {
    const projectId = testProjectId('unknown-keys');
    const a = setup({ unknownKeyTtlMs: 30_000 }, testFirestore(projectId));
    const b = setup({ unknownKeyTtlMs: 30_000 }, testFirestore(projectId));
    const secret = generateApiKeySecret();
    expect(await a.verifier.verify(secret.secret)).toBeNull();
    expect(await b.verifier.verify(secret.secret)).toBeNull();

    // What the app wires (services/app/src/usage/metering.ts): the store tells its own instance's verifier.
    const store = createApiKeyStore(a.db, a.clock, { generateSecret: () => secret, onCreated: (hash) => a.verifier.created(hash) });
    const created = await store.create(alice, alice, 'ci');
    expect(created.key).toBe(secret.secret);
    expect(await a.verifier.verify(secret.secret)).toEqual({ keyId: created.id, accountId: alice, createdBy: alice });

    // Instance b cannot know (impossible in practice: a secret is random; possible for a document
    // restored from a backup): it refuses for the rest of the TTL, then reads and admits.
    expect(await b.verifier.verify(secret.secret)).toBeNull();
    b.clock.t += 30_000;
    expect(await b.verifier.verify(secret.secret)).toEqual({ keyId: created.id, accountId: alice, createdBy: alice });
  });

  it('keeps at most `maxLive` keys live (least recently used closed first) and closes a key unused for `idleMs` at the next flush', async () => {
    const { db, clock, verifier, opened, closed } = setup({ maxLive: 2, idleMs: 60_000 });
    const store = createApiKeyStore(db, { now: () => Date.now() });
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((name) => store.create(alice, alice, name)));
    for (const key of [a, b, c]) expect(await verifier.verify(key!.key)).not.toBeNull();
    expect([opened, closed]).toEqual([{ reads: 3, listeners: 3 }, { listeners: 1 }]); // a closed for c
    for (const key of [b, c]) expect(await verifier.verify(key!.key)).not.toBeNull();
    expect(opened.reads).toBe(3); // still live
    expect(await verifier.verify(a!.key)).not.toBeNull();
    expect([opened, closed]).toEqual([{ reads: 4, listeners: 4 }, { listeners: 2 }]); // a read again, b closed

    clock.t += 30_000;
    expect(await verifier.verify(a!.key)).not.toBeNull();
    clock.t += 30_001; // c: unused for longer than idleMs; a: used 30 s ago
    await verifier.flushLastUsed();
    expect(closed.listeners).toBe(3);
    expect(await verifier.verify(a!.key)).not.toBeNull();
    expect(opened.reads).toBe(4);
  });
});
