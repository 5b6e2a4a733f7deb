// The Stripe writes (and the invoice reads) the app service makes. Implemented over the Stripe
// SDK in stripe/billing-gateway-sdk.ts. Every write takes our own deterministic idempotency key
// so a retried or doubled request never creates a second customer, session or change.
import type Stripe from 'stripe';
import type { InvoiceStatus } from '../model/documents.js';

export interface CreateCustomerInput {
  accountId: string;
  email: string | null;
}

export interface CreateCheckoutSessionInput {
  customerId: string;
  accountId: string;
  /** The plan's licensed price (quantity: seats, else 1) and its metered prices (no quantity). */
  prices: readonly CheckoutPrice[];
  /** 0 = no trial. */
  trialDays: number;
  /** May contain Stripe's `{CHECKOUT_SESSION_ID}` placeholder. */
  successUrl: string;
  cancelUrl: string;
  /** Show Checkout's promotion code field (codes are created in the Stripe Dashboard). */
  allowPromotionCodes: boolean;
}

export type CheckoutPrice = { priceId: string; metered: false; quantity: number } | { priceId: string; metered: true };

/** Licensed items carry a quantity (the seats of a per-seat plan, else 1); metered ones none. */
export type SubscriptionItemChange =
  | { kind: 'swap'; itemId: string; priceId: string; quantity: number }
  | { kind: 'add'; priceId: string; metered: false; quantity: number }
  | { kind: 'add'; priceId: string; metered: true }
  | { kind: 'quantity'; itemId: string; quantity: number }
  | { kind: 'remove'; itemId: string };

/** An invoice as the app shows it: no line items, no payment details. */
export interface InvoiceView {
  id: string;
  customerId: string | null;
  number: string | null;
  status: InvoiceStatus | null;
  currency: string;
  total: number;
  amountDue: number;
  amountPaid: number;
  /** Unix seconds. */
  created: number;
  hostedInvoiceUrl: string | null;
  invoicePdf: string | null;
}

export interface InvoicePage {
  invoices: InvoiceView[];
  hasMore: boolean;
}

/** What a subscription change would invoice (Stripe's invoice preview); nothing is changed. */
export interface SubscriptionChangePreview {
  currency: string;
  /**
   * The previewed invoice's amount due, the customer's credit balance taken off: the invoice the
   * change makes at once when it restarts the billing period, else the next renewal's.
   */
  amountDue: number;
  /** The change's own prorations, in cents (negative: a credit). */
  proration: number;
  /** The time the prorations were computed for (unix seconds). */
  prorationDate: number | null;
  /** Every line of the previewed invoice; `change`: one of the change's own prorations (as `proration` sums). */
  lines: { description: string; amount: number; change: boolean; periodEnd: number }[];
}

/** What paying an open invoice now did: a decline or a bank's 3D Secure request leaves it open. */
export type InvoicePaymentOutcome = 'paid' | 'declined' | 'requires_action';

/** The card that pays the customer's invoices (no other payment method type is shown). */
export interface CardOnFile {
  /** Stripe's brand key: `visa`, `mastercard`, `amex`... */
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
}

/** What the customer holds at Stripe beside subscriptions: its card and its credit balance. */
export interface CustomerBillingDetails {
  /** The subscription's default card, else the customer's invoice default; null without one (or not a card). */
  card: CardOnFile | null;
  /** Stripe's customer balance in cents: negative is a credit applied to the next invoices. */
  balance: number;
  currency: string | null;
}

/** The subscription's next invoice as Stripe previews it now (metered usage so far included). */
export interface UpcomingInvoice {
  currency: string;
  amountDue: number;
  /** When it is due: the end of the current period (unix seconds). */
  periodEnd: number;
}

export interface BillingGateway {
  createCustomer(input: CreateCustomerInput, idempotencyKey: string): Promise<{ id: string; livemode: boolean }>;
  /** A hosted (`ui_mode: hosted_page`) subscription Checkout Session. */
  createCheckoutSession(input: CreateCheckoutSessionInput, idempotencyKey: string): Promise<{ id: string; url: string }>;
  /** Expires the customer's open Checkout Sessions but `except`; returns how many it expired. */
  expireOpenCheckoutSessions(input: { customerId: string; except: string }): Promise<number>;
  /**
   * The URL is a bearer credential: never log it. `flow: 'payment_method_update'` opens the portal
   * on its card form and returns to `returnUrl` once the card is changed.
   */
  createPortalSession(input: {
    customerId: string;
    returnUrl: string;
    flow?: 'payment_method_update' | undefined;
  }): Promise<{ url: string }>;
  /**
   * Apply item changes (swap the licensed price, add/remove metered prices) with proration.
   * `onlyIfPaid`: a change that is invoiced at once is applied only if that invoice is paid
   * (`payment_behavior: pending_if_incomplete`); unpaid, the subscription comes back unchanged
   * with `pending_update` set and the open invoice as `latest_invoice`.
   */
  changeSubscriptionItems(
    input: { subscriptionId: string; items: readonly SubscriptionItemChange[]; onlyIfPaid?: boolean | undefined },
    idempotencyKey: string,
  ): Promise<Stripe.Subscription>;
  /** What `changeSubscriptionItems` with these items would invoice, computed by Stripe now. */
  previewSubscriptionChange(input: {
    customerId: string;
    subscriptionId: string;
    items: readonly SubscriptionItemChange[];
  }): Promise<SubscriptionChangePreview>;
  setCancelAtPeriodEnd(input: { subscriptionId: string; cancelAtPeriodEnd: boolean }, idempotencyKey: string): Promise<Stripe.Subscription>;
  listInvoices(input: { customerId: string; limit: number; startingAfter?: string | undefined }): Promise<InvoicePage>;
  /** Null when Stripe has no such invoice. */
  retrieveInvoice(id: string): Promise<InvoiceView | null>;
  /** Charges an open invoice now with the customer's current card. */
  payInvoice(id: string): Promise<InvoicePaymentOutcome>;
  customerBillingDetails(input: { customerId: string; subscriptionId: string | null }): Promise<CustomerBillingDetails>;
  /** Null when the subscription has no next invoice (it has ended). */
  upcomingInvoice(input: { customerId: string; subscriptionId: string }): Promise<UpcomingInvoice | null>;
}
