// Documents of the operator console (services/app/src/admin): who may operate it (roles), what
// operators did (the audit log), the access overrides they grant, the console's list fields kept
// on each account, and the small status documents the pipeline writes for its health view.
import { z } from 'zod';
import { timestamp } from './documents.js';
import { Feature, MeteredFeature } from '../plans/catalog.js';

const unixSeconds = z.number().int().nonnegative();

/** viewer reads the whole console; editor also acts on customers; admin also manages roles (and replays dead letters). */
export const OperatorRole = z.enum(['viewer', 'editor', 'admin']);
export type OperatorRole = z.infer<typeof OperatorRole>;

const RANK: { readonly [K in OperatorRole]: number } = { viewer: 1, editor: 2, admin: 3 };

/** Whether `role` includes what `needed` may do (roles are ordered: viewer < editor < admin). */
export function includesRole(role: OperatorRole, needed: OperatorRole): boolean {
  return RANK[role] >= RANK[needed];
}

/** An operator is named by the email IAP asserts, lower-cased (also the document id: no '/' in an email). */
export const OperatorEmail = z
  .email()
  .max(254)
  .transform((email) => email.toLowerCase());

/**
 * `operators/{email}`: one operator's role. `role: null` is a revoked operator, kept (not deleted) so
 * an email of ADMIN_EMAILS whose role an admin revoked is not made admin again by the bootstrap.
 */
export const OperatorDoc = z.object({
  email: z.string(),
  role: OperatorRole.nullable(),
  /** Who set the role: an operator's email, or `ADMIN_EMAILS` for the bootstrap. */
  grantedBy: z.string(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type OperatorDoc = z.infer<typeof OperatorDoc>;

/** Every change an operator can make, named once (the audit log's `action`, the BigQuery column). */
export const AuditAction = z.enum([
  'operator.bootstrapped',
  'operator.role_set',
  'operator.role_revoked',
  'customer.resynced',
  'subscription.cancel_at_period_end',
  'subscription.resumed',
  'subscription.canceled_now',
  'subscription.trial_extended',
  'override.granted',
  'override.revoked',
  'invoice.payment_retried',
  'dead_letters.replayed',
]);
export type AuditAction = z.infer<typeof AuditAction>;

/**
 * `admin_audit/{auditId}`: one operator action. No TTL (unlike the event ledger): the durable record
 * of who did what, when, with the state before and after (canonical JSON text, so any shape fits
 * and the CSV export is the stored text). Written in the transaction of the change when the change
 * is ours, right after Stripe's answer when Stripe owns the state; the id is derived from the
 * action's idempotency key, so a retried action records once.
 */
export const AuditEntry = z.object({
  auditId: z.string(),
  at: timestamp,
  /** The operator's email. */
  actor: z.string(),
  action: AuditAction,
  accountId: z.string().nullable(),
  customerId: z.string().nullable(),
  /** What was acted on: a subscription, invoice, override or operator email. */
  subject: z.string().nullable(),
  before: z.string().nullable(),
  after: z.string().nullable(),
  /** The operator's stated reason (trial extensions, overrides, cancellations); '' when none. */
  reason: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/**
 * An operator's grant beside the plan, until `expiresAt` (unix seconds): a feature the plan lacks,
 * or another monthly quota for a metered feature. Kept on the account document
 * (`accounts/{accountId}.overrides`) so the one read the access decision already makes sees it.
 */
export const AccessOverride = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('feature'),
    id: z.string(),
    feature: Feature,
    expiresAt: unixSeconds,
    grantedBy: z.string(),
    grantedAt: unixSeconds,
    reason: z.string(),
  }),
  z.object({
    kind: z.literal('quota'),
    id: z.string(),
    feature: MeteredFeature,
    limit: z.number().int().nonnegative(),
    expiresAt: unixSeconds,
    grantedBy: z.string(),
    grantedAt: unixSeconds,
    reason: z.string(),
  }),
]);
export type AccessOverride = z.infer<typeof AccessOverride>;

/** Overrides still in force at `now` (unix seconds). */
export const activeOverrides = (overrides: readonly AccessOverride[] | undefined, now: number): AccessOverride[] =>
  (overrides ?? []).filter((o) => o.expiresAt > now);

/**
 * The console's customer-list status: Stripe's status, except that a current subscription set to
 * end is `canceling`, `unpaid` reads as `past_due` (a payment problem either way), an expired
 * incomplete one as `canceled`; `none` for an account that never subscribed.
 */
export const ListingStatus = z.enum(['none', 'incomplete', 'trialing', 'active', 'past_due', 'canceling', 'canceled', 'paused']);
export type ListingStatus = z.infer<typeof ListingStatus>;

/**
 * `accounts/{accountId}.listing`: what the console's customer list filters and shows, written by the
 * event applier with the billing summary (billing/stage-customer-change.ts), so the list is one
 * indexed query rather than a scan of subscriptions.
 */
export const CustomerListing = z.object({
  status: ListingStatus,
  planId: z.string().nullable(),
  /** Minor units (cents, usd) per month the account pays now; 0 when not paying. */
  mrr: z.number().int().nonnegative(),
});
export type CustomerListing = z.infer<typeof CustomerListing>;

/** `ops_status/usage_reporter`: the usage reporter's last run (functions/src/report-usage), for the console's pipeline health. */
export const UsageReporterStatusDoc = z.object({
  startedAt: timestamp,
  finishedAt: timestamp,
  /** Meter events sent to Stripe in the run. */
  reported: z.number().int().nonnegative(),
  /** Whether the run ended with an error (it is retried on the next tick). */
  failed: z.boolean(),
});
export type UsageReporterStatusDoc = z.infer<typeof UsageReporterStatusDoc>;

/**
 * `ops_status/applier`: the newest event an applier instance applied, written at most once a minute
 * per instance (pipeline-status.ts), outside the event's transaction: a heartbeat, not a ledger. The
 * ledger itself cannot answer "the last event" (its time fields are exempt from indexing).
 */
export const ApplierStatusDoc = z.object({
  eventId: z.string(),
  type: z.string(),
  /** Stripe's `event.created` (unix seconds). */
  created: unixSeconds,
  outcome: z.string(),
  appliedAt: timestamp,
});
export type ApplierStatusDoc = z.infer<typeof ApplierStatusDoc>;

/**
 * `revenue_months/{YYYY-MM}`: each account's MRR at the start of the month (so, the end of the month
 * before), written once by the usage reporter's first tick of the month (revenue/monthly-snapshot.ts).
 * The revenue page's history and its monthly movements are computed from consecutive documents.
 * One document per month: fine up to ~20,000 paying accounts (Firestore's 1 MiB document limit).
 */
export const RevenueMonthDoc = z.object({
  month: z.string().regex(/^\d{4}-\d{2}$/),
  takenAt: timestamp,
  currency: z.literal('usd'),
  /** Account id (customer id for a customer without account) -> cents per month; payers only. */
  mrrByAccount: z.record(z.string(), z.number().int().nonnegative()),
});
export type RevenueMonthDoc = z.infer<typeof RevenueMonthDoc>;
