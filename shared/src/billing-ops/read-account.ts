// Fresh reads for billing operations: unlike access checks (served from the per-instance cache)
// these decide whether to create customers and subscriptions, so they read Firestore directly.
import type { Firestore } from '@google-cloud/firestore';
import { AppError } from '../errors/app-error.js';
import { createStore } from '../firestore/store.js';
import type { AccountDoc } from '../model/account-documents.js';

export async function readAccount(firestore: Firestore, accountId: string): Promise<AccountDoc> {
  const snap = await createStore(firestore).accounts.doc(accountId).get();
  const account = snap.data();
  // The identity middleware creates a personal account on the first request, and a team exists
  // before anyone acts for it: missing is a bug or a deleted account.
  if (!account) throw new AppError('not_found', 'Account not found');
  return account;
}

/** The stored subscription's compare-and-set revision (null when not stored yet). */
export async function readSubscriptionRevision(firestore: Firestore, subscriptionId: string): Promise<number | null> {
  const snap = await createStore(firestore).subscriptions.doc(subscriptionId).get();
  return snap.data()?.version.revision ?? null;
}
