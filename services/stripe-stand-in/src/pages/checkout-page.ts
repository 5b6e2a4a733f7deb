// The hosted Checkout page: a summary and a Pay button (a real form POST) that completes the
// session as a paying customer would, then redirects to success_url with {CHECKOUT_SESSION_ID}.
import { Router, urlencoded } from 'express';
import type { BillingContext } from '../billing/billing-context.js';
import { completeCheckoutSession } from '../billing/complete-checkout.js';
import { checkoutSessionOrThrow } from '../api/checkout-sessions.js';
import { pathParam } from '../api/endpoint.js';
import { escapeHtml, htmlPage, money } from './html-page.js';

export function checkoutPages(ctx: BillingContext): Router {
  const router = Router();
  router.get('/_stand-in/checkout/:id', (req, res) => {
    const session = checkoutSessionOrThrow(ctx.state.checkoutSessions, pathParam(req.params, 'id'));
    const intent = ctx.state.checkoutIntents.get(session.id);
    const rows = (intent?.items ?? [])
      .map((i) => `<tr><td>${escapeHtml(i.price.lookup_key ?? i.price.id)}</td><td>${i.quantity ?? 'metered'}</td><td>${i.price.unit_amount !== null ? money(i.price.unit_amount) : `${escapeHtml(i.price.unit_amount_decimal?.toString() ?? '')}¢ / unit`}</td></tr>`)
      .join('');
    const trial = intent?.trialDays ? `<p>${intent.trialDays}-day free trial, then billed per period.</p>` : '';
    const body =
      session.status === 'open'
        ? `<form method="post" action="/_stand-in/checkout/${escapeHtml(session.id)}/pay"><button type="submit" id="pay">Pay ${money(session.amount_total ?? 0)}</button></form>` +
          (session.cancel_url ? ` <a href="${escapeHtml(session.cancel_url)}" id="cancel">Cancel</a>` : '')
        : `<p id="status">This Checkout Session is ${escapeHtml(session.status ?? 'closed')}.</p>`;
    res.type('html').send(htmlPage('Checkout', `<h1>Subscribe</h1><table><tr><th>Price</th><th>Qty</th><th>Amount</th></tr>${rows}</table>${trial}<p>Card: 4242 4242 4242 4242 (test)</p>${body}`));
  });

  router.post('/_stand-in/checkout/:id/pay', urlencoded({ extended: false }), (req, res) => {
    const session = completeCheckoutSession(ctx, pathParam(req.params, 'id'));
    const target = (session.success_url ?? `${ctx.publicUrl()}/_stand-in/checkout/${session.id}`).replaceAll('{CHECKOUT_SESSION_ID}', session.id);
    res.redirect(303, target);
  });

  // For tests: the same completion without a browser; answers the completed session as JSON.
  router.post('/_stand-in/checkout/:id/complete', (req, res) => {
    res.json(completeCheckoutSession(ctx, pathParam(req.params, 'id')));
  });
  return router;
}
