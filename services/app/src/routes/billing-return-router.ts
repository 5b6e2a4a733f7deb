// Where Stripe sends the browser back. Both paths refresh the account's subscription from Stripe
// (never from the URL), so the page shows the new state before the webhook lands.
import { Router } from 'express';
import { z } from 'zod';
import type { BillingOpsDeps } from '@billing/shared/billing-ops/billing-ops-deps.js';
import { refreshAfterCheckout } from '@billing/shared/billing-ops/refresh-after-checkout.js';
import { refreshAccountSubscription } from '@billing/shared/billing-ops/owned-subscription.js';
import type { Logger } from '@billing/shared/logging/logger.js';
import { requestLogger } from '@billing/shared/http/request-logging.js';
import { requestAuth } from '../auth/request-identity.js';
import { parseInput } from '../http/parse-input.js';

const SuccessQuery = z.object({
  session_id: z
    .string()
    .regex(/^cs_[A-Za-z0-9_]+$/)
    .max(200),
});

export function billingReturnRouter(deps: { billing: BillingOpsDeps; logger: Logger }): Router {
  const router = Router();
  router.get('/billing/success', async (req, res) => {
    const { session_id: sessionId } = parseInput(SuccessQuery, req.query);
    const { accountId } = requestAuth(res);
    const refresh = await refreshAfterCheckout(deps.billing, accountId, sessionId);
    requestLogger(req, deps.logger).info(
      { event: 'checkout.returned', accountId, sessionId, status: refresh.status },
      'returned from checkout',
    );
    res.redirect(303, `/billing?checkout=${refresh.status === 'complete' ? 'success' : refresh.status}`);
  });
  router.get('/billing/portal-return', async (req, res) => {
    const { accountId } = requestAuth(res);
    await refreshAccountSubscription(deps.billing, accountId);
    requestLogger(req, deps.logger).info({ event: 'portal.returned', accountId }, 'returned from portal');
    res.redirect(303, '/billing');
  });
  return router;
}
