// The verified identity, the account the request acts for and the user's role in it, attached to
// the response by `authenticate` and read by the handlers after it. A handler that runs without
// `authenticate` in front is a programming error, not a client error.
import type { Response } from 'express';
import { AppError } from '@billing/shared/errors/app-error.js';
import type { Identity } from '@billing/shared/identity/identity.js';
import { canManageBilling, type AccountDoc, type Role } from '@billing/shared/model/account-documents.js';
import type { AccountId } from '@billing/shared/model/ids.js';

export interface RequestAuth {
  identity: Identity;
  /** The active account: the user's personal account unless they chose a team (header or switcher). */
  accountId: AccountId;
  role: Role;
  /** The account's document as the per-instance cache last saw it (null just after creation). */
  account: AccountDoc | null;
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

/** The request's auth, refused with 403 unless its role sees billing actions and invoices (owner, admin). */
export function billingManager(res: Response): RequestAuth {
  const auth = requestAuth(res);
  if (!canManageBilling(auth.role))
    throw new AppError('forbidden', "Only the account's owners and admins can manage billing", { role: auth.role });
  return auth;
}
