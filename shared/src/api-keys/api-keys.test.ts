import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error.js';
import { silentLogger } from '../logging/logger.js';
import { Collection } from '../model/collections.js';
import { AccountId } from '../model/ids.js';
import { systemClock } from '../ports/clock.js';
import { testFirestore, testProjectId } from '../testing/emulator.js';
import { isWellFormedApiKey } from './api-key-secret.js';
import { createApiKeyStore } from './api-key-store.js';
import { createApiKeyVerifier, type ApiKeyVerifier } from './api-key-verifier.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

function setup() {
  const projectId = testProjectId('keys');
  const dbA = testFirestore(projectId);
  const dbB = testFirestore(projectId);
  const verifier = (db: typeof dbA): ApiKeyVerifier => {
    const v = createApiKeyVerifier({ db, clock: systemClock, logger: silentLogger(), autoFlush: false });
    cleanup.push(() => v.close());
    return v;
  };
  cleanup.push(
    () => dbA.terminate(),
    () => dbB.terminate(),
  );
  return { dbA, dbB, store: createApiKeyStore(dbA, systemClock), a: verifier(dbA), b: verifier(dbB) };
}

const alice = AccountId.parse('alice');
const bob = AccountId.parse('bob');

async function until(check: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('API keys', () => {
  it('shows the secret once and stores only its SHA-256 hash and a display prefix', async () => {
    const { dbA, store } = setup();
    const created = await store.create(alice, alice, 'ci');
    expect(isWellFormedApiKey(created.key)).toBe(true);
    expect(created.prefix).toBe(created.key.slice(0, 11));
    const hash = createHash('sha256').update(created.key).digest('hex');
    const stored = await dbA.collection(Collection.apiKeys).doc(hash).get();
    expect(stored.exists).toBe(true);
    const raw = JSON.stringify(stored.data());
    expect(raw).not.toContain(created.key);
    expect(raw).not.toContain(created.key.slice(11));
    expect(Object.keys(stored.data() ?? {}).sort()).toEqual([
      'accountId',
      'createdAt',
      'createdBy',
      'id',
      'lastUsedAt',
      'name',
      'prefix',
      'revokedAt',
    ]);

    const listed = await store.list(alice);
    expect(listed).toEqual([
      { id: created.id, name: 'ci', createdBy: alice, prefix: created.prefix, createdAt: created.createdAt, lastUsedAt: null },
    ]);
    expect(JSON.stringify(listed)).not.toContain(created.key);
    expect(await store.list(bob)).toEqual([]);
  });

  it('renames and revokes only the owner key; another user gets 404', async () => {
    const { store } = setup();
    const created = await store.create(alice, alice, 'old');
    expect((await store.rename(alice, created.id, 'new')).name).toBe('new');
    const err = await store.revoke(bob, created.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(404);
    await store.revoke(alice, created.id);
    await store.revoke(alice, created.id); // idempotent
    expect(await store.list(alice)).toEqual([]);
  });

  it('verifies a key on two instances and refuses it on both as soon as it is revoked', async () => {
    const { store, a, b } = setup();
    const created = await store.create(alice, alice, 'prod');
    expect(await a.verify(created.key)).toEqual({ keyId: created.id, accountId: alice, createdBy: alice });
    expect(await b.verify(created.key)).toEqual({ keyId: created.id, accountId: alice, createdBy: alice });

    const { hash } = await store.revoke(alice, created.id);
    a.evict(hash); // what the revoke route does on its own instance
    expect(await a.verify(created.key)).toBeNull();
    const revokedAt = Date.now();
    await until(async () => (await b.verify(created.key)) === null); // the other instance, through its listener
    expect(Date.now() - revokedAt).toBeLessThan(2_000);
  });

  it('refuses malformed and unknown keys without writing anything, and coalesces lastUsedAt', async () => {
    const { dbA, store, a } = setup();
    const created = await store.create(alice, alice, 'x');
    const ref = dbA.collection(Collection.apiKeys).doc(createHash('sha256').update(created.key).digest('hex'));
    const before = (await ref.get()).updateTime;

    for (const bad of ['', 'Bearer', 'bk_short', `sk_${created.key.slice(3)}`, `${created.key.slice(0, -1)}!`])
      expect(await a.verify(bad)).toBeNull();
    expect(await a.verify(`bk_${'A'.repeat(43)}`)).toBeNull(); // well-formed, unknown

    for (let i = 0; i < 100; i++) expect(await a.verify(created.key)).not.toBeNull();
    expect((await ref.get()).updateTime?.isEqual(before!)).toBe(true); // 100 uses, no write yet
    await a.flushLastUsed();
    const after = await ref.get();
    expect(after.get('lastUsedAt')).not.toBeNull();
    expect((await store.list(alice))[0]?.lastUsedAt).not.toBeNull();
    expect((await dbA.collection(Collection.apiKeys).get()).size).toBe(1); // nothing created by the bad keys
  });
});
