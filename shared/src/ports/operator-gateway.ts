// The Stripe writes the operator console makes beyond the app's own (ports/billing-gateway.ts):
// ending a subscription now, moving a trial's end, retrying an open invoice's payment. Implemented
// over the Stripe SDK in stripe/operator-gateway-sdk.ts. Every write takes our deterministic
// idempotency key. Stripe refusing the request (the subscription already ended, the invoice not
// open, the card declined) comes back as an `OperatorRefusal`, never as an SDK error.
import type Stripe from 'stripe';
import { AppError } from '../errors/app-error.js';

export interface PayInvoiceResult {
  invoiceId: string;
  /** Stripe's invoice status after the attempt. */
  status: string | null;
  paid: boolean;
}

export interface OperatorGateway {
  cancelSubscriptionNow(input: { subscriptionId: string }, idempotencyKey: string): Promise<Stripe.Subscription>;
  /** Moves the trial's end (unix seconds, in the future); Stripe bills from then on. */
  setTrialEnd(input: { subscriptionId: string; trialEnd: number }, idempotencyKey: string): Promise<Stripe.Subscription>;
  /** Charges the open invoice with the customer's default payment method now; a decline is `paid: false`. */
  payInvoice(input: { invoiceId: string }, idempotencyKey: string): Promise<PayInvoiceResult>;
}

/** Stripe refused the operator's request for a reason the operator can read (409 with Stripe's message). */
export class OperatorRefusal extends AppError {
  constructor(message: string, stripeCode: string) {
    super('conflict', message, { stripeCode });
    this.name = 'OperatorRefusal';
  }
}
