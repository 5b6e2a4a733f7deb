// The Firestore data model as zod schemas: every read goes through a converter that parses, so
// code past the read trusts the shape. Times that come from Stripe are unix seconds (numbers),
// exactly as Stripe sends them; times we stamp ourselves are Firestore Timestamps.
import { z } from 'zod';
import { SubscriptionStatus } from './subscription-status.js';

/**
 * A time we stamp ourselves, as Firestore stores it (a Timestamp). Named by the part the code
 * uses, and checked by shape, so that the model (and the pure domain over it) loads without the
 * Firestore SDK; a Firestore Timestamp is one.
 */
export interface StoredTime {
  readonly seconds: number;
  readonly nanoseconds: number;
  toMillis(): number;
  toDate(): Date;
  isEqual(other: StoredTime): boolean;
}

const isStoredTime = (value: unknown): value is StoredTime =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as StoredTime).seconds === 'number' &&
  typeof (value as StoredTime).nanoseconds === 'number' &&
  typeof (value as StoredTime).toMillis === 'function';

export const timestamp = z.custom<StoredTime>(isStoredTime, { message: 'Expected a Firestore Timestamp' });
const unixSeconds = z.number().int().nonnegative();

/**
 * Documents written before billing accounts named their owner `userId`; a personal account's id is
 * its user's id, so such a document reads as owned by that account. New writes carry `accountId`.
 */
export function ownedByAccount<S extends z.ZodObject>(schema: S) {
  return z.preprocess((value) => {
    if (typeof value !== 'object' || value === null || 'accountId' in value || !('userId' in value)) return value;
    const { userId, ...rest } = value;
    return { ...rest, accountId: userId };
  }, schema);
}

/**
 * Order guard carried by every document the event applier writes (see README "Ordering").
 * `created` is the Stripe `event.created` of the newest event applied (or the stamp of a
 * refetch); `revision` increments on every write and is the compare-and-set token for writes of
 * objects refetched from Stripe.
 */
export const Version = z.object({
  created: unixSeconds,
  eventId: z.string().nullable(),
  source: z.enum(['event', 'fetch']),
  revision: z.number().int().nonnegative(),
});
export type Version = z.infer<typeof Version>;

export const BillingInterval = z.enum(['day', 'week', 'month', 'year']);
export type BillingInterval = z.infer<typeof BillingInterval>;

/** `subscriptions/{subscriptionId}`: written by the event applier (and the app's post-checkout refresh). */
export const SubscriptionDoc = ownedByAccount(
  z.object({
    subscriptionId: z.string(),
    customerId: z.string(),
    accountId: z.string().nullable(),
    livemode: z.boolean(),
    status: SubscriptionStatus,
    /** The licensed (non-metered) item's price: what decides the plan. */
    priceId: z.string().nullable(),
    productId: z.string().nullable(),
    planId: z.string().nullable(),
    interval: BillingInterval.nullable(),
    quantity: z.number().int().nonnegative(),
    items: z.array(
      z.object({
        itemId: z.string(),
        priceId: z.string(),
        lookupKey: z.string().nullable(),
        metered: z.boolean(),
        quantity: z.number().int().nonnegative(),
        currentPeriodStart: unixSeconds,
        currentPeriodEnd: unixSeconds,
        // The price's amount and period, for the revenue view. Defaults: documents stored before
        // these fields existed read as "amount unknown" until their next event.
        /** Smallest currency unit per `intervalCount` × `interval`; null for tiered or custom-amount prices. */
        unitAmount: z.number().int().nullable().default(null),
        currency: z.string().nullable().default(null),
        interval: BillingInterval.nullable().default(null),
        intervalCount: z.number().int().positive().default(1),
      }),
    ),
    currentPeriodStart: unixSeconds.nullable(),
    currentPeriodEnd: unixSeconds.nullable(),
    /**
     * Stripe's `billing_cycle_anchor`: where the subscription's months are counted from (monthly
     * quotas reset on its day of month, usage/quota-period.ts). Documents stored before it was kept
     * read as null until their next event.
     */
    billingCycleAnchor: unixSeconds.nullable().default(null),
    cancelAtPeriodEnd: z.boolean(),
    cancelAt: unixSeconds.nullable(),
    canceledAt: unixSeconds.nullable(),
    endedAt: unixSeconds.nullable(),
    trialStart: unixSeconds.nullable(),
    trialEnd: unixSeconds.nullable(),
    created: unixSeconds,
    version: Version,
    updatedAt: timestamp,
  }),
);
export type SubscriptionDoc = z.infer<typeof SubscriptionDoc>;

/** `customers/{stripeCustomerId}`: the customer <-> user mapping. App writes it when it creates the customer; the applier keeps it current. */
export const CustomerDoc = ownedByAccount(
  z.object({
    customerId: z.string(),
    accountId: z.string(),
    email: z.string().nullable(),
    deleted: z.boolean(),
    livemode: z.boolean(),
    version: Version,
    updatedAt: timestamp,
  }),
);
export type CustomerDoc = z.infer<typeof CustomerDoc>;

