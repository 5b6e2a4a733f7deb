// What is coming for the account, read from Stripe (the source of truth for money): the card that
// will be charged, the credit balance, and the next invoice as Stripe previews it now (metered
// usage so far included). Nothing here is stored; the billing page reads it on each view.
import { hasLiveSubscription } from '../model/subscription-status.js';
import type { AccountDoc } from '../model/account-documents.js';
import type { CustomerBillingDetails, UpcomingInvoice } from '../ports/billing-gateway.js';
import type { BillingOpsDeps } from './billing-ops-deps.js';

export interface BillingOutlook extends CustomerBillingDetails {
  /** Null without a live subscription, or when it ends before renewing (set to cancel). */
  upcoming: UpcomingInvoice | null;
}

export async function readBillingOutlook(deps: Pick<BillingOpsDeps, 'gateway'>, account: AccountDoc): Promise<BillingOutlook | null> {
  const customerId = account.stripeCustomerId;
  if (!customerId) return null;
  const billing = account.billing;
  const subscriptionId = billing?.subscriptionId ?? null;
  const live = hasLiveSubscription(billing);
  const renews = subscriptionId !== null && live && !billing?.cancelAtPeriodEnd && billing?.cancelAt === null;
  const [details, upcoming] = await Promise.all([
    deps.gateway.customerBillingDetails({ customerId, subscriptionId: live ? subscriptionId : null }),
    renews && subscriptionId ? deps.gateway.upcomingInvoice({ customerId, subscriptionId }) : Promise.resolve(null),
  ]);
  return { ...details, upcoming };
}
