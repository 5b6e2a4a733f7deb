// Everything the stand-in knows, in memory, as the SDK's own object types. Maps keep insertion
// order, which is creation order; lists read them newest first. Tests inspect this as the truth
// to compare Firestore against (see `subscriptionsOf`).
import type Stripe from 'stripe';

/** What happens when the stand-in charges a customer's default payment method. */
export const PaymentBehaviour = ['succeeds', 'fails', 'requires_action', 'none'] as const;
export type PaymentBehaviour = (typeof PaymentBehaviour)[number];

/** Stripe-side bookkeeping for one subscription that is not part of the API object. */
export interface SubscriptionRecord {
  subscription: Stripe.Subscription;
  /** The open invoice being retried (Smart Retries), if any. */
  dunning: { invoiceId: string; failedAttempts: number; nextAttemptAt: number } | null;
  trialWillEndSent: boolean;
  /**
   * An item change made with `payment_behavior=pending_if_incomplete` whose invoice is not paid:
   * applied when `invoiceId` is paid, discarded (and the invoice voided) at `pending_update.expires_at`.
   */
  pendingUpdate?: { invoiceId: string; items: Stripe.SubscriptionItem[]; restartedPeriod: { start: number; end: number } | null } | null;
}

/** Line items and trial a Checkout Session was created with (Stripe keeps these off the session object). */
export interface CheckoutIntent {
  items: { price: Stripe.Price; quantity: number | undefined }[];
  trialDays: number | undefined;
  subscriptionMetadata: Stripe.Metadata;
}

export interface MeterEventRecord {
  identifier: string;
  eventName: string;
  customer: string;
  value: number;
  /** When the usage happened (the `timestamp` parameter). */
  timestamp: number;
  /** When the stand-in received it (stand-in clock). */
  created: number;
}

export class StandInState {
  readonly customers = new Map<string, Stripe.Customer>();
  readonly deletedCustomers = new Set<string>();
  readonly paymentBehaviour = new Map<string, PaymentBehaviour>();
  readonly products = new Map<string, Stripe.Product>();
  readonly prices = new Map<string, Stripe.Price>();
  readonly meters = new Map<string, Stripe.Billing.Meter>();
  readonly features = new Map<string, Stripe.Entitlements.Feature>();
  /** product id -> feature ids attached to it */
  readonly productFeatures = new Map<string, string[]>();
  readonly checkoutSessions = new Map<string, Stripe.Checkout.Session>();
  readonly checkoutIntents = new Map<string, CheckoutIntent>();
  readonly subscriptions = new Map<string, SubscriptionRecord>();
  readonly invoices = new Map<string, Stripe.Invoice>();
  /** Prorations, pending (`invoice: null`) until the subscription's next invoice takes them. */
  readonly invoiceItems = new Map<string, Stripe.InvoiceItem>();
  readonly portalSessions = new Map<string, Stripe.BillingPortal.Session>();
  /** Registered endpoints (kept for the API; webhooks are delivered to the stand-in's one configured URL). */
  readonly webhookEndpoints = new Map<string, Stripe.WebhookEndpoint>();
  readonly events: Stripe.Event[] = [];
  readonly meterEvents: MeterEventRecord[] = [];
  /** identifier -> time it was first seen (stand-in clock) */
  readonly meterEventIdentifiers = new Map<string, number>();
  /** customer -> feature lookup keys last announced in an entitlement summary event */
  readonly announcedEntitlements = new Map<string, string[]>();
  invoiceSequence = 0;

  /** A customer's subscriptions, newest first (the truth an end-to-end test compares with). */
  subscriptionsOf(customerId: string): Stripe.Subscription[] {
    return [...this.subscriptions.values()]
      .map((r) => r.subscription)
      .filter((s) => s.customer === customerId)
      .reverse();
  }

  paymentBehaviourOf(customerId: string): PaymentBehaviour {
    return this.paymentBehaviour.get(customerId) ?? 'succeeds';
  }
}

/** Map values newest first. */
export const newestFirst = <T>(map: ReadonlyMap<string, T>): T[] => [...map.values()].reverse();
