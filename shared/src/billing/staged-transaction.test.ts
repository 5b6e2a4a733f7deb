import type { DocumentReference, DocumentSnapshot, Transaction } from '@google-cloud/firestore';
import { afterEach, describe, expect, it } from 'vitest';
import { StagedTransaction } from './staged-transaction.js';

const ref = (path: string) => ({ path }) as DocumentReference<never>;

/** A transaction whose reads fail, as one the emulator closed under contention does. */
function closedTransaction(): Transaction {
  const closed = () => Promise.reject(new Error('3 INVALID_ARGUMENT: Transaction is invalid or closed.'));
  return { get: closed, getAll: closed } as unknown as Transaction;
}

/** Reads answer from `docs` (path -> data; absent: the document does not exist). */
function transactionOver(docs: Record<string, unknown>): Transaction {
  const snapshot = (r: DocumentReference) => ({ ref: r, data: () => docs[r.path] }) as unknown as DocumentSnapshot;
  return {
    get: (r: DocumentReference) => Promise.resolve(snapshot(r)),
    getAll: (...refs: DocumentReference[]) => Promise.resolve(refs.map(snapshot)),
  } as unknown as Transaction;
}

const unhandled: unknown[] = [];
const record = (reason: unknown) => unhandled.push(reason);

afterEach(() => {
  process.off('unhandledRejection', record);
  unhandled.length = 0;
});

/** Lets Node run its unhandled-rejection check (it runs after the microtask queue drains). */
const afterRejectionCheck = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('StagedTransaction', () => {
  it('a failed prefetch rejects its caller and leaves no unhandled rejection for the documents never read again', async () => {
    process.on('unhandledRejection', record);
    const tx = new StagedTransaction(closedTransaction());
    await expect(tx.prefetch([ref('accounts/a'), ref('customers/c'), ref('entitlements/e')])).rejects.toThrow('invalid or closed');
    await afterRejectionCheck();
    expect(unhandled).toEqual([]);
  });

  it('a later read of a document whose prefetch failed still sees the failure', async () => {
    const tx = new StagedTransaction(closedTransaction());
    await expect(tx.prefetch([ref('accounts/a')])).rejects.toThrow('invalid or closed');
    await expect(tx.get(ref('accounts/a'))).rejects.toThrow('invalid or closed');
  });

  it('serves prefetched documents from memory and staged sets over stored ones', async () => {
    const tx = new StagedTransaction(transactionOver({ 'accounts/a': { plan: 'pro' } }));
    await tx.prefetch([ref('accounts/a'), ref('customers/missing')]);
    expect(await tx.get(ref('accounts/a'))).toEqual({ plan: 'pro' });
    expect(await tx.get(ref('customers/missing'))).toBeUndefined();
    tx.set(ref('accounts/a'), { plan: 'team' } as never);
    expect(await tx.get(ref('accounts/a'))).toEqual({ plan: 'team' });
  });
});
