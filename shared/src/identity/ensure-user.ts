// First request of a user creates `users/{uid}`: create-if-absent, never a write per request.
// The caller (the app's identity middleware) only calls this when its cached view of the
// document says it does not exist, or the email changed.
import { FieldValue, type Firestore } from '@google-cloud/firestore';
import { isAlreadyExists } from '../firestore/already-exists.js';
import { createStore } from '../firestore/store.js';
import type { UserDoc } from '../model/documents.js';
import type { Identity } from './identity.js';

export async function ensureUserDocument(firestore: Firestore, identity: Identity, existing: UserDoc | null): Promise<'created' | 'updated' | 'unchanged'> {
  const ref = createStore(firestore).users.doc(identity.userId);
  if (existing === null) {
    try {
      await ref.create({
        userId: identity.userId,
        email: identity.email,
        stripeCustomerId: null,
        billing: null,
        createdAt: FieldValue.serverTimestamp(),
        updatedAt: FieldValue.serverTimestamp(),
      });
      return 'created';
    } catch (err) {
      if (isAlreadyExists(err)) return 'unchanged'; // another request or instance created it first: fine
      throw err;
    }
  }
  if (identity.email !== null && existing.email !== identity.email) {
    // Only the email field: the applier owns `billing` and `stripeCustomerId`.
    await ref.update({ email: identity.email, updatedAt: FieldValue.serverTimestamp() });
    return 'updated';
  }
  return 'unchanged';
}
