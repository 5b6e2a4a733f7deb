// `users/{userId}.billing`: what access control reads in one read. Recomputed inside the event's
// transaction from ALL of the customer's subscriptions (a customer can hold an old canceled one
// and a new active one), the entitlements and open payment problems, as this transaction leaves them.
import type { Timestamp } from '@google-cloud/firestore';
import type { BillingSummary, EntitlementsDoc, InvoiceDoc, SubscriptionDoc, SubscriptionStatus } from '../model/documents.js';
import type { ApplyContext } from './apply-context.js';

/** Statuses in which the subscription is the customer's current one (access may still be limited). */
const CURRENT_STATUSES: readonly SubscriptionStatus[] = ['active', 'trialing', 'past_due', 'paused', 'unpaid'];

/** Current statuses before incomplete/canceled ones; the newest subscription wins within a group. */
export function primarySubscription(subs: readonly SubscriptionDoc[]): SubscriptionDoc | null {
  const rank = (s: SubscriptionDoc) => (CURRENT_STATUSES.includes(s.status) ? 1 : 0);
  let best: SubscriptionDoc | null = null;
  for (const s of subs) {
    if (!best || rank(s) > rank(best) || (rank(s) === rank(best) && (s.created > best.created || (s.created === best.created && s.subscriptionId > best.subscriptionId)))) best = s;
  }
  return best;
}

export interface SummaryInputs {
  customerId: string;
  customerDeleted: boolean;
  subscriptions: readonly SubscriptionDoc[];
  entitlements: EntitlementsDoc | undefined;
  invoicesWithIssue: readonly InvoiceDoc[];
  now: Timestamp;
}

export function computeBillingSummary(input: SummaryInputs): BillingSummary {
  const sub = input.customerDeleted ? null : primarySubscription(input.subscriptions);
  const open = input.customerDeleted ? [] : input.invoicesWithIssue.filter((i) => i.status === 'open' && i.paymentIssue !== null);
  const newestIssue = open.sort((a, b) => b.created - a.created)[0]?.paymentIssue ?? null;
  return {
    customerId: input.customerId,
    subscriptionId: sub?.subscriptionId ?? null,
    status: sub?.status ?? null,
    planId: sub?.planId ?? null,
    priceId: sub?.priceId ?? null,
    interval: sub?.interval ?? null,
    currentPeriodStart: sub?.currentPeriodStart ?? null,
    currentPeriodEnd: sub?.currentPeriodEnd ?? null,
    cancelAtPeriodEnd: sub?.cancelAtPeriodEnd ?? false,
    cancelAt: sub?.cancelAt ?? null,
    trialEnd: sub?.trialEnd ?? null,
    entitlements: input.customerDeleted ? [] : [...(input.entitlements?.features ?? [])].sort(),
    paymentIssue: newestIssue,
    updatedAt: input.now,
  };
}

/** Reads what the summary depends on (staged writes included) and stages the user document. */
export async function stageBillingSummary(ctx: ApplyContext, customerId: string, userId: string): Promise<BillingSummary> {
  const { store, tx } = ctx;
  // Read (lock) the user document before looking up the customer's subscriptions and invoices
  // outside the transaction: every transaction that changes one of them also writes this
  // document, so a concurrent one either committed before this lock (and the look-up sees its
  // document) or waits for / conflicts with this transaction and recomputes after it.
  const userRef = store.users.doc(userId);
  const user = await tx.get(userRef);
  const customer = await tx.get(store.customers.doc(customerId));
  const entitlements = await tx.get(store.entitlements.doc(customerId));
  // Two look-ups, each one query plus one batched read of what it found: run them side by side.
  const [subscriptions, invoicesWithIssue] = await Promise.all([
    tx.queryDocs(store.subscriptionsOfCustomer(customerId), store.subscriptions.path, (s) => s.customerId === customerId),
    tx.queryDocs(store.invoicesWithPaymentIssue(customerId), store.invoices.path, (i) => i.customerId === customerId && i.paymentIssue !== null),
  ]);
  const billing = computeBillingSummary({
    customerId,
    customerDeleted: customer?.deleted ?? false,
    subscriptions,
    entitlements,
    invoicesWithIssue,
    now: ctx.now,
  });
  if (user) tx.update(userRef, { billing, stripeCustomerId: customerId, updatedAt: ctx.now });
  else tx.set(userRef, { userId, email: null, stripeCustomerId: customerId, billing, createdAt: ctx.now, updatedAt: ctx.now });
  return billing;
}
