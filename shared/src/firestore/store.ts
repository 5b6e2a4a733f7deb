// The one typed store: every collection the product reads or writes, named once, each behind a
// converter that parses (model/*), so code past a read trusts the shape. Nothing else builds a
// Firestore path. The README's "Data model" section describes each document and who writes it.
import type {
  CollectionReference,
  DocumentData,
  DocumentReference,
  DocumentSnapshot,
  Firestore,
  Query,
  Transaction,
} from '@google-cloud/firestore';
import type { z } from 'zod';
import { ApiKeyDoc } from '../model/api-key-documents.js';
import { Collection } from '../model/collections.js';
import { AccountDoc, InvitationDoc, LegacyUserDoc, MembershipDoc, membershipId } from '../model/account-documents.js';
import { CustomerDoc, CustomerObjectsDoc, EntitlementsDoc, InvoiceDoc, LedgerEntry, SubscriptionDoc } from '../model/documents.js';
import { ApplierStatusDoc, AuditEntry, OperatorDoc, RevenueMonthDoc, UsageReporterStatusDoc } from '../model/operator-documents.js';
import { NotificationOutboxDoc, ServiceKeyDoc, TrackKeyDoc } from '../model/service-documents.js';
import { UsageCounterDoc, UsageOutboxEntry, UsageReportDoc, UsageWriteReceipt } from '../model/usage-documents.js';
import type { MeteredFeature } from '../plans/catalog.js';
import { zodConverter } from './zod-converter.js';

function typed<S extends z.ZodType<DocumentData>>(db: Firestore, name: string, schema: S): CollectionReference<z.infer<S>> {
  return db.collection(name).withConverter(zodConverter(schema));
}

export function createStore(db: Firestore) {
  const accounts = typed(db, Collection.accounts, AccountDoc);
  const memberships = typed(db, Collection.memberships, MembershipDoc);
  const invitations = typed(db, Collection.invitations, InvitationDoc);
  const subscriptions = typed(db, Collection.subscriptions, SubscriptionDoc);
  const invoices = typed(db, Collection.invoices, InvoiceDoc);
  const notificationOutbox = typed(db, Collection.notificationOutbox, NotificationOutboxDoc);
  const usageConverter = zodConverter(UsageCounterDoc);
  const adminAudit = typed(db, Collection.adminAudit, AuditEntry);
  return {
    db,
    accounts,
    memberships,
    /** `memberships/{accountId}|{userId}`. */
    membership: (accountId: string, userId: string): DocumentReference<MembershipDoc> => memberships.doc(membershipId(accountId, userId)),
    membershipsOfUser: (userId: string): Query<MembershipDoc> => memberships.where('userId', '==', userId),
    membersOfAccount: (accountId: string): Query<MembershipDoc> => memberships.where('accountId', '==', accountId),
    invitations,
    pendingInvitationsOfAccount: (accountId: string): Query<InvitationDoc> =>
      invitations.where('accountId', '==', accountId).where('status', '==', 'pending'),
    pendingInvitationsForEmail: (email: string): Query<InvitationDoc> =>
      invitations.where('email', '==', email).where('status', '==', 'pending'),
    legacyUsers: typed(db, Collection.legacyUsers, LegacyUserDoc),
    customers: typed(db, Collection.customers, CustomerDoc),
    subscriptions,
    entitlements: typed(db, Collection.entitlements, EntitlementsDoc),
    invoices,
    customerObjects: typed(db, Collection.customerObjects, CustomerObjectsDoc),
    ledger: typed(db, Collection.ledger, LedgerEntry),
    apiKeys: typed(db, Collection.apiKeys, ApiKeyDoc),
    trackKeys: typed(db, Collection.trackKeys, TrackKeyDoc),
    serviceKeys: typed(db, Collection.serviceKeys, ServiceKeyDoc),
    notificationOutbox,
    /** Notifications not yet published. */
    unpublishedNotifications: (): Query<NotificationOutboxDoc> => notificationOutbox.where('publishedAt', '==', null),
    usageOutbox: typed(db, Collection.usageOutbox, UsageOutboxEntry),
    usageReceipts: typed(db, Collection.usageReceipts, UsageWriteReceipt),
    usageReports: typed(db, Collection.usageReports, UsageReportDoc),
    /** A legacy user's counters, `users/{userId}/usage` (the migration copies them). */
    legacyUsageCounters: (userId: string): CollectionReference<UsageCounterDoc> =>
      db.collection(Collection.legacyUsers).doc(userId).collection(Collection.usage).withConverter(usageConverter),
    /** `accounts/{accountId}/usage/{feature}_{periodStart}`: one quota counter (model/usage-documents.ts). */
    usageCounter: (accountId: string, feature: MeteredFeature, periodStart: number): DocumentReference<UsageCounterDoc> =>
      db
        .collection(Collection.accounts)
        .doc(accountId)
        .collection(Collection.usage)
        .doc(`${feature}_${periodStart}`)
        .withConverter(usageConverter),
    subscriptionsOfCustomer: (customerId: string): Query<SubscriptionDoc> => subscriptions.where('customerId', '==', customerId),
    /** Invoices that still carry a payment problem (the billing page banner). */
    invoicesWithPaymentIssue: (customerId: string): Query<InvoiceDoc> =>
      invoices.where('customerId', '==', customerId).where('paymentIssue', 'in', ['failed', 'action_required']),
    operators: typed(db, Collection.operators, OperatorDoc),
    adminAudit,
    revenueMonths: typed(db, Collection.revenueMonths, RevenueMonthDoc),
    /** The usage reporter's last run (functions/src/report-usage). */
    usageReporterStatus: (): DocumentReference<UsageReporterStatusDoc> =>
      db.collection(Collection.opsStatus).doc('usage_reporter').withConverter(zodConverter(UsageReporterStatusDoc)),
    /** The applier's heartbeat: the newest event an instance applied (written at most once a minute per instance). */
    applierStatus: (): DocumentReference<ApplierStatusDoc> =>
      db.collection(Collection.opsStatus).doc('applier').withConverter(zodConverter(ApplierStatusDoc)),
    /** Every quota counter of an account (`accounts/{accountId}/usage`), for the operator console. */
    usageCountersOfAccount: (accountId: string): CollectionReference<UsageCounterDoc> =>
      db.collection(Collection.accounts).doc(accountId).collection(Collection.usage).withConverter(usageConverter),
  };
}
export type Store = ReturnType<typeof createStore>;

/**
 * Two documents of different types in one transactional round trip. The SDK's getAll takes one
 * document type, but each reference keeps its own converter, so each snapshot is already parsed
 * as its reference's type: the casts only restore what the SDK's signature forgets.
 */
export async function getPair<A, B>(
  tx: Transaction,
  a: DocumentReference<A>,
  b: DocumentReference<B>,
): Promise<[A | undefined, B | undefined]> {
  const [snapA, snapB] = await tx.getAll<unknown, DocumentData>(a, b);
  return [(snapA as DocumentSnapshot<A> | undefined)?.data(), (snapB as DocumentSnapshot<B> | undefined)?.data()];
}