/** `entitlements/{stripeCustomerId}`: Stripe's active entitlements (feature lookup keys), all pages. */
export const EntitlementsDoc = ownedByAccount(
  z.object({
    customerId: z.string(),
    accountId: z.string().nullable(),
    features: z.array(z.string()),
    version: Version,
    updatedAt: timestamp,
  }),
);
export type EntitlementsDoc = z.infer<typeof EntitlementsDoc>;

/**
 * `customer_objects/{customerId}`: the applier's index of what a user's billing summary is computed
 * from, so recomputing it reads known documents in one batch instead of querying (stage-customer-change.ts).
 * Written only inside the applier's transactions, next to the documents it lists.
 */
export const CustomerObjectsDoc = z.object({
  customerId: z.string(),
  /** Every subscription of the customer, canceled ones included. */
  subscriptionIds: z.array(z.string()),
  /** Invoices whose `paymentIssue` is set. */
  paymentIssueInvoiceIds: z.array(z.string()),
  updatedAt: timestamp,
});
export type CustomerObjectsDoc = z.infer<typeof CustomerObjectsDoc>;

export const InvoiceStatus = z.enum(['draft', 'open', 'paid', 'uncollectible', 'void']);
export type InvoiceStatus = z.infer<typeof InvoiceStatus>;

/** `invoices/{invoiceId}`: written by the applier from invoice events (admin revenue view, payment notices). */
export const InvoiceDoc = ownedByAccount(
  z.object({
    invoiceId: z.string(),
    customerId: z.string(),
    accountId: z.string().nullable(),
    subscriptionId: z.string().nullable(),
    number: z.string().nullable(),
    status: InvoiceStatus.nullable(),
    currency: z.string(),
    amountDue: z.number().int(),
    amountPaid: z.number().int(),
    total: z.number().int(),
    created: unixSeconds,
    periodStart: unixSeconds,
    periodEnd: unixSeconds,
    hostedInvoiceUrl: z.string().nullable(),
    invoicePdf: z.string().nullable(),
    /** Set by invoice.payment_failed / payment_action_required, cleared when paid. */
    paymentIssue: z.enum(['failed', 'action_required']).nullable(),
    version: Version,
    updatedAt: timestamp,
  }),
);
export type InvoiceDoc = z.infer<typeof InvoiceDoc>;

/**
 * What access control needs, in the user's own document so one read (or one listener) decides.
 * Derived by the applier from the customer's subscriptions and entitlements; never from the browser.
 */
export const BillingSummary = z.object({
  customerId: z.string().nullable(),
  subscriptionId: z.string().nullable(),
  status: SubscriptionStatus.nullable(),
  planId: z.string().nullable(),
  priceId: z.string().nullable(),
  interval: BillingInterval.nullable(),
  currentPeriodStart: unixSeconds.nullable(),
  currentPeriodEnd: unixSeconds.nullable(),
  /**
   * The subscription's `billing_cycle_anchor`: monthly quotas reset on its day of month whatever the
   * billing interval. Summaries stored before it was kept read as null: usage then anchors on
   * `currentPeriodStart` (usage-account.ts) until the next event rewrites the summary.
   */
  billingCycleAnchor: unixSeconds.nullable().default(null),
  cancelAtPeriodEnd: z.boolean(),
  cancelAt: unixSeconds.nullable(),
  trialEnd: unixSeconds.nullable(),
  /**
   * The licensed item's quantity: the seats of a per-seat plan, 1 on a flat one, 0 without a
   * subscription. Summaries stored before it was kept read as 1.
   */
  quantity: z.number().int().nonnegative().default(1),
  entitlements: z.array(z.string()),
  /** Open invoice needing attention (failed or needs 3DS), for the billing page banner. */
  paymentIssue: z.enum(['failed', 'action_required']).nullable(),
  updatedAt: timestamp,
});
export type BillingSummary = z.infer<typeof BillingSummary>;

export const LedgerOutcome = z.enum([
  'applied', // state written
  'stale', // an equal-or-newer state was already stored; nothing written
  'ignored', // a type we do not handle, or a handled type with nothing to do
  'unmapped', // no user for the customer (created outside the product); object stored, no user summary
  'expired', // older than the configured maximum age; dropped
]);
export type LedgerOutcome = z.infer<typeof LedgerOutcome>;

/** `stripe_events/{eventId}`: the ledger of applied events, written in the same transaction as the state. */
export const LedgerEntry = z.object({
  eventId: z.string(),
  type: z.string(),
  created: unixSeconds,
  livemode: z.boolean(),
  objectId: z.string().nullable(),
  customerId: z.string().nullable(),
  outcome: LedgerOutcome,
  appliedAt: timestamp,
  /** TTL field: ledger entries outlive Stripe's 3-day retry window by a wide margin, then expire. */
  expireAt: timestamp,
});
export type LedgerEntry = z.infer<typeof LedgerEntry>;
