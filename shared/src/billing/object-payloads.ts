// zod shapes of the Stripe objects the applier reads, from event payloads and from fetches alike
// (a fetched Stripe.Subscription goes through the same schema as an event's data.object). Only the
// fields the applier uses are validated; a payload that fails is unprocessable (dead-lettered).
// Ids follow the one grammar (stripe/stripe-ids.ts), except price and product ids, which an account
// may choose (see there) and which never name a document.
import { z } from 'zod';
import { PermanentError } from '../errors/app-error.js';
import { BillingInterval, InvoiceStatus } from '../model/documents.js';
import { SubscriptionStatus } from '../model/subscription-status.js';
import { stripeId, type StripeIdPrefix } from '../stripe/stripe-ids.js';

/** An expandable Stripe field: an id, or the object carrying it. */
const expandable = (id: z.ZodType<string>) =>
  z.union([id, z.looseObject({ id })]).transform((v): string => (typeof v === 'string' ? v : v.id));
/** An expandable field holding an object of the type `prefix` names. */
const expandableId = (prefix: StripeIdPrefix) => expandable(stripeId(prefix));
const unix = z.number().int().nonnegative();
const metadata = z
  .record(z.string(), z.string())
  .nullish()
  .transform((m) => m ?? {});

export const PricePayload = z.object({
  id: z.string(),
  lookup_key: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
  product: expandable(z.string())
    .nullish()
    .transform((v) => v ?? null),
  /** Null for tiered or custom-amount prices. */
  unit_amount: z
    .number()
    .int()
    .nullish()
    .transform((v) => v ?? null),
  currency: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
  /** `plan` names the catalog plan of a price made without a catalog lookup key (subscription-doc.ts). */
  metadata,
  recurring: z
    .object({
      interval: BillingInterval,
      interval_count: z
        .number()
        .int()
        .positive()
        .nullish()
        .transform((v) => v ?? 1),
      meter: z.string().nullish(),
      usage_type: z.string().nullish(),
    })
    .nullish()
    .transform((v) => v ?? null),
});

export const SubscriptionPayload = z.object({
  id: stripeId('sub'),
  customer: expandableId('cus'),
  status: SubscriptionStatus,
  created: unix,
  livemode: z.boolean(),
  items: z.object({
    data: z.array(
      z.object({
        id: stripeId('si'),
        quantity: z.number().int().nonnegative().nullish(),
        current_period_start: unix,
        current_period_end: unix,
        price: PricePayload,
      }),
    ),
  }),
  /** Where the subscription's months are counted from (monthly quotas); lenient for hand-made payloads. */
  billing_cycle_anchor: unix.nullish().transform((v) => v ?? null),
  cancel_at_period_end: z.boolean(),
  cancel_at: unix.nullable(),
  canceled_at: unix.nullable(),
  ended_at: unix.nullable(),
  trial_start: unix.nullable(),
  trial_end: unix.nullable(),
  metadata,
});
export type SubscriptionPayload = z.infer<typeof SubscriptionPayload>;

/** A customer, or what Stripe returns for a deleted one (`{id, deleted: true}`). */
export const CustomerPayload = z.object({
  id: stripeId('cus'),
  deleted: z.boolean().optional(),
  email: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
  livemode: z.boolean().optional(),
  metadata,
});
export type CustomerPayload = z.infer<typeof CustomerPayload>;

export const InvoicePayload = z.object({
  id: stripeId('in'),
  customer: expandableId('cus'),
  status: InvoiceStatus.nullable(),
  number: z.string().nullable(),
  currency: z.string(),
  amount_due: z.number().int(),
  amount_paid: z.number().int(),
  total: z.number().int(),
  created: unix,
  period_start: unix,
  period_end: unix,
  hosted_invoice_url: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
  invoice_pdf: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
  // Since 2025-03-31.basil the subscription lives here, not in `invoice.subscription`.
  parent: z.object({ subscription_details: z.object({ subscription: expandableId('sub').nullish() }).nullish() }).nullish(),
});
export type InvoicePayload = z.infer<typeof InvoicePayload>;

export const CheckoutSessionPayload = z.object({
  id: stripeId('cs'),
  mode: z.string(),
  customer: expandableId('cus')
    .nullish()
    .transform((v) => v ?? null),
  subscription: expandableId('sub')
    .nullish()
    .transform((v) => v ?? null),
  client_reference_id: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
  metadata,
});
export type CheckoutSessionPayload = z.infer<typeof CheckoutSessionPayload>;

/** The embedded list holds at most 10 entries; `has_more` says to list them all from Stripe. */
export const EntitlementSummaryPayload = z.object({
  customer: stripeId('cus'),
  entitlements: z.object({
    data: z.array(z.object({ lookup_key: z.string() })),
    has_more: z.boolean(),
  }),
});
export type EntitlementSummaryPayload = z.infer<typeof EntitlementSummaryPayload>;

/** Parses a Stripe object; a shape we cannot read is a permanent failure, not a retry. */
export function parsePayload<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new PermanentError(`unreadable ${what}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
