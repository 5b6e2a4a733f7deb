// What the product tells a host, on the `billing-notifications` Pub/Sub topic: typed, versioned
// messages a host subscribes to (to send its quota-warning emails, to invalidate its caches).
// Delivery is at least once: each message carries a `notificationId` that is the same on every
// delivery of the same fact (dedupe on it), and attributes `type`, `version` and `accountId` to
// filter on (Pub/Sub subscription filters). The JSON Schema of each type is committed beside this
// file (schemas/), generated from these zod schemas.
import { z } from 'zod';
import { SubscriptionStatus } from '../model/subscription-status.js';
import { MeteredFeature, PlanId } from '../plans/catalog.js';

const envelope = {
  notificationId: z.string().min(1),
  version: z.literal(1),
  accountId: z.string(),
  /** ISO 8601: when the fact happened (the Stripe event's time, or the admission's). */
  occurredAt: z.iso.datetime(),
};

const SubscriptionState = z.object({
  status: SubscriptionStatus.nullable(),
  planId: z.string().nullable(),
  seats: z.number().int().nonnegative(),
  cancelAtPeriodEnd: z.boolean(),
  cancelAt: z.number().int().nullable(),
  currentPeriodEnd: z.number().int().nullable(),
  trialEnd: z.number().int().nullable(),
});
export type SubscriptionState = z.infer<typeof SubscriptionState>;

export const SubscriptionChanged = z.object({
  ...envelope,
  type: z.literal('subscription.changed'),
  before: SubscriptionState.nullable(),
  after: SubscriptionState,
});
export const EntitlementsChanged = z.object({ ...envelope, type: z.literal('entitlements.changed'), entitlements: z.array(z.string()) });
export const PaymentProblem = z.object({
  ...envelope,
  type: z.enum(['payment.failed', 'payment.action_required']),
  invoiceId: z.string(),
  amountDue: z.number().int(),
  currency: z.string(),
  hostedInvoiceUrl: z.string().nullable(),
});
export const TrialEnding = z.object({
  ...envelope,
  type: z.literal('trial.ending'),
  subscriptionId: z.string(),
  trialEnd: z.number().int(),
});
export const QuotaThreshold = z.object({
  ...envelope,
  type: z.literal('quota.threshold_crossed'),
  feature: MeteredFeature,
  /** 80 or 100 (percent of the quota). */
  threshold: z.union([z.literal(80), z.literal(100)]),
  used: z.number().int().nonnegative(),
  limit: z.number().int().positive(),
  plan: PlanId,
  /** Unix seconds: the quota month this is about, and when it resets. */
  periodStart: z.number().int(),
  periodEnd: z.number().int(),
});

export const Notification = z.discriminatedUnion('type', [
  SubscriptionChanged,
  EntitlementsChanged,
  PaymentProblem,
  TrialEnding,
  QuotaThreshold,
]);
export type Notification = z.infer<typeof Notification>;
export type NotificationType = Notification['type'];

/** Every type with its schema, for the committed JSON Schemas (one file per type and version). */
export const NOTIFICATION_SCHEMAS: readonly { type: NotificationType; schema: z.ZodType }[] = [
  { type: 'subscription.changed', schema: SubscriptionChanged },
  { type: 'entitlements.changed', schema: EntitlementsChanged },
  { type: 'payment.failed', schema: PaymentProblem },
  { type: 'payment.action_required', schema: PaymentProblem },
  { type: 'trial.ending', schema: TrialEnding },
  { type: 'quota.threshold_crossed', schema: QuotaThreshold },
];

/** Pub/Sub attributes of a message: what a subscription filter can select on. */
export function notificationAttributes(n: Notification): Record<string, string> {
  return { type: n.type, version: String(n.version), accountId: n.accountId, notificationId: n.notificationId };
}
