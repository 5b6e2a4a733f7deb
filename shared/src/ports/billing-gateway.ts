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
}

export interface BillingGateway {
  createCustomer(input: CreateCustomerInput, idempotencyKey: string): Promise<{ id: string; livemode: boolean }>;
  /** A hosted (`ui_mode: hosted_page`) subscription Checkout Session. */
  createCheckoutSession(input: CreateCheckoutSessionInput, idempotencyKey: string): Promise<{ id: string; url: string }>;
  /** Expires the customer's open Checkout Sessions but `except`; returns how many it expired. */
  expireOpenCheckoutSessions(input: { customerId: string; except: string }): Promise<number>;
  /** The URL is a bearer credential: never log it. */
  createPortalSession(input: { customerId: string; returnUrl: string }): Promise<{ url: string }>;
  /** Apply item changes (swap the licensed price, add/remove metered prices) with proration. */
  changeSubscriptionItems(input: { subscriptionId: string; items: readonly SubscriptionItemChange[] }, idempotencyKey: string): Promise<Stripe.Subscription>;
  /** What `changeSubscriptionItems` with these items would invoice, computed by Stripe now. */
  previewSubscriptionChange(input: { customerId: string; subscriptionId: string; items: readonly SubscriptionItemChange[] }): Promise<SubscriptionChangePreview>;
  setCancelAtPeriodEnd(input: { subscriptionId: string; cancelAtPeriodEnd: boolean }, idempotencyKey: string): Promise<Stripe.Subscription>;
  listInvoices(input: { customerId: string; limit: number; startingAfter?: string | undefined }): Promise<InvoicePage>;
  /** Null when Stripe has no such invoice. */
  retrieveInvoice(id: string): Promise<InvoiceView | null>;
}
