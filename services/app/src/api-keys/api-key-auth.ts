// Authentication for programmatic routes (/v1/*): `Authorization: Bearer bk_...` (an API key), or
// else a valid IAP assertion. An unknown, revoked or malformed key is a 401 that costs nothing:
// no usage is recorded and nothing is written (a malformed key is not even looked up; an unknown
// one costs one Firestore read, then nothing for a minute: api-key-verifier.ts). A request that
// carries a key is judged by the key alone, never by a cookie or header beside it.
//
// Deployment note: IAP in front of the service refuses requests without a Google identity, so
// /v1/* must reach the app through a path without IAP (a second backend or service); the app
// verifies the IAP assertion itself whenever there is no API key, so that path is not a bypass.
import type { Request, RequestHandler, Response } from 'express';
import type { ApiKeyVerifier } from '@billing/shared/api-keys/api-key-verifier.js';
import { unauthenticated } from '@billing/shared/errors/app-error.js';
import type { AccountId } from '@billing/shared/model/ids.js';
import type { AccountChooser } from '../auth/authenticate.js';
import { IAP_HEADER, type IapVerifier } from '../auth/iap-verifier.js';

export interface Principal {
  readonly accountId: AccountId;
  /** The member the usage is attributed to: the IAP user, or the member who created the key (null: a key made before accounts). */
  readonly userId: string | null;
  /** The API key's id, or null when the caller came through IAP. */
  readonly keyId: string | null;
}

const principals = new WeakMap<Response, Principal>();

export function requestPrincipal(res: Response): Principal {
  const principal = principals.get(res);
  if (!principal) throw new Error('programmatic route mounted without apiKeyOrIap');
  return principal;
}

function bearerOf(req: Request): string | null {
  const header = req.get('authorization');
  if (header === undefined) return null;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? '';
}

export function apiKeyOrIap(opts: { keys: ApiKeyVerifier; iap: IapVerifier; choose: AccountChooser }): RequestHandler {
  return async (req, res, next) => {
    const bearer = bearerOf(req);
    if (bearer !== null) {
      const key = bearer === '' ? null : await opts.keys.verify(bearer);
      if (!key) throw unauthenticated('Invalid API key');
      principals.set(res, { accountId: key.accountId, userId: key.createdBy, keyId: key.keyId });
      next();
      return;
    }
    const assertion = req.get(IAP_HEADER);
    if (!assertion) throw unauthenticated('Send Authorization: Bearer <API key>');
    const identity = await opts.iap.verify(assertion);
    // Through IAP the caller acts for the account it chooses, as on the page (X-Billing-Account).
    const { accountId } = await opts.choose(req, identity);
    principals.set(res, { accountId, userId: identity.userId, keyId: null });
    next();
  };
}
