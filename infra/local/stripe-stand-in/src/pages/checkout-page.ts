// The hosted Checkout page: a summary and two Pay buttons (real form POSTs). The test card that
// succeeds completes the session as a paying customer would, then redirects to success_url with
// {CHECKOUT_SESSION_ID}; the card that is declined leaves the session open and shows the error,
// as Stripe Checkout does, so the customer can retry with another card.
import { Router, urlencoded } from 'express';
import { z } from 'zod';
import type { BillingContext } from '../billing/billing-context.js';
import { completeCheckoutSession, declineCheckoutPayment } from '../billing/complete-checkout.js';
import { checkoutSessionOrThrow } from '../api/checkout-sessions.js';
import { pathParam } from '../api/endpoint.js';
import { parseParams } from '../http/request-params.js';
import { escapeHtml, htmlPage, money } from './html-page.js';

/** The card the customer "enters": 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined. */
const PayForm = z.object({ card: z.enum(['succeeds', 'declined']).default('succeeds') });

/** Stripe's wording for a generic decline (decline_code generic_decline). */
const DECLINED_MESSAGE = 'Your card was declined. Try another card.';

export function checkoutPages(ctx: BillingContext): Router {
  const router = Router();
  router.get('/_stand-in/checkout/:id', (req, res) => {
    const session = checkoutSessionOrThrow(ctx.state.checkoutSessions, pathParam(req.params, 'id'));
    const intent = ctx.state.checkoutIntents.get(session.id);
    const rows = (intent?.items ?? [])
      .map(
        (i) =>
          `<tr><td>${escapeHtml(i.price.lookup_key ?? i.price.id)}</td><td>${i.quantity ?? 'metered'}</td><td>${i.price.unit_amount !== null ? money(i.price.unit_amount) : `${escapeHtml(i.price.unit_amount_decimal?.toString() ?? '')}¢ / unit`}</td></tr>`,
      )
      .join('');
    const trial = intent?.trialDays ? `<p>${intent.trialDays}-day free trial, then billed per period.</p>` : '';
    const action = `/_stand-in/checkout/${escapeHtml(session.id)}/pay`;
    const declined = req.query['error'] === 'card_declined' ? `<p id="error" role="alert">${DECLINED_MESSAGE}</p>` : '';
    const body =
      session.status === 'open'
        ? `${declined}<form method="post" action="${action}"><input type="hidden" name="card" value="succeeds"><button type="submit" id="pay">Pay ${money(session.amount_total ?? 0)}</button></form>` +
          ` <form method="post" action="${action}"><input type="hidden" name="card" value="declined"><button type="submit" id="pay-declined">Pay with a card that fails</button></form>` +
          (session.cancel_url ? ` <a href="${escapeHtml(session.cancel_url)}" id="cancel">Cancel</a>` : '')
        : `<p id="status">This Checkout Session is ${escapeHtml(session.status ?? 'closed')}.</p>`;
    res
      .type('html')
      .send(
        htmlPage(
          'Checkout',
          `<h1>Subscribe</h1><table><tr><th>Price</th><th>Qty</th><th>Amount</th></tr>${rows}</table>${trial}<p>Cards: 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined (test)</p>${body}`,
        ),
      );
  });

  router.post('/_stand-in/checkout/:id/pay', urlencoded({ extended: false }), (req, res) => {
    const id = pathParam(req.params, 'id');
    const { card } = parseParams(PayForm, req.body);
    if (card === 'declined') {
      const session = declineCheckoutPayment(ctx, id);
      // Post/redirect/get: reloading the page shows the error without paying again.
      res.redirect(303, `/_stand-in/checkout/${encodeURIComponent(session.id)}?error=card_declined`);
      return;
    }
    const session = completeCheckoutSession(ctx, id);
    const target = (session.success_url ?? `${ctx.publicUrl()}/_stand-in/checkout/${session.id}`).replaceAll(
      '{CHECKOUT_SESSION_ID}',
      session.id,
    );
    res.redirect(303, target);
  });

  // For tests: the same completion without a browser; answers the completed session as JSON.
  router.post('/_stand-in/checkout/:id/complete', (req, res) => {
    res.json(completeCheckoutSession(ctx, pathParam(req.params, 'id')));
  });
  return router;
}
