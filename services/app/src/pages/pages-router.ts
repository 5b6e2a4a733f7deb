import { Router } from 'express';
import { z } from 'zod';
import { readAccount } from '@billing/shared/billing-ops/read-account.js';
import { listAccountInvoices } from '@billing/shared/billing-ops/account-invoices.js';
import type { Identity } from '@billing/shared/identity/identity.js';
import type { Logger } from '@billing/shared/logging/logger.js';
import { requestLogger } from '@billing/shared/http/request-logging.js';
import type { BillingOpsDeps } from '@billing/shared/billing-ops/billing-ops-deps.js';
import { canManageBilling } from '@billing/shared/model/account-documents.js';
import { nowSeconds } from '@billing/shared/ports/clock.js';
import type { AccessPolicy } from '../access/require-feature.js';
import { requestAuth } from '../auth/request-identity.js';
import type { UsageView } from '../ports/usage-view.js';
import { accountView } from '../routes/account-view.js';
import { plansView } from '../routes/plans-view.js';
import { renderBillingPage } from './billing-page.js';

const CheckoutOutcome = z.enum(['success', 'open', 'expired', 'canceled']);

export function pagesRouter(deps: { billing: BillingOpsDeps; usage: UsageView; policy: AccessPolicy; logger: Logger; devSignOut: boolean; isAdmin: (identity: Identity) => boolean }): Router {
  const router = Router();
  const plans = plansView(deps.billing.priceIds);
  router.get('/', (_req, res) => res.redirect(303, '/billing'));
  router.get('/billing', async (req, res) => {
    const auth = requestAuth(res);
    const { identity, accountId } = auth;
    // A page view reads the account fresh (it follows a return from Checkout or the portal, where
    // the cache's listener may still be a few milliseconds behind); the API uses the cache.
    const account = await readAccount(deps.billing.firestore, accountId);
    const [usage, apiKeys, invoices] = await Promise.all([
      deps.usage.summary(accountId),
      deps.usage.apiKeys(accountId),
      // Invoices are for the account's owners and admins only.
      canManageBilling(auth.role)
        ? listAccountInvoices(deps.billing, account, { limit: 12 }).catch((err: unknown) => {
            requestLogger(req, deps.logger).warn({ event: 'billing_page.invoices_unavailable', accountId, err }, 'invoices unavailable');
            return null;
          })
        : Promise.resolve(null),
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
        }),
      );
  });
  return router;
}
