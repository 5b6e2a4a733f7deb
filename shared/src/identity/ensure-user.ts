// First request of a user creates `users/{uid}`: create-if-absent, never a write per request.
// The caller (the app's identity middleware) only calls this when its cached view of the
// document says it does not exist, or the email changed.
import { FieldValue, type Firestore } from '@google-cloud/firestore';
import { Collection } from '../model/collections.js';
import type { UserDoc } from '../model/documents.js';
import type { Identity } from './identity.js';

/** gRPC ALREADY_EXISTS: another request or instance created the document first, which is fine. */
const ALREADY_EXISTS = 6;

export async function ensureUserDocument(firestore: Firestore, identity: Identity, existing: UserDoc | null): Promise<'created' | 'updated' | 'unchanged'> {
  const ref = firestore.collection(Collection.users).doc(identity.userId);
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
      if (isGrpcCode(err, ALREADY_EXISTS)) return 'unchanged';
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

function isGrpcCode(err: unknown, code: number): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === code;
}
