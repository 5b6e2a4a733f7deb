// Coalesced writes on the Firestore emulator: the writes of one event-loop turn leave in one
// BatchWrite RPC, and each still answers for itself as a lone create/update/delete would.
import type { Firestore } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TransientError } from '../errors/app-error.js';
import { testFirestore } from '../testing/emulator.js';
import { isAlreadyExists } from './already-exists.js';
import { createCoalescedWrites, type CoalescedWrites } from './coalesced-writes.js';

let db: Firestore;
let writes: CoalescedWrites;
beforeAll(() => {
  db = testFirestore();
  writes = createCoalescedWrites(db);
});
afterAll(async () => {
  await writes.close();
  await db.terminate();
});

const col = () => db.collection(`coalesced-${Math.random().toString(36).slice(2)}`);

describe('coalesced writes', () => {
  it('sends the writes of one turn in one BatchWrite, and each write answers for itself', async () => {
    const c = col();
    await c.doc('taken').create({ n: 0 });
    const recorded: string[] = [];
    const client = db as unknown as { request: (method: string, ...rest: unknown[]) => Promise<unknown> };
    const original = client.request.bind(db);
    const spy = vi.spyOn(client, 'request').mockImplementation((method: string, ...rest: unknown[]) => {
      recorded.push(method);
      return original(method, ...rest);
    });
    try {
      const outcomes = await Promise.allSettled([
        writes.create(c.doc('a'), { n: 1 }),
        writes.create(c.doc('taken'), { n: 2 }),
        writes.update(c.doc('missing'), { n: 3 }),
        writes.create(c.doc('b'), { n: 4 }),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
      expect(isAlreadyExists((outcomes[1] as PromiseRejectedResult).reason)).toBe(true);
      expect((outcomes[2] as PromiseRejectedResult).reason).toMatchObject({ code: 5 }); // NOT_FOUND
      expect(recorded).toEqual(['batchWrite']);
    } finally {
      spy.mockRestore();
    }
    expect((await c.doc('a').get()).data()).toEqual({ n: 1 });
    expect((await c.doc('taken').get()).data()).toEqual({ n: 0 });
    expect((await c.doc('b').get()).data()).toEqual({ n: 4 });
  });

  it('sends a write issued in a later turn in a batch of its own, without waiting for more', async () => {
    const c = col();
    await writes.create(c.doc('first'), { n: 1 });
    await writes.update(c.doc('first'), { n: 2 });
    await writes.delete(c.doc('first'));
    expect((await c.doc('first').get()).exists).toBe(false);
  });

  it('finishes queued writes on close, then refuses new ones as transient (a call racing shutdown retries)', async () => {
    const own = createCoalescedWrites(db);
    const c = col();
    const queued = own.create(c.doc('late'), { n: 1 });
    await own.close();
    await queued;
    expect((await c.doc('late').get()).exists).toBe(true);
    await expect(own.create(c.doc('after'), { n: 1 })).rejects.toBeInstanceOf(TransientError);
  });
});
