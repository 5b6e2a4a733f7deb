// The Customer Portal page: per subscription, cancel at period end (or undo it) and change plan
// to another licensed price; for the customer, switch the default card to one that succeeds or
// fails. Each is a real form POST that changes state, emits the events, and redirects back.
import { Router, urlencoded, type Request } from 'express';
import type Stripe from 'stripe';
import { z } from 'zod';
import type { BillingContext } from '../billing/billing-context.js';
import { setPaymentBehaviour } from '../billing/payment-methods.js';
import { changeSubscription, setCancelAtPeriodEnd } from '../billing/subscription-changes.js';
import { applyItemChanges } from '../billing/subscription-item-changes.js';
import { currentPeriod, licensedItem } from '../billing/subscription-object.js';
import { pathParam } from '../api/endpoint.js';
import { customerOrThrow } from '../api/customers.js';
import { parseParams } from '../http/request-params.js';
import { noSuchResource, invalidParam } from '../http/stripe-error.js';
import { escapeHtml, htmlPage, money } from './html-page.js';

const iso = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);

export function portalPages(ctx: BillingContext): Router {
  const router = Router();
  const sessionOf = (req: Request) => {
    const id = pathParam(req.params as Record<string, string>, 'id');
    const session = ctx.state.portalSessions.get(id);
    if (!session) throw noSuchResource('billing_portal.session', id);
    return session;
  };
  const ownRecord = (session: Stripe.BillingPortal.Session, subscriptionId: string) => {
    const record = ctx.state.subscriptions.get(subscriptionId);
    if (!record || record.subscription.customer !== session.customer) throw noSuchResource('subscription', subscriptionId);
    return record;
  };

  router.get('/_stand-in/portal/:id', (req, res) => {
    const session = sessionOf(req);
    const customer = customerOrThrow(ctx, session.customer);
    const base = `/_stand-in/portal/${escapeHtml(session.id)}`;
    const licensed = [...ctx.state.prices.values()].filter((p) => p.active && p.recurring?.usage_type === 'licensed');
    const subs = ctx.state
      .subscriptionsOf(customer.id)
      .filter((s) => s.status !== 'canceled')
      .map((s) => {
        const item = licensedItem(s);
        const current = item?.price;
        const options = licensed
          .filter((p) => p.id !== current?.id)
          .map(
            (p) =>
              `<option value="${escapeHtml(p.id)}">${escapeHtml(p.lookup_key ?? p.id)} (${money(p.unit_amount ?? 0)}/${escapeHtml(p.recurring?.interval ?? '')})</option>`,
          )
          .join('');
        const cancelForm = s.cancel_at_period_end
          ? `<form method="post" action="${base}/renew"><input type="hidden" name="subscription" value="${escapeHtml(s.id)}"><button type="submit" class="renew">Renew plan</button></form>`
          : `<form method="post" action="${base}/cancel"><input type="hidden" name="subscription" value="${escapeHtml(s.id)}"><button type="submit" class="cancel">Cancel plan</button></form>`;
        return `<section class="subscription" data-id="${escapeHtml(s.id)}"><h2>${escapeHtml(current?.lookup_key ?? s.id)}</h2>
<p>Status: <span class="status">${escapeHtml(s.status)}</span>${s.cancel_at_period_end ? ` · cancels on ${iso(currentPeriod(s).end)}` : ` · renews on ${iso(currentPeriod(s).end)}`}</p>
${cancelForm}
<form method="post" action="${base}/change-plan"><input type="hidden" name="subscription" value="${escapeHtml(s.id)}"><select name="price">${options}</select> <button type="submit" class="change-plan">Change plan</button></form></section>`;
      })
      .join('');
    const pm = customer.invoice_settings.default_payment_method;
    const card = pm === null ? 'none' : typeof pm === 'string' ? pm : pm.id;
    const body = `<h1>Billing</h1>${subs || '<p>No active subscriptions.</p>'}
<h2>Payment method</h2><p>Default card: <span id="card">${escapeHtml(card)}</span></p>
<form method="post" action="${base}/payment-method"><input type="hidden" name="behaviour" value="succeeds"><button type="submit" id="card-succeeds">Use a card that succeeds</button></form>
<form method="post" action="${base}/payment-method"><input type="hidden" name="behaviour" value="fails"><button type="submit" id="card-fails">Use a card that is declined</button></form>
${session.return_url ? `<p><a id="return" href="${escapeHtml(session.return_url)}">Return</a></p>` : ''}`;
    res.type('html').send(htmlPage('Billing portal', body));
  });

  const form = urlencoded({ extended: false });
  const back = (req: Request) => `/_stand-in/portal/${pathParam(req.params as Record<string, string>, 'id')}`;

  router.post('/_stand-in/portal/:id/cancel', form, (req, res) => {
    const { subscription } = parseParams(z.object({ subscription: z.string() }), req.body);
    setCancelAtPeriodEnd(ctx, ownRecord(sessionOf(req), subscription), true);
    res.redirect(303, back(req));
  });
  router.post('/_stand-in/portal/:id/renew', form, (req, res) => {
    const { subscription } = parseParams(z.object({ subscription: z.string() }), req.body);
    setCancelAtPeriodEnd(ctx, ownRecord(sessionOf(req), subscription), false);
    res.redirect(303, back(req));
  });
  router.post('/_stand-in/portal/:id/change-plan', form, (req, res) => {
    const p = parseParams(z.object({ subscription: z.string(), price: z.string() }), req.body);
    const record = ownRecord(sessionOf(req), p.subscription);
    const price = ctx.state.prices.get(p.price);
    const item = licensedItem(record.subscription);
    if (!price || price.recurring?.usage_type !== 'licensed' || !item) throw invalidParam('price', 'Choose another licensed price.');
    applyItemChanges(ctx, record, [{ kind: 'update', itemId: item.id, price, quantity: undefined }], 'create_prorations');
    res.redirect(303, back(req));
  });
  router.post('/_stand-in/portal/:id/payment-method', form, (req, res) => {
    const p = parseParams(z.object({ behaviour: z.enum(['succeeds', 'fails']) }), req.body);
    const session = sessionOf(req);
    const customer = customerOrThrow(ctx, session.customer);
    setPaymentBehaviour(ctx, customer, p.behaviour);
    // Like Stripe's portal, the new card also becomes the default of the customer's subscriptions
    // that had one (Checkout sets it), since a subscription's default is charged before the customer's.
    const card = customer.invoice_settings.default_payment_method;
    for (const record of ctx.state.subscriptions.values()) {
      const sub = record.subscription;
      if (
        sub.customer !== customer.id ||
        sub.status === 'canceled' ||
        sub.default_payment_method === null ||
        sub.default_payment_method === card
      )
        continue;
      changeSubscription(ctx, record, (s) => void (s.default_payment_method = card));
    }
    // A payment-method-update flow with a redirect ends there once the card is changed.
    const redirect = session.flow?.type === 'payment_method_update' ? session.flow.after_completion.redirect?.return_url : undefined;
    res.redirect(303, redirect ?? back(req));
  });
  return router;
}
