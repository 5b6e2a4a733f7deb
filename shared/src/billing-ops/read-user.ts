// Fresh reads for billing operations: unlike access checks (served from the per-instance cache)
// these decide whether to create customers and subscriptions, so they read Firestore directly.
import type { Firestore } from '@google-cloud/firestore';
import { AppError } from '../errors/app-error.js';
import { createStore } from '../firestore/store.js';
import type { UserDoc } from '../model/documents.js';

export async function readUser(firestore: Firestore, userId: string): Promise<UserDoc> {
  const snap = await createStore(firestore).users.doc(userId).get();
  const user = snap.data();
  // The identity middleware creates the document on the first request, so this is a bug or a deleted user.
  if (!user) throw new AppError('not_found', 'User not found');
  return user;
}

/** The stored subscription's compare-and-set revision (null when not stored yet). */
export async function readSubscriptionRevision(firestore: Firestore, subscriptionId: string): Promise<number | null> {
  const snap = await createStore(firestore).subscriptions.doc(subscriptionId).get();
  return snap.data()?.version.revision ?? null;
}
