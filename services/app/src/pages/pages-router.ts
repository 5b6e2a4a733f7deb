// The pages behind IAP: the billing page (for the active account) and a team invitation's
// acceptance page. Each reads what it shows fresh from Firestore and renders it on the server.
import { Router, type ErrorRequestHandler, type Response } from 'express';
import { z } from 'zod';
import { accountsOf, readInvitation, readTeamView, type TeamDeps } from '@billing/shared/accounts/teams.js';
import { readAccount } from '@billing/shared/billing-ops/read-account.js';
import { listAccountInvoices } from '@billing/shared/billing-ops/account-invoices.js';
import { readBillingOutlook } from '@billing/shared/billing-ops/billing-outlook.js';
import type { Identity } from '@billing/shared/identity/identity.js';
import type { Logger } from '@billing/shared/logging/logger.js';
import { requestLogger } from '@billing/shared/http/request-logging.js';
import type { BillingOpsDeps } from '@billing/shared/billing-ops/billing-ops-deps.js';
import { AppError } from '@billing/shared/errors/app-error.js';
import { createStore } from '@billing/shared/firestore/store.js';
import { canManageBilling, InvitationId } from '@billing/shared/model/account-documents.js';
import { nowSeconds } from '@billing/shared/ports/clock.js';
import type { AccessPolicy } from '../access/require-feature.js';
import { requestAuth } from '../auth/request-identity.js';
import type { UsageView } from '../ports/usage-view.js';
import { accountView } from '../routes/account-view.js';
import { plansView } from '../routes/plans-view.js';
import { renderBillingPage, renderNeedsScriptPage } from './billing-page.js';
import { renderInvitationNotFoundPage, renderInvitationPage } from './invitation-page.js';

const CheckoutOutcome = z.enum(['success', 'open', 'expired', 'canceled']);

const sendPage = (res: Response, status: number, page: string) =>
  res.status(status).type('html').set('Cache-Control', 'no-store').send(page);

export function pagesRouter(deps: {
  billing: BillingOpsDeps;
  usage: UsageView;
  policy: AccessPolicy;
  logger: Logger;
  devSignOut: boolean;
  isAdmin: (identity: Identity) => boolean;
  /** The Enterprise card's "Contact sales" link; null: bought like any plan. */
  salesContactUrl?: string | null;
}): Router {
  const router = Router();
  const plans = plansView(deps.billing.priceIds);
  const teams: TeamDeps = {
    store: createStore(deps.billing.firestore),
    clock: deps.policy.clock,
    pastDueGraceSeconds: deps.policy.pastDueGraceSeconds,
  };
  router.get('/', (_req, res) => res.redirect(303, '/billing'));
  router.get('/billing', async (req, res) => {
    const auth = requestAuth(res);
    const { identity, accountId } = auth;
    // A page view reads the account fresh (it follows a return from Checkout or the portal, where
    // the cache's listener may still be a few milliseconds behind); the API uses the cache.
    const account = await readAccount(deps.billing.firestore, accountId);
    const manage = canManageBilling(auth.role);
    // What Stripe alone knows (invoices, card, credit, next invoice) is for owners and admins; a
    // Stripe outage leaves those parts saying so while the rest of the page renders.
    const unavailable = (what: string) => (err: unknown) => {
      requestLogger(req, deps.logger).warn({ event: `billing_page.${what}_unavailable`, accountId, err }, `${what} unavailable`);
      return null;
    };
    const [usage, apiKeys, invoices, outlook, accounts, team] = await Promise.all([
      deps.usage.summary(accountId, { days: true }),
      deps.usage.apiKeys(accountId),
      manage ? listAccountInvoices(deps.billing, account, { limit: 12 }).catch(unavailable('invoices')) : Promise.resolve(null),
      manage && account.stripeCustomerId
        ? readBillingOutlook(deps.billing, account).catch(unavailable('outlook'))
        : Promise.resolve(undefined),
      accountsOf(teams.store, identity),
      account.kind === 'team' ? readTeamView(teams, auth) : Promise.resolve(null),
    ]);
    const outcome = CheckoutOutcome.safeParse(req.query['checkout']);
    res
      .type('html')
      .set('Cache-Control', 'no-store')
      .send(
        renderBillingPage({
          account: accountView({ ...auth, account }, usage, nowSeconds(deps.policy.clock), deps.policy.pastDueGraceSeconds),
          plans,
          invoices,
          apiKeys,
          hasBillingAccount: account.stripeCustomerId !== null,
          checkoutOutcome: outcome.success ? outcome.data : null,
          devSignOut: deps.devSignOut,
          showAdminLink: deps.isAdmin(identity),
          accounts,
          team,
          publicBaseUrl: deps.billing.publicBaseUrl,
          outlook,
          paymentMethodUpdated: req.query['payment_method'] === 'updated',
          salesContactUrl: deps.salesContactUrl ?? null,
        }),
      );
  });
  // The page's forms are sent by its script as JSON; one submitted without it (method=post, so no
  // field lands in a URL) is told that the script is needed, and nothing changes.
  router.post('/billing', (_req, res) => sendPage(res, 400, renderNeedsScriptPage()));

  // An invitation's acceptance page, for the invited email only: any other signed-in user, like an
  // unknown or malformed id, gets the same 404 page (nothing says the invitation exists).
  router.get('/invitations/:id', async (req, res) => {
    const { identity } = requestAuth(res);
    const id = InvitationId.safeParse(req.params['id']);
    const signedInAs = identity.email ?? identity.userId;
    if (!id.success) return sendPage(res, 404, renderInvitationNotFoundPage(signedInAs));
    try {
      const invitation = await readInvitation(teams, identity, id.data);
      return sendPage(res, 200, renderInvitationPage({ invitation, signedInAs }));
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found') return sendPage(res, 404, renderInvitationNotFoundPage(signedInAs));
      throw err;
    }
  });
  // An id that does not percent-decode (`/invitations/%ED%A0%80`) fails in the router's match, before
  // the handler: it names no invitation either, so it is the same 404 page rather than a JSON 400.
  const undecodable: ErrorRequestHandler = (err, _req, res, next) => {
    if (!(err instanceof URIError)) return next(err);
    sendPage(res, 404, renderInvitationNotFoundPage(null));
  };
  router.use('/invitations', undecodable);
  return router;
}
