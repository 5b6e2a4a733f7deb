// `accounts/{accountId}.billing`: what access control reads in one read, computed from the customer's
// subscriptions, entitlements and invoices with a payment problem. Pure: the event's transaction
// gathers the inputs and stages the result (stage-customer-change.ts).
import type { BillingSummary, EntitlementsDoc, InvoiceDoc, SubscriptionDoc } from '../model/documents.js';
import { isCurrentSubscriptionStatus } from '../model/subscription-status.js';

/** Current statuses before incomplete/canceled ones; the newest subscription wins within a group. */
export function primarySubscription(subs: readonly SubscriptionDoc[]): SubscriptionDoc | null {
  const rank = (s: SubscriptionDoc) => (isCurrentSubscriptionStatus(s.status) ? 1 : 0);
  let best: SubscriptionDoc | null = null;
  for (const s of subs) {
    if (
      !best ||
      rank(s) > rank(best) ||
      (rank(s) === rank(best) && (s.created > best.created || (s.created === best.created && s.subscriptionId > best.subscriptionId)))
    )
      best = s;
  }
  return best;
}

export interface SummaryInputs {
  customerId: string;
  customerDeleted: boolean;
  subscriptions: readonly SubscriptionDoc[];
  entitlements: EntitlementsDoc | undefined;
  invoicesWithIssue: readonly InvoiceDoc[];
  now: BillingSummary['updatedAt'];
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
    billingCycleAnchor: sub?.billingCycleAnchor ?? null,
    cancelAtPeriodEnd: sub?.cancelAtPeriodEnd ?? false,
    cancelAt: sub?.cancelAt ?? null,
    trialEnd: sub?.trialEnd ?? null,
    quantity: sub?.quantity ?? 0,
    entitlements: input.customerDeleted ? [] : [...(input.entitlements?.features ?? [])].sort(),
    paymentIssue: newestIssue,
    updatedAt: input.now,
  };
}

/** Equal in everything access control reads (`updatedAt` is when it last changed). */
export function sameSummary(a: BillingSummary, b: BillingSummary): boolean {
  const keys = Object.keys(b) as (keyof BillingSummary)[];
  return keys.every((key) => key === 'updatedAt' || (key === 'entitlements' ? sameIds(a.entitlements, b.entitlements) : a[key] === b[key]));
}

/** Two sorted id lists hold the same ids. */
export const sameIds = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((id, i) => id === b[i]);
