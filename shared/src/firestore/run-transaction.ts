// Firestore's runTransaction, run again when the transaction was closed under it: the emulator
// closes a contended transaction ("Transaction is invalid or closed", INVALID_ARGUMENT), and one can
// expire, which the client does not retry as it retries ABORTED. Bounded: still closed after
// MAX_RUNS, the work fails as a TransientError (a request answers 503 with Retry-After; nothing was
// written). The event applier's runVersioned retries the same errors in its own loop.
import type { Firestore, Transaction } from '@google-cloud/firestore';
import { TransientError } from '../errors/app-error.js';
import { isTransactionGone } from './classify-firestore-error.js';

const MAX_RUNS = 5;

export async function runTransaction<T>(db: Firestore, body: (tx: Transaction) => Promise<T>): Promise<T> {
  for (let run = 1; ; run++) {
    try {
      return await db.runTransaction(body);
    } catch (err) {
      if (!isTransactionGone(err)) throw err;
      if (run >= MAX_RUNS) throw new TransientError(`transaction closed under it ${run} times`, { cause: err });
    }
  }
}
