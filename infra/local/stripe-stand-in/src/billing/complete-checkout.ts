// Completes a Checkout Session as a paying user would on Stripe's hosted page: the card they
// enter becomes the customer's default, the subscription starts (trialing if the session asked
// for a trial) with its first invoice paid, and checkout.session.completed follows.
import type Stripe from 'stripe';
import { badState, noSuchResource } from '../http/stripe-error.js';
import type { BillingContext } from './billing-context.js';
import { startSubscription } from './subscription-changes.js';

/** The session a payment is being attempted on: open, and expired (with its event) once past expires_at. */
function openSessionOrThrow(ctx: BillingContext, sessionId: string): Stripe.Checkout.Session {
  const session = ctx.state.checkoutSessions.get(sessionId);
  if (!session) throw noSuchResource('checkout.session', sessionId);
  if (session.status !== 'open')
    throw badState(`Checkout Session ${sessionId} is ${session.status ?? 'not open'}`, 'checkout_session_not_open');
  if (session.expires_at <= ctx.clock.now()) {
    session.status = 'expired';
    ctx.events.emit('checkout.session.expired', session);
    throw badState(`Checkout Session ${sessionId} has expired`, 'checkout_session_expired');
  }
  return session;
}

/**
 * The customer paid with a card that is declined (4000 0000 0000 0002): as on Stripe's hosted
 * page, nothing is created, no event is sent, and the session stays open for another try.
 */
export function declineCheckoutPayment(ctx: BillingContext, sessionId: string): Stripe.Checkout.Session {
  return openSessionOrThrow(ctx, sessionId);
}

export function completeCheckoutSession(ctx: BillingContext, sessionId: string): Stripe.Checkout.Session {
  const session = openSessionOrThrow(ctx, sessionId);
  const intent = ctx.state.checkoutIntents.get(session.id);
  const customerId = typeof session.customer === 'string' ? session.customer : session.customer?.id;
  if (!intent || !customerId) throw new Error(`checkout session ${sessionId} lost its line items`);
  // The test card the "customer" enters always succeeds; a test switches it afterwards to make
  // renewals fail (setPaymentBehaviour / the portal page).
  ctx.state.paymentBehaviour.set(customerId, 'succeeds');
  const record = startSubscription(ctx, {
    customer: customerId,
    items: intent.items,
    trialDays: intent.trialDays,
    metadata: intent.subscriptionMetadata,
    defaultPaymentMethod: 'pm_card_visa',
  });
  session.status = 'complete';
  session.payment_status = intent.trialDays ? 'no_payment_required' : 'paid';
  session.subscription = record.subscription.id;
  session.invoice = typeof record.subscription.latest_invoice === 'string' ? record.subscription.latest_invoice : null;
  session.url = null;
  ctx.events.emit('checkout.session.completed', session);
  return session;
}
