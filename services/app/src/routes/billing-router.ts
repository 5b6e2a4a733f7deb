// Checkout, portal and subscription changes (and what a change would cost, previewed before the
// user confirms it): thin handlers over shared/src/billing-ops, for the active account's owners
// and admins only (a member gets 403).
import { Router } from 'express';
import { z } from 'zod';
import type { BillingOpsDeps } from '@billing/shared/billing-ops/billing-ops-deps.js';
import { changePlan } from '@billing/shared/billing-ops/change-plan.js';
import { changeSeats } from '@billing/shared/billing-ops/change-seats.js';
import { openBillingPortal } from '@billing/shared/billing-ops/open-billing-portal.js';
import { payAccountInvoice } from '@billing/shared/billing-ops/pay-account-invoice.js';
import { notFound } from '@billing/shared/errors/app-error.js';
import { previewPlanChange, previewSeatsChange } from '@billing/shared/billing-ops/preview-subscription-change.js';
import { setCancelAtPeriodEnd } from '@billing/shared/billing-ops/set-cancel-at-period-end.js';
import { startCheckout } from '@billing/shared/billing-ops/start-checkout.js';
import type { Logger } from '@billing/shared/logging/logger.js';
import { UserText } from '@billing/shared/model/user-text.js';
import { requestLogger } from '@billing/shared/http/request-logging.js';
import { billingManager } from '../auth/request-identity.js';
import { parseInput } from '../http/parse-input.js';

const PlanChoice = z.object({ lookupKey: UserText.min(1).max(100) });
/** Seats of a per-seat plan; the plan's own range is checked by the operation. */
const Seats = z.number().int().min(1).max(10_000);
/** A plan price, and the seats when the plan is priced per seat (Checkout, or a switch onto it). */
const CheckoutChoice = PlanChoice.extend({ seats: Seats.optional() });
const SeatsChoice = z.object({ seats: Seats });
/**
 * The body of a route that takes no input (the page sends `{}`): anything in it is refused, so a
 * client that believes it passed an option (a date, a return URL) is told so instead of having the
 * action done without it.
 */
const NoInput = z.strictObject({});
/** `flow`: open the portal on its card form (back to the page once the card is changed). */
const PortalChoice = z.strictObject({ flow: z.literal('payment_method_update').optional() });
/** Stripe ids are at most 255 characters: a longer or ill-formed one is refused without asking Stripe. */
const InvoiceId = z
  .string()
  .max(255)
  .regex(/^in_[A-Za-z0-9]+$/);

export function billingRouter(deps: { billing: BillingOpsDeps; logger: Logger }): Router {
  const router = Router();

  router.post('/checkout', async (req, res) => {
    const { lookupKey, seats } = parseInput(CheckoutChoice, req.body);
    const { accountId } = billingManager(res);
    const session = await startCheckout(deps.billing, accountId, lookupKey, seats);
    requestLogger(req, deps.logger).info(
      { event: 'checkout.session_created', accountId, sessionId: session.sessionId, lookupKey, seats: seats ?? null },
      'checkout session created',
    );
    res.json({ url: session.url });
  });

  router.post('/portal', async (req, res) => {
    const { flow } = parseInput(PortalChoice, req.body);
    const { accountId } = billingManager(res);
    const session = await openBillingPortal(deps.billing, accountId, flow);
    // The URL is a bearer credential: logged as an event only.
    requestLogger(req, deps.logger).info({ event: 'portal.session_created', accountId, flow: flow ?? null }, 'portal session created');
    res.json({ url: session.url });
  });

  // "Pay now": an open invoice of the account, charged with the card on file.
  router.post('/invoices/:id/pay', async (req, res) => {
    parseInput(NoInput, req.body);
    const { accountId } = billingManager(res);
    const id = InvoiceId.safeParse(req.params['id']);
    // A malformed id answers like someone else's: 404.
    if (!id.success) throw notFound('Invoice');
    const result = await payAccountInvoice(deps.billing, accountId, id.data);
    requestLogger(req, deps.logger).info({ event: 'invoice.paid_by_user', accountId, invoiceId: id.data }, 'invoice paid');
    res.json(result);
  });

  router.post('/subscription/plan', async (req, res) => {
    const { lookupKey, seats } = parseInput(CheckoutChoice, req.body);
    const { accountId } = billingManager(res);
    const result = await changePlan(deps.billing, accountId, lookupKey, seats);
    requestLogger(req, deps.logger).info(
      { event: 'subscription.plan_changed', accountId, subscriptionId: result.subscriptionId, lookupKey, seats: seats ?? null },
      'plan changed',
    );
    res.json(result);
  });

  // Previews change nothing (POST only for the JSON body the CSRF guard wants on every API call).
  router.post('/subscription/plan/preview', async (req, res) => {
    const { lookupKey, seats } = parseInput(CheckoutChoice, req.body);
    const { accountId } = billingManager(res);
    res.json(await previewPlanChange(deps.billing, accountId, lookupKey, seats));
  });

  router.post('/subscription/seats/preview', async (req, res) => {
    const { seats } = parseInput(SeatsChoice, req.body);
    const { accountId } = billingManager(res);
    res.json(await previewSeatsChange(deps.billing, accountId, seats));
  });

  router.post('/subscription/seats', async (req, res) => {
    const { seats } = parseInput(SeatsChoice, req.body);
    const { accountId } = billingManager(res);
    const result = await changeSeats(deps.billing, accountId, seats);
    requestLogger(req, deps.logger).info(
      { event: 'subscription.seats_changed', accountId, subscriptionId: result.subscriptionId, seats: result.seats },
      'seats changed',
    );
    res.json(result);
  });

  for (const [path, cancel] of [
    ['/subscription/cancel', true],
    ['/subscription/resume', false],
  ] as const) {
    router.post(path, async (req, res) => {
      parseInput(NoInput, req.body);
      const { accountId } = billingManager(res);
      const result = await setCancelAtPeriodEnd(deps.billing, accountId, cancel);
      requestLogger(req, deps.logger).info(
        { event: cancel ? 'subscription.cancel_requested' : 'subscription.resumed', accountId, subscriptionId: result.subscriptionId },
        cancel ? 'cancel at period end' : 'resumed',
      );
      res.json(result);
    });
  }
  return router;
}
