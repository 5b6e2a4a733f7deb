// Every route behind IAP goes through this: verify the assertion, choose the account the request
// acts for, and load its state and the user's role from the per-instance caches (no Firestore read
// in steady state). The first request creates the user's personal account. Any failure of the
// assertion is a 401 with no data.
//
// The active account: `X-Billing-Account` (API calls) or the `billing_account` cookie (the page's
// switcher); neither, or the user's own id, is the personal account. A header naming an account
// the user is not a member of is a 403; a stale cookie (the user was removed) falls back to the
// personal account, so the page never locks its user out.
import type { Request, RequestHandler } from 'express';
import type { AccountStateCache } from '@billing/shared/access/account-state-cache.js';
import { ensurePersonalAccount } from '@billing/shared/accounts/ensure-personal-account.js';
import { AppError, badRequest, unauthenticated } from '@billing/shared/errors/app-error.js';
import type { Identity } from '@billing/shared/identity/identity.js';
import { AccountId } from '@billing/shared/model/ids.js';
import type { Firestore } from '@google-cloud/firestore';
import { readCookie } from './cookies.js';
import { DEV_IAP_COOKIE } from './dev-iap.js';
import { IAP_HEADER, type IapVerifier } from './iap-verifier.js';
import { setRequestAuth, type RequestAuth } from './request-identity.js';

export const ACCOUNT_HEADER = 'x-billing-account';
export const ACCOUNT_COOKIE = 'billing_account';

export interface AuthenticateOptions {
  verifier: IapVerifier;
  accounts: AccountStateCache;
  firestore: Firestore;
  /** Dev mode only: also accept the assertion from the `__dev_iap` cookie. */
  devCookie: boolean;
  /** Dev mode only: send page navigations without a valid assertion here instead of a 401. */
  signInPath?: string | undefined;
}

/** Chooses the account a request acts for (see the top of this file); shared with /v1's IAP path. */
export type AccountChooser = (req: Request, identity: Identity) => Promise<RequestAuth>;

export function accountChooser(opts: Pick<AuthenticateOptions, 'accounts' | 'firestore'>): AccountChooser {
  /** The user's personal account, created on their first request. */
  async function personal(identity: Identity): Promise<RequestAuth> {
    const accountId = AccountId.parse(identity.userId);
    let account = await opts.accounts.get(accountId);
    if (account === null || (identity.email !== null && account.email !== identity.email)) {
      // Rare: first request, or the email changed at the identity provider. The listener on the
      // document brings the cache up to date; this request proceeds with what it knows.
      await ensurePersonalAccount(opts.firestore, identity, account);
      if (account) account = { ...account, email: identity.email };
    }
    return { identity, accountId, role: 'owner', account };
  }

  /** A team account the user is a member of; null when they are not (or it is gone). */
  async function team(identity: Identity, accountId: AccountId): Promise<RequestAuth | null> {
    const membership = await opts.accounts.membership(accountId, identity.userId);
    if (!membership) return null;
    const account = await opts.accounts.get(accountId);
    if (!account) return null;
    return { identity, accountId, role: membership.role, account };
  }

  return async (req, identity) => {
    const header = req.get(ACCOUNT_HEADER);
    if (header !== undefined) {
      const parsed = AccountId.safeParse(header.trim());
      if (!parsed.success) throw badRequest(`${ACCOUNT_HEADER} must be an account id`);
      if (parsed.data === String(identity.userId)) return personal(identity);
      const auth = await team(identity, parsed.data);
      if (!auth) throw new AppError('forbidden', 'You are not a member of this account');
      return auth;
    }
    // Parsed only when present: most requests carry no cookie, and a failed parse builds an error (~2 µs).
    const cookieValue = readCookie(req.get('cookie'), ACCOUNT_COOKIE);
    const cookie = cookieValue === undefined ? null : AccountId.safeParse(cookieValue);
    if (cookie?.success && cookie.data !== String(identity.userId)) {
      const auth = await team(identity, cookie.data);
      if (auth) return auth;
    }
    return personal(identity);
  };
}

export function authenticate(opts: AuthenticateOptions): RequestHandler {
  const tokenOf = (req: Request): string | undefined =>
    req.get(IAP_HEADER) ?? (opts.devCookie ? readCookie(req.get('cookie'), DEV_IAP_COOKIE) : undefined);
  const choose = accountChooser(opts);

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
    setRequestAuth(res, await choose(req, identity));
    next();
  };
}
