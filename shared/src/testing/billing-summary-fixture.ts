// A user's billing summary as the event applier writes it, for tests of access control.
import { Timestamp } from '@google-cloud/firestore';
import type { AccountDoc } from '../model/account-documents.js';
import type { BillingSummary, CustomerDoc } from '../model/documents.js';

export function billingSummaryFixture(over: Partial<BillingSummary> = {}): BillingSummary {
  const now = Math.floor(Date.now() / 1000);
  return {
    customerId: 'cus_test',
    subscriptionId: 'sub_test',
    status: 'active',
    planId: 'pro',
    priceId: 'price_pro_month',
    interval: 'month',
    currentPeriodStart: now - 86_400,
    currentPeriodEnd: now + 29 * 86_400,
    billingCycleAnchor: now - 86_400,
    cancelAtPeriodEnd: false,
    cancelAt: null,
    trialEnd: null,
    quantity: 1,
    entitlements: [],
    paymentIssue: null,
    updatedAt: Timestamp.now(),
    ...over,
  };
}

export function accountDocFixture(accountId: string, billing: BillingSummary | null, over: Partial<AccountDoc> = {}): AccountDoc {
  return {
    accountId,
    kind: 'personal',
    name: null,
    email: `${accountId.replace(/[^a-z0-9]/gi, '')}@example.com`,
    stripeCustomerId: billing?.customerId ?? null,
    billing,
    createdAt: Timestamp.now(),
    updatedAt: Timestamp.now(),
    ...over,
  };
}

/** The Stripe customer -> account mapping as a refresh stores it (`customers/{id}`). */
export function customerDocFixture(customerId: string, accountId: string, over: Partial<CustomerDoc> = {}): CustomerDoc {
  return {
    customerId,
    accountId,
    email: null,
    deleted: false,
    livemode: false,
    version: { created: 0, eventId: null, source: 'fetch', revision: 1 },
    updatedAt: Timestamp.now(),
    ...over,
  };
}
