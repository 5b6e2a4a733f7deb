import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Firestore } from '@google-cloud/firestore';
import { silentLogger } from '../logging/logger.js';
import { testFirestore } from '../testing/emulator.js';
import { billingSummaryFixture, accountDocFixture } from '../testing/billing-summary-fixture.js';
import { createAccountStateCache, type AccountStateCache } from './account-state-cache.js';

let firestore: Firestore;
let cache: AccountStateCache;

beforeAll(async () => {
  firestore = testFirestore();
  await firestore.doc('warmup/x').get(); // the first call of a fresh client is slow here
});
afterEach(() => cache.close());
afterAll(async () => {
  await firestore.terminate();
});

async function eventually<T>(read: () => Promise<T>, done: (v: T) => boolean, withinMs: number): Promise<{ value: T; ms: number }> {
  const start = Date.now();
  for (;;) {
    const value = await read();
    if (done(value)) return { value, ms: Date.now() - start };
    if (Date.now() - start > withinMs) throw new Error(`condition not met within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('user state cache', () => {
  it('serves repeated reads from one listener and sees a cancellation within seconds', async () => {
    cache = createAccountStateCache({ firestore, logger: silentLogger(), ttlMs: 60_000, maxEntries: 100 });
    await firestore.doc('accounts/u1').set(accountDocFixture('u1', billingSummaryFixture()));
    expect((await cache.get('u1'))?.billing?.status).toBe('active');
    for (let i = 0; i < 50; i++) await cache.get('u1');
    expect(cache.stats()).toMatchObject({ loads: 1, hits: 50 });

    await firestore.doc('accounts/u1').update({ 'billing.status': 'canceled' });
    const { ms } = await eventually(
      () => cache.get('u1'),
      (u) => u?.billing?.status === 'canceled',
      3_000,
    );
    expect(ms).toBeLessThan(3_000);
    expect(cache.stats().loads).toBe(1);
  });

  it('reports a missing document as null, then picks up its creation', async () => {
    cache = createAccountStateCache({ firestore, logger: silentLogger(), ttlMs: 60_000, maxEntries: 100 });
    expect(await cache.get('u2')).toBeNull();
    await firestore.doc('accounts/u2').set(accountDocFixture('u2', null));
    await eventually(
      () => cache.get('u2'),
      (u) => u?.accountId === 'u2',
      3_000,
    );
  });

  it('bounds the number of listeners (LRU) and re-subscribes after the TTL', async () => {
    let now = 1_000_000;
    cache = createAccountStateCache({ firestore, logger: silentLogger(), ttlMs: 10_000, maxEntries: 2, clock: { now: () => now } });
    await Promise.all(['a', 'b', 'c'].map((id) => cache.get(id)));
    await cache.get('d');
    expect(cache.stats().size).toBe(2);
    await cache.get('a');
    await cache.get('a');
    const loads = cache.stats().loads;
    now += 10_000;
    await cache.get('a');
    expect(cache.stats().loads).toBe(loads + 1);
  });

  it('fails loudly on a malformed document instead of caching it', async () => {
    cache = createAccountStateCache({ firestore, logger: silentLogger(), ttlMs: 60_000, maxEntries: 100 });
    await firestore.doc('accounts/bad').set({ accountId: 'bad', billing: 'nope' });
    await expect(cache.get('bad')).rejects.toThrow(/AccountDoc schema/);
    expect(cache.stats().size).toBe(0);
  });
});
