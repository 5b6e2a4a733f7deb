// A user's first request creates their personal account, `accounts/{userId}`: create-if-absent,
// never a write per request. The personal account's only member is its user (its id says so: no
// membership document). The caller (the app's identity middleware) only calls this when its cached
// view of the account says it does not exist, or the user's email changed.
import { FieldValue, type Firestore } from '@google-cloud/firestore';
import { isAlreadyExists } from '../firestore/already-exists.js';
import { createStore } from '../firestore/store.js';
import type { Identity } from '../identity/identity.js';
import type { AccountDoc } from '../model/account-documents.js';

export async function ensurePersonalAccount(
  firestore: Firestore,
  identity: Identity,
  existing: AccountDoc | null,
): Promise<'created' | 'updated' | 'unchanged'> {
  const ref = createStore(firestore).accounts.doc(identity.userId);
  if (existing === null) {
    try {
      await ref.create({
        accountId: identity.userId,
        kind: 'personal',
        name: null,
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
