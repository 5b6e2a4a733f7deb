// Firestore documents of usage metering (shared/src/usage/README.md says how they move).
// Every read goes through a zod converter; times we stamp are Timestamps, Stripe-facing times are
// unix seconds as Stripe takes them.
import { z } from 'zod';
import { ownedByAccount, timestamp } from './documents.js';
import { MeteredFeature } from '../plans/catalog.js';

const unixSeconds = z.number().int().nonnegative();
const units = z.number().int().nonnegative();
export const QuotaLimit = z.union([z.number().int().nonnegative(), z.literal('unlimited')]);

/**
 * `accounts/{accountId}/usage/{feature}_{periodStart}`: one quota counter per account, feature and quota
 * month (usage/usage-account.ts: monthly whatever the billing interval, `periodStart` its start).
 * `reserved` counts units leased to app instances (admitted or about to be); `used` counts
 * units actually admitted and flushed. Invariant for a finite limit: used <= reserved <= limit
 * (unless the plan was downgraded mid-period). `byMember` splits `used` by the member (user id) who
 * made the units, written in the same commits: it sums to `used` for units flushed since it exists
 * (a counter stored before reads as {}, and keeps its earlier units unattributed). TTL field
 * `expireAt` = period end + retention.
 */
export const UsageCounterDoc = ownedByAccount(
  z.object({
    accountId: z.string(),
    feature: MeteredFeature,
    periodStart: unixSeconds,
    periodEnd: unixSeconds,
    limit: QuotaLimit,
    reserved: units,
    used: units,
    /** User id -> units: a map keyed by id, never a dotted path (ids contain ':' and '.'). */
    byMember: z.record(z.string(), units).default({}),
    /**
     * UTC day ('YYYY-MM-DD') -> units, written in the same commits as `used`: the day each write
     * committed (usage/lease-policy.ts, dayIncrements). Sums to `used` for units flushed since it
     * exists; a counter stored before reads as {}.
     */
    byDay: z.record(z.string(), units).default({}),
    expireAt: timestamp,
    updatedAt: timestamp,
  }),
);
export type UsageCounterDoc = z.infer<typeof UsageCounterDoc>;

export const OutboxState = z.enum(['pending', 'claimed']);
export type OutboxState = z.infer<typeof OutboxState>;

/**
 * `usage_outbox/{id}`: units of a metered feature admitted by one flush of one instance, written in
 * the same transaction as the counter increment, so recorded usage is never lost before reporting.
 */
export const UsageOutboxEntry = ownedByAccount(
  z.object({
    accountId: z.string(),
    customerId: z.string(),
    feature: MeteredFeature,
    eventName: z.string(),
    value: z.number().int().positive(),
    /** When the units were admitted (flush time), unix seconds. */
    timestamp: unixSeconds,
    periodStart: unixSeconds,
    periodEnd: unixSeconds,
    state: OutboxState,
    reportId: z.string().nullable(),
    createdAt: timestamp,
    expireAt: timestamp,
  }),
);
export type UsageOutboxEntry = z.infer<typeof UsageOutboxEntry>;

/**
 * `usage_receipts/{writeId}`: created in the same commit as a counter write (lease or
 * flush), with the lease it granted. A write whose commit outcome is unknown (a timeout, a dropped
 * connection) is retried verbatim under the same id: the receipt tells the retry it already
 * happened, and what it granted. TTL `expireAt`: a day, far beyond any retry.
 */
export const UsageWriteReceipt = z.object({
  granted: units,
  createdAt: timestamp,
  expireAt: timestamp,
});
export type UsageWriteReceipt = z.infer<typeof UsageWriteReceipt>;

export const ReportState = z.enum(['claimed', 'sent', 'failed']);
export type ReportState = z.infer<typeof ReportState>;

/** `usage_reports/{identifier}`: one Stripe meter event. The doc id is the meter event `identifier`. */
export const UsageReportDoc = z.object({
  identifier: z.string(),
  customerId: z.string(),
  eventName: z.string(),
  value: z.number().int().positive(),
  timestamp: unixSeconds,
  entryIds: z.array(z.string()),
  state: ReportState,
  attempts: z.number().int().nonnegative(),
  lastError: z.string().nullable(),
  createdAt: timestamp,
  sentAt: timestamp.nullable(),
  expireAt: timestamp,
});
export type UsageReportDoc = z.infer<typeof UsageReportDoc>;
