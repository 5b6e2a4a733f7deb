// runVersioned on the Firestore emulator, with a client that fails the way Firestore does: a
// transaction closed under it is run again, a write Firestore refuses is not.
import type { Firestore } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransientError } from '../errors/app-error.js';
import { testFirestore } from '../testing/emulator.js';
import { runVersioned } from './versioned-write.js';

let db: Firestore;
beforeAll(() => {
  db = testFirestore();
});
afterAll(async () => {
  await db.terminate();
});

const grpcError = (message: string) => Object.assign(new Error(message), { code: 3 }); // INVALID_ARGUMENT

/** The same client, whose first `failures` transactions fail with `error` before running. */
function failingFirst(failures: number, error: () => Error): Firestore {
  let left = failures;
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop !== 'runTransaction') return Reflect.get(target, prop, receiver) as unknown;
      return (...args: Parameters<Firestore['runTransaction']>) => {
        if (left-- > 0) return Promise.reject(error());
        return target.runTransaction(...args);
      };
    },
  });
}

const stamp = { eventId: null, created: 0 };
const ref = () => db.collection('versioned').doc(`doc-${Math.random().toString(36).slice(2)}`);

describe('runVersioned', () => {
  it('runs again a transaction the emulator closed under contention ("Transaction is invalid or closed")', async () => {
    const doc = ref();
    const client = failingFirst(2, () => grpcError('3 INVALID_ARGUMENT: Transaction is invalid or closed.'));
    const result = await runVersioned(client, stamp, (ctx) => {
      ctx.tx.set(doc, { n: 1 });
      return Promise.resolve('done');
    });
    expect(result).toBe('done');
    expect((await doc.get()).data()).toEqual({ n: 1 });
  });

  it('gives up as transient when every attempt finds its transaction closed', async () => {
    const client = failingFirst(99, () => grpcError('3 INVALID_ARGUMENT: Transaction is invalid or closed.'));
    await expect(runVersioned(client, stamp, () => Promise.resolve('never'), 3)).rejects.toBeInstanceOf(TransientError);
  });

  it('does not run again a write Firestore refuses (INVALID_ARGUMENT about the request)', async () => {
    let runs = 0;
    const refused = grpcError('3 INVALID_ARGUMENT: Document name "x/" has invalid trailing "/".');
    const client = failingFirst(1, () => {
      runs++;
      return refused;
    });
    await expect(runVersioned(client, stamp, () => Promise.resolve('never'))).rejects.toBe(refused);
    expect(runs).toBe(1);
  });
});
