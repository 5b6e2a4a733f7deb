// Everything the console shows of one customer, read in one round of parallel reads. Cost per view:
// 1 (account) + members + subscriptions + 1 (entitlements) + invoices (at most 24) + usage counters
// of the account (a small subcollection bounded by its TTL) + API keys + ledger entries of the
// customer (bounded by the ledger's TTL; at most 200) + audit entries (at most 50). Every query is
// an equality query on an indexed field, or uses a composite index (invoices: customerId + created
// desc; admin_audit: accountId + at desc).
import type { Store } from '../firestore/store.js';
import type { AccountDoc, MembershipDoc } from '../model/account-documents.js';
import type { EntitlementsDoc, InvoiceDoc, LedgerEntry, SubscriptionDoc } from '../model/documents.js';
import { activeOverrides, type AccessOverride, type AuditEntry } from '../model/operator-documents.js';
import type { UsageCounterDoc } from '../model/usage-documents.js';
import { listAudit } from './audit-log.js';

export const DETAIL_INVOICES = 24;
export const DETAIL_LEDGER = 200;

export interface ApiKeyMetadata {
  id: string;
  name: string;
  prefix: string;
  createdBy: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** One line of the customer's timeline: a billing event the applier applied, or an operator's action. */
export type TimelineItem =
  | { kind: 'event'; at: number; type: string; outcome: LedgerEntry['outcome']; eventId: string; objectId: string | null }
  | { kind: 'admin'; at: number; action: AuditEntry['action']; actor: string; subject: string | null; reason: string };

export interface CustomerDetail {
  account: AccountDoc;
  members: MembershipDoc[];
  subscriptions: SubscriptionDoc[];
  entitlements: EntitlementsDoc | null;
  invoices: InvoiceDoc[];
  /** Quota counters, newest period first. */
  usage: UsageCounterDoc[];
  apiKeys: ApiKeyMetadata[];
  overrides: AccessOverride[];
  timeline: TimelineItem[];
  audit: AuditEntry[];
}

const iso = (t: { toDate(): Date } | null) => (t ? t.toDate().toISOString() : null);

/** Null when there is no such account. `now`: unix seconds (which overrides are in force). */
export async function readCustomerDetail(store: Store, accountId: string, now: number): Promise<CustomerDetail | null> {
  const account = (await store.accounts.doc(accountId).get()).data();
  if (!account) return null;
  const customerId = account.stripeCustomerId;
  const [members, subscriptions, entitlements, invoices, usage, apiKeys, ledger, audit] = await Promise.all([
    store.membersOfAccount(accountId).get(),
    customerId ? store.subscriptionsOfCustomer(customerId).get() : null,
    customerId ? store.entitlements.doc(customerId).get() : null,
    customerId ? store.invoices.where('customerId', '==', customerId).orderBy('created', 'desc').limit(DETAIL_INVOICES).get() : null,
    store.usageCountersOfAccount(accountId).get(),
    store.apiKeys.where('accountId', '==', accountId).get(),
    // The ledger's `created` is exempt from indexing (a write-heavy field): the customer's entries are few (TTL), sorted here.
    customerId ? store.ledger.where('customerId', '==', customerId).limit(DETAIL_LEDGER).get() : null,
    listAudit(store, { accountId, limit: 50 }),
  ]);
  const docs = <T>(snap: { docs: { data(): T }[] } | null): T[] => (snap ? snap.docs.map((d) => d.data()) : []);
  const timeline: TimelineItem[] = [
    ...docs(ledger).map((e): TimelineItem => ({
      kind: 'event',
      at: e.created,
      type: e.type,
      outcome: e.outcome,
      eventId: e.eventId,
      objectId: e.objectId,
    })),
    ...audit.entries.map((e): TimelineItem => ({
      kind: 'admin',
      at: Math.floor(e.at.toMillis() / 1000),
      action: e.action,
      actor: e.actor,
      subject: e.subject,
      reason: e.reason,
    })),
  ].sort((a, b) => b.at - a.at);
  return {
    account,
    members: docs(members).sort((a, b) => a.createdAt.toMillis() - b.createdAt.toMillis()),
    subscriptions: docs(subscriptions).sort((a, b) => b.created - a.created),
    entitlements: entitlements?.data() ?? null,
    invoices: docs(invoices),
    usage: docs(usage).sort((a, b) => b.periodStart - a.periodStart || a.feature.localeCompare(b.feature)),
    apiKeys: docs(apiKeys)
      .map((k) => ({
        id: k.id,
        name: k.name,
        prefix: k.prefix,
        createdBy: k.createdBy,
        createdAt: iso(k.createdAt) ?? '',
        lastUsedAt: iso(k.lastUsedAt),
        revokedAt: iso(k.revokedAt),
      }))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
    overrides: activeOverrides(account.overrides, now),
    timeline,
    audit: audit.entries,
  };
}

/** The customer in Stripe's Dashboard: test-mode objects live under /test. */
export function stripeDashboardUrl(customerId: string, livemode: boolean): string {
  return `https://dashboard.stripe.com${livemode ? '' : '/test'}/customers/${encodeURIComponent(customerId)}`;
}
