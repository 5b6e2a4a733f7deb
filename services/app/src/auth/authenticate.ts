// Every route behind IAP goes through this: verify the assertion, then load the user's state
// from the per-instance cache (no Firestore read in steady state) and create `users/{uid}` on
// the first request. Any failure of the assertion is a 401 with no data.
import type { Request, RequestHandler } from 'express';
import { unauthenticated } from '@billing/shared/errors/app-error.js';
import type { Firestore } from '@google-cloud/firestore';
import type { UserStateCache } from '@billing/shared/access/user-state-cache.js';
import { ensureUserDocument } from '@billing/shared/identity/ensure-user.js';
import { readCookie } from './cookies.js';
import { DEV_IAP_COOKIE } from './dev-iap.js';
import { IAP_HEADER, type IapVerifier } from './iap-verifier.js';
import { setRequestAuth } from './request-identity.js';

export interface AuthenticateOptions {
  verifier: IapVerifier;
  users: UserStateCache;
  firestore: Firestore;
  /** Dev mode only: also accept the assertion from the `__dev_iap` cookie. */
  devCookie: boolean;
  /** Dev mode only: send page navigations without a valid assertion here instead of a 401. */
  signInPath?: string | undefined;
}

export function authenticate(opts: AuthenticateOptions): RequestHandler {
  const tokenOf = (req: Request): string | undefined =>
    req.get(IAP_HEADER) ?? (opts.devCookie ? readCookie(req.get('cookie'), DEV_IAP_COOKIE) : undefined);

  return async (req, res, next) => {
    const token = tokenOf(req);
    let identity;
    try {
      if (!token) throw unauthenticated();
      identity = await opts.verifier.verify(token);
    } catch (err) {
      if (opts.signInPath && req.method === 'GET' && !req.path.startsWith('/api/') && req.accepts(['json', 'html']) === 'html') {
        res.redirect(303, `${opts.signInPath}?next=${encodeURIComponent(req.originalUrl)}`);
        return;
      }
      throw err;
    }
    let user = await opts.users.get(identity.userId);
    if (user === null || (identity.email !== null && user.email !== identity.email)) {
      // Rare: first request, or the email changed at the identity provider. The listener on the
      // document brings the cache up to date; this request proceeds with what it knows.
      await ensureUserDocument(opts.firestore, identity, user);
      if (user) user = { ...user, email: identity.email };
    }
    setRequestAuth(res, { identity, user });
    next();
  };
}
