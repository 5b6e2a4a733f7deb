import type { Firestore } from '@google-cloud/firestore';
import { describe, expect, it } from 'vitest';
import { TransientError } from '../errors/app-error.js';
import { runTransaction } from './run-transaction.js';

const closed = () => Object.assign(new Error('3 INVALID_ARGUMENT: Transaction is invalid or closed.'), { code: 3 });

/** A client whose first `failures` transactions fail with `error`, then run the body with no transaction. */
function client(failures: number, error: () => Error): Firestore & { runs: number } {
  const c = {
    runs: 0,
    runTransaction: (body: (tx: unknown) => Promise<unknown>) => {
      c.runs++;
      return c.runs <= failures ? Promise.reject(error()) : body({});
    },
  };
  return c as unknown as Firestore & { runs: number };
}

describe('runTransaction', () => {
  it('runs again a transaction closed under it, and answers what the body answers', async () => {
    const db = client(2, closed);
    expect(await runTransaction(db, () => Promise.resolve('done'))).toBe('done');
    expect(db.runs).toBe(3);
  });

  it('gives up as transient after five closed runs', async () => {
    const db = client(99, closed);
    await expect(runTransaction(db, () => Promise.resolve('never'))).rejects.toBeInstanceOf(TransientError);
    expect(db.runs).toBe(5);
  });

  it('does not run again any other failure', async () => {
    const refused = Object.assign(new Error('3 INVALID_ARGUMENT: Document name "x/" has invalid trailing "/".'), { code: 3 });
    const db = client(1, () => refused);
    await expect(runTransaction(db, () => Promise.resolve('never'))).rejects.toBe(refused);
    expect(db.runs).toBe(1);
  });
});
