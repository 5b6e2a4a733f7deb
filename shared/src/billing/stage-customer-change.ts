// Keeps `accounts/{accountId}.billing` in step with the customer's objects inside the event's
// transaction: reads ALL of the customer's subscriptions (a customer can hold an old canceled one
// and a new active one), the entitlements and open payment problems, as this transaction leaves
// them, and stages the summary computed from them (billing-summary.ts) when it changed.
import { accountKindOf } from '../model/account-documents.js';
import type { BillingSummary, CustomerObjectsDoc, InvoiceDoc, SubscriptionDoc } from '../model/documents.js';
import { isCurrentSubscriptionStatus } from '../model/subscription-status.js';
import type { ApplyContext } from './apply-context.js';
import { notifySummaryChange } from './billing-notifications.js';
import { computeBillingSummary, sameIds, sameSummary } from './billing-summary.js';
import { customerListing, sameListing } from '../revenue/customer-listing.js';

/** The customer's subscriptions and invoices with a payment issue, as this transaction leaves them. */
interface CustomerObjects {
  subscriptions: SubscriptionDoc[];
  invoicesWithIssue: InvoiceDoc[];
}

/**
 * Reads the customer's objects through the index `customer_objects/{customerId}` (one batched read
 * of known documents, usually already prefetched), or by querying when the index does not exist
 * yet. Staged writes are overlaid either way, so objects this transaction writes are included.
 *
 * Why the index is complete: every transaction that writes a subscription or an invoice of a
 * customer also reads and rewrites the index (stageCustomerChange, from finishCustomerChange and
 * the refresh), so two such transactions conflict on it and the second one sees the first's ids.
 * The query fallback is made safe by the caller's lock on the account document (see below).
 */
async function readCustomerObjects(ctx: ApplyContext, customerId: string, index: CustomerObjectsDoc | undefined): Promise<CustomerObjects> {
  const { store, tx } = ctx;
  const isSubscription = (s: SubscriptionDoc) => s.customerId === customerId;
  const hasIssue = (i: InvoiceDoc) => i.customerId === customerId && i.paymentIssue !== null;
  if (index) {
    const subscriptionRefs = index.subscriptionIds.map((id) => store.subscriptions.doc(id));
    const invoiceRefs = index.paymentIssueInvoiceIds.map((id) => store.invoices.doc(id));
    const [subscriptions, invoicesWithIssue] = await Promise.all([
      tx.docsOf(subscriptionRefs, store.subscriptions.path, isSubscription),
      tx.docsOf(invoiceRefs, store.invoices.path, hasIssue),
    ]);
    return { subscriptions, invoicesWithIssue };
  }
  // Two look-ups, each one query plus one batched read of what it found: run them side by side.
  const [subscriptions, invoicesWithIssue] = await Promise.all([
    tx.queryDocs(store.subscriptionsOfCustomer(customerId), store.subscriptions.path, isSubscription),
    tx.queryDocs(store.invoicesWithPaymentIssue(customerId), store.invoices.path, hasIssue),
  ]);
  return { subscriptions, invoicesWithIssue };
}

/** Stages the index when it is missing or its lists changed. */
function stageIndex(ctx: ApplyContext, customerId: string, index: CustomerObjectsDoc | undefined, objects: CustomerObjects): void {
  const subscriptionIds = objects.subscriptions.map((s) => s.subscriptionId).sort();
  const paymentIssueInvoiceIds = objects.invoicesWithIssue.map((i) => i.invoiceId).sort();
  if (index && sameIds(index.subscriptionIds, subscriptionIds) && sameIds(index.paymentIssueInvoiceIds, paymentIssueInvoiceIds)) return;
  ctx.tx.set(ctx.store.customerObjects.doc(customerId), { customerId, subscriptionIds, paymentIssueInvoiceIds, updatedAt: ctx.now });
}

/**
 * After a write of one of the customer's objects: recomputes and stages the account's summary, or, for
 * a customer that maps to no account, keeps the index complete. Returns the summary (null: no account).
 */
