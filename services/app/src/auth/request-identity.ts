// The verified identity and the user's cached state, attached to the response by `authenticate`
// and read by the handlers after it. A handler that runs without `authenticate` in front is a
// programming error, not a client error.
import type { Response } from 'express';
import type { Identity } from '@billing/shared/identity/identity.js';
import type { UserDoc } from '@billing/shared/model/documents.js';

export interface RequestAuth {
  identity: Identity;
  /** The user's document as the per-instance cache last saw it (null just after creation). */
  user: UserDoc | null;
}

const auths = new WeakMap<Response, RequestAuth>();

export function setRequestAuth(res: Response, auth: RequestAuth): void {
  auths.set(res, auth);
}

export function requestAuth(res: Response): RequestAuth {
  const auth = auths.get(res);
  if (!auth) throw new Error('route mounted without the authenticate middleware');
  return auth;
}
