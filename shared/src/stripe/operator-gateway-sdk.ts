// The OperatorGateway over the Stripe SDK. Stripe refusing a request (status 400/402/404: an ended
// subscription, an invoice that is not open, a declined card) is the operator's answer, not our
// fault: it leaves as an OperatorRefusal carrying Stripe's message (written for a Dashboard user);
// a decline of the payment itself is `paid: false`. Outages become TransientError (callStripe).
import Stripe from 'stripe';
import { OperatorRefusal, type OperatorGateway } from '../ports/operator-gateway.js';
import { classifyStripeError, stripeAdapterError } from './classify-stripe-error.js';

/** What leaves this adapter in place of an SDK error. */
function operatorError(what: string, err: unknown): unknown {
  const failure = classifyStripeError(err);
  if ((failure?.kind === 'refused' || failure?.kind === 'not_found') && err instanceof Stripe.errors.StripeError)
    return new OperatorRefusal(err.message, failure.code);
  return stripeAdapterError(what, err);
}

async function refusable<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw operatorError(what, err);
  }
}

export function createSdkOperatorGateway(stripe: Stripe): OperatorGateway {
  return {
    cancelSubscriptionNow: (input, idempotencyKey) =>
      refusable('subscription cancellation', () => stripe.subscriptions.cancel(input.subscriptionId, {}, { idempotencyKey })),
    setTrialEnd: (input, idempotencyKey) =>
      refusable('trial extension', () =>
        stripe.subscriptions.update(input.subscriptionId, { trial_end: input.trialEnd, proration_behavior: 'none' }, { idempotencyKey }),
      ),
    async payInvoice(input, idempotencyKey) {
      try {
        const invoice = await stripe.invoices.pay(input.invoiceId, {}, { idempotencyKey });
        return { invoiceId: input.invoiceId, status: invoice.status, paid: invoice.status === 'paid' };
      } catch (err) {
        // A declined card is a 402 card_error: the attempt happened and failed (Stripe's invoice.payment_failed follows).
        if (err instanceof Stripe.errors.StripeCardError) return { invoiceId: input.invoiceId, status: 'open', paid: false };
        throw operatorError('invoice payment', err);
      }
    },
  };
}