export async function stageCustomerChange(ctx: ApplyContext, customerId: string, accountId: string | null): Promise<BillingSummary | null> {
  if (accountId !== null) return stageBillingSummary(ctx, customerId, accountId);
  await stageCustomerObjects(ctx, customerId);
  return null;
}

/**
 * For a customer that maps to no account: keeps an existing index up to date with the objects this
 * transaction writes (no index yet: the first summary builds it by querying, which finds them).
 */
async function stageCustomerObjects(ctx: ApplyContext, customerId: string): Promise<void> {
  const index = await ctx.tx.get(ctx.store.customerObjects.doc(customerId));
  if (index) stageIndex(ctx, customerId, index, await readCustomerObjects(ctx, customerId, index));
}

/** Reads what the summary depends on (staged writes included) and stages the account document. */
async function stageBillingSummary(ctx: ApplyContext, customerId: string, accountId: string): Promise<BillingSummary> {
  const { store, tx } = ctx;
  const accountRef = store.accounts.doc(accountId);
  const customerRef = store.customers.doc(customerId);
  const entitlementsRef = store.entitlements.doc(customerId);
  const indexRef = store.customerObjects.doc(customerId);
  // Usually all prefetched with the event's first read; otherwise one round trip for the rest.
  await tx.prefetch([accountRef, customerRef, entitlementsRef, indexRef]);
  // Read (lock) the account document before looking anything up outside the transaction: every
  // transaction that changes a subscription or invoice of this customer also writes this document,
  // so a concurrent one either committed before this lock (and the look-up sees its document) or
  // waits for / conflicts with this transaction and recomputes after it.
  const account = await tx.get(accountRef);
  const customer = await tx.get(customerRef);
  const entitlements = await tx.get(entitlementsRef);
  const index = await tx.get(indexRef);
  const objects = await readCustomerObjects(ctx, customerId, index);
  const billing = computeBillingSummary({
    customerId,
    customerDeleted: customer?.deleted ?? false,
    subscriptions: objects.subscriptions,
    entitlements,
    invoicesWithIssue: objects.invoicesWithIssue,
    now: ctx.now,
  });
  stageIndex(ctx, customerId, index, objects);
  warnOfSeveralLiveSubscriptions(ctx, customerId, accountId, objects.subscriptions);
  // Most events (invoice.paid, a metadata change, a replay) leave the summary as it was: writing
  // it anyway would cost a write and wake every app instance's listener on this account for nothing.
  // The operator console's list fields go with the summary (an account stored before them gets them on its next event or resync).
  const listing = customerListing(billing, objects.subscriptions);
  const summaryUnchanged = account?.billing != null && account.stripeCustomerId === customerId && sameSummary(account.billing, billing);
  if (account?.billing && summaryUnchanged && sameListing(account.listing, listing)) return account.billing;
  if (!summaryUnchanged) notifySummaryChange(ctx, accountId, account?.billing ?? null, billing);
  if (account) tx.update(accountRef, { billing, listing, stripeCustomerId: customerId, updatedAt: ctx.now });
  // No account document: a customer whose account was never created or not yet migrated; its user's
  // first request finds the billing already there.
  else
    tx.set(accountRef, {
      accountId,
      kind: accountKindOf(accountId),
      name: null,
      email: null,
      stripeCustomerId: customerId,
      billing,
      listing,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    });
  return billing;
}

/**
 * A customer paying for two live subscriptions is almost always a mistake (two checkouts paid, or
 * one made by hand in the Dashboard): access follows the newest, but both are billed. Logged at
 * ERROR (alerted) with every event of the customer until one is canceled; logged from inside the
 * transaction, so a retried attempt may log it twice.
 */
function warnOfSeveralLiveSubscriptions(
  ctx: ApplyContext,
  customerId: string,
  accountId: string,
  subscriptions: readonly SubscriptionDoc[],
): void {
  const live = subscriptions.filter((s) => isCurrentSubscriptionStatus(s.status)).map((s) => s.subscriptionId);
  if (live.length < 2) return;
  ctx.logger.error(
    { event: 'billing.several_live_subscriptions', customerId, accountId, subscriptionIds: live.sort() },
    'customer pays for several live subscriptions: cancel (and refund) the one not meant',
  );
}
