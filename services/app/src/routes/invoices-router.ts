import { Router } from 'express';
import { z } from 'zod';
import { notFound } from '@billing/shared/errors/app-error.js';
import type { BillingGateway } from '@billing/shared/ports/billing-gateway.js';
import { accountInvoicePdfUrl, listAccountInvoices } from '@billing/shared/billing-ops/account-invoices.js';
import { readAccount } from '@billing/shared/billing-ops/read-account.js';
import type { Firestore } from '@google-cloud/firestore';
import { canManageBilling } from '@billing/shared/model/account-documents.js';
import { billingManager, requestAuth } from '../auth/request-identity.js';
import { renderForbiddenPage } from '../pages/billing-page.js';
import { parseInput } from '../http/parse-input.js';

/** Stripe ids are at most 255 characters: a longer one is refused here, without asking Stripe. */
const InvoiceId = z
  .string()
  .max(255)
  .regex(/^in_[A-Za-z0-9]+$/);
const InvoiceQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(10),
  starting_after: InvoiceId.optional(),
});

export function invoicesRouter(deps: { gateway: BillingGateway; firestore: Firestore }): Router {
  const router = Router();
  // The customer id is read fresh: it decides whose invoices are shown.
  const accountOf = (accountId: string) => readAccount(deps.firestore, accountId);

  router.get('/invoices', async (req, res) => {
    const query = parseInput(InvoiceQuery, req.query);
    const { accountId } = billingManager(res);
    const page = await listAccountInvoices(deps, await accountOf(accountId), { limit: query.limit, startingAfter: query.starting_after });
    res.json(page);
  });

  router.get('/invoices/:id/pdf', async (req, res) => {
    // A link followed in the browser (a member given an owner's link): refused with a page, not JSON.
    if (!canManageBilling(requestAuth(res).role) && req.accepts(['json', 'html']) === 'html') {
      res
        .status(403)
        .type('html')
        .set('Cache-Control', 'no-store')
        .send(renderForbiddenPage("Invoices are for the account's owners and admins. Ask one of them for this invoice."));
      return;
    }
    const { accountId } = billingManager(res);
    const id = InvoiceId.safeParse(req.params['id']);
    // A malformed id answers like someone else's: 404.
    if (!id.success) throw notFound('Invoice');
    const url = await accountInvoicePdfUrl(deps, await accountOf(accountId), id.data);
    res.redirect(302, url);
  });
  return router;
}
