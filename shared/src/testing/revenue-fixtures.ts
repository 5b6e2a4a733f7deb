// Subscription and invoice documents as the event applier writes them, for tests of the revenue view.
import { Timestamp } from '@google-cloud/firestore';
import type { InvoiceDoc, SubscriptionDoc } from '../model/documents.js';
import { planForLookupKey } from '../plans/catalog.js';

const version = { created: 1, eventId: null, source: 'event', revision: 1 } as const;

type Item = SubscriptionDoc['items'][number];

/**
 * A subscription to the catalog price `lookupKey` (priced as `price_<lookupKey>`, with the catalog's
 * amount and interval as Stripe would send them); `price` overrides the stored amount and period.
 */
export function subscriptionFixture(
  id: string,
  lookupKey: string | null,
  over: Partial<SubscriptionDoc> = {},
  quantity = 1,
  price: Partial<Pick<Item, 'unitAmount' | 'currency' | 'interval' | 'intervalCount'>> = {},
): SubscriptionDoc {
  const now = Math.floor(Date.now() / 1000);
  const priceId = lookupKey ? `price_${lookupKey}` : 'price_custom';
  const catalog = lookupKey ? planForLookupKey(lookupKey) : null;
  const listed = catalog?.price;
  const amount = {
    unitAmount: listed?.unitAmount ?? null,
    currency: listed?.currency ?? null,
    interval: listed?.interval ?? null,
    intervalCount: 1,
    ...price,
  };
  return {
    subscriptionId: id,
    customerId: `cus_${id}`,
    accountId: `user_${id}`,
    livemode: false,
    status: 'active',
    priceId,
    productId: null,
    planId: catalog?.plan.id ?? null, // as the applier stores it
    interval: 'month',
    quantity,
    items: [
      {
        itemId: `si_${id}`,
        priceId,
        lookupKey,
        metered: false,
        quantity,
        currentPeriodStart: now - 86_400,
        currentPeriodEnd: now + 29 * 86_400,
        ...amount,
      },
    ],
    currentPeriodStart: now - 86_400,
    currentPeriodEnd: now + 29 * 86_400,
    billingCycleAnchor: now - 86_400,
    cancelAtPeriodEnd: false,
    cancelAt: null,
    canceledAt: null,
    endedAt: null,
    trialStart: null,
    trialEnd: null,
    created: now - 86_400,
    version,
    updatedAt: Timestamp.now(),
    ...over,
  };
}

export function invoiceFixture(id: string, over: Partial<InvoiceDoc> = {}): InvoiceDoc {
  const now = Math.floor(Date.now() / 1000);
  return {
    invoiceId: id,
    customerId: `cus_${id}`,
    accountId: null,
    subscriptionId: null,
    number: null,
    status: 'paid',
    currency: 'usd',
    amountDue: 2_000,
    amountPaid: 2_000,
    total: 2_000,
    created: now - 86_400,
    periodStart: now - 86_400,
    periodEnd: now,
    hostedInvoiceUrl: null,
    invoicePdf: null,
    paymentIssue: null,
    version,
    updatedAt: Timestamp.now(),
    ...over,
  };
}
