// The admin revenue view: GET /admin (page) and GET /api/admin/revenue (JSON), for the IAP
// identities listed in ADMIN_EMAILS only (403 for everyone else, and for everyone when the list is
// empty). The figures are read from Firestore (shared/src/revenue) at most once a minute per
// instance: an admin refreshing the page costs nothing, and the view is at most that much behind.
import { Router, type RequestHandler } from 'express';
import type { Store } from '@billing/shared/firestore/store.js';
import { AppError } from '@billing/shared/errors/app-error.js';
import type { Identity } from '@billing/shared/identity/identity.js';
import type { Clock } from '@billing/shared/ports/clock.js';
import { readRevenueSummary } from '@billing/shared/revenue/read-revenue.js';
import type { RevenueSummary } from '@billing/shared/revenue/revenue-summary.js';
import { requestAuth } from '../auth/request-identity.js';
import { renderRevenuePage } from '../pages/revenue-page.js';

export const REVENUE_CACHE_MS = 60_000;

export interface RevenueRouterDeps {
  store: Store;
  clock: Clock;
  /** Whether an identity may open the view (`adminCheck(config.adminEmails)`). */
  isAdmin: (identity: Identity) => boolean;
}

/** The last summary read, shared by every request of the instance; a failed read is not kept. */
function cachedSummary(deps: RevenueRouterDeps): () => Promise<RevenueSummary> {
  let cached: { at: number; summary: Promise<RevenueSummary> } | null = null;
  return () => {
    const now = deps.clock.now();
    if (!cached || now - cached.at >= REVENUE_CACHE_MS) {
      const summary = readRevenueSummary(deps.store, deps.clock);
      const entry = { at: now, summary };
      cached = entry;
      summary.catch(() => {
        if (cached === entry) cached = null;
      });
    }
    return cached.summary;
  };
}

/** Whether `identity` may open the revenue view: its IAP email is in ADMIN_EMAILS (case-insensitive). */
export function adminCheck(adminEmails: readonly string[]): (identity: Identity) => boolean {
  const admins = new Set(adminEmails);
  return (identity) => identity.email !== null && admins.has(identity.email.toLowerCase());
}

/** The page router (mount at /admin) and the JSON router (mount at /admin inside /api), sharing one cache. */
export function revenueRouters(deps: RevenueRouterDeps): { page: Router; api: Router } {
  const requireAdmin: RequestHandler = (_req, res, next) => {
    if (!deps.isAdmin(requestAuth(res).identity)) throw new AppError('forbidden', 'The revenue view is for administrators (ADMIN_EMAILS)');
    next();
  };
  const summary = cachedSummary(deps);
  const page = Router();
  page.get('/', requireAdmin, async (_req, res) => {
    res.type('html').set('Cache-Control', 'no-store').send(renderRevenuePage(await summary()));
  });
  const api = Router();
  api.get('/revenue', requireAdmin, async (_req, res) => {
    res.set('Cache-Control', 'no-store').json(await summary());
  });
  return { page, api };
}
