// What the billing page says about the subscription's state: the status badge beside the plan
// name, and the banners above everything (a failed payment with what failed and what to do, the
// return from Checkout, an ended or paused subscription, a quota used up).
import { isCurrentSubscriptionStatus, isPaymentFailedStatus, type SubscriptionStatus } from '@billing/shared/model/subscription-status.js';
import { formatMoney } from '@billing/shared/money/format-money.js';
import type { InvoiceView } from '@billing/shared/ports/billing-gateway.js';
import { FEATURE_NAMES } from '@billing/shared/plans/catalog.js';
import type { UsageSummary } from '../ports/usage-view.js';
import type { AccountView } from '../routes/account-view.js';
import { formatDate } from './format.js';
import { html, type SafeHtml } from './html.js';

export type ShownSubscription = NonNullable<AccountView['subscription']>;

/**
 * When the subscription is set to end, or null. At period end (`cancelAtPeriodEnd`), or on a date
 * set in the Dashboard or the API (`cancelAt` alone): both end it, and "Resume" undoes both.
 */
export function scheduledEnd(sub: ShownSubscription): number | null {
  return sub.cancelAt ?? (sub.cancelAtPeriodEnd ? sub.currentPeriodEnd : null);
}

/** The subscription ends at or before `at`: nothing renews then. */
export function endsBy(sub: ShownSubscription, at: number): boolean {
  const end = scheduledEnd(sub);
  return end !== null && end <= at;
}

type Tone = 'ok' | 'info' | 'warn' | 'error';

/**
 * The badge beside the plan name, for a current subscription only: an ended one shows the plan it
 * fell to (Free) with no badge, never "Free · Canceled".
 */
export function statusBadge(account: AccountView): SafeHtml | null {
  const sub = account.subscription;
  if (!sub || !isCurrentSubscriptionStatus(sub.status)) return null;
  const [label, tone] = badgeOf(sub);
  return html`<span class="badge ${tone}" data-testid="plan-status">${label}</span>`;
}

function badgeOf(sub: ShownSubscription): [string, Tone] {
  const end = scheduledEnd(sub);
  const labels: { [K in SubscriptionStatus]: [string, Tone] } = {
    active: end !== null ? [`Cancels on ${formatDate(end)}`, 'warn'] : ['Active', 'ok'],
    trialing:
      end !== null && sub.trialEnd !== null && end <= sub.trialEnd
        ? [`Trial · cancels on ${formatDate(end)}`, 'warn']
        : [sub.trialEnd ? `Trial · ends ${formatDate(sub.trialEnd)}` : 'Trial', 'info'],
    past_due: ['Past due', 'error'],
    unpaid: ['Past due', 'error'],
    paused: ['Paused', 'warn'],
    incomplete: ['Payment incomplete', 'warn'],
    canceled: ['Ended', 'info'],
    incomplete_expired: ['Ended', 'info'],
  };
  return labels[sub.status];
}

/** The newest open invoice with something to pay: the one a failed payment left. */
export function unpaidInvoice(invoices: readonly InvoiceView[] | undefined): InvoiceView | null {
  return invoices?.find((inv) => inv.status === 'open' && inv.amountDue > 0) ?? null;
}

export interface PaymentContext {
  manage: boolean;
  unpaid: InvoiceView | null;
  /** Back from the portal's card form: the page pays the unpaid invoice with the new card. */
  paymentMethodUpdated: boolean;
}

/** The account is behind on a payment (a failed charge, or a bank asking to confirm one). */
export function paymentProblem(account: AccountView): boolean {
  const sub = account.subscription;
  return sub !== null && (sub.paymentIssue !== null || isPaymentFailedStatus(sub.status));
}

/** The failed-payment banner: what failed (amount, date), when the features turn off, and the two ways out. */
export function paymentBanner(account: AccountView, ctx: PaymentContext): SafeHtml | null {
  const sub = account.subscription;
  if (!sub || !paymentProblem(account)) return null;
  if (!ctx.manage) {
    return html`<div class="banner warn" role="alert" data-testid="payment-problem"><p>The last payment did not go through. The team's owners and admins can settle it on this page.</p></div>`;
  }
  const { unpaid } = ctx;
  const what = unpaid
    ? `Your payment of ${formatMoney(unpaid.amountDue, unpaid.currency)} on ${formatDate(unpaid.created)}`
    : 'Your last payment';
  const confirm = sub.paymentIssue === 'action_required';
  const headline = confirm ? `${what} needs your confirmation: your bank asks you to approve it.` : `${what} failed.`;
  const consequence =
    account.graceEndsAt !== null
      ? `Your ${account.plan.name} features stay on until ${formatDate(account.graceEndsAt)}; after that the account moves to the Free plan until it is paid.`
      : isPaymentFailedStatus(sub.status)
        ? 'Your paid features are off until it is paid.'
        : null;
  return html`<div class="banner error" role="alert" data-testid="past-due" ${unpaid && ctx.paymentMethodUpdated ? html`data-auto-pay="${unpaid.id}"` : null}>
    <p><strong>${headline}</strong> ${consequence}</p>
    <p class="actions" data-feedback>
      ${unpaid?.hostedInvoiceUrl ? html`<a class="button" href="${unpaid.hostedInvoiceUrl}" rel="noopener" data-testid="pay-now">${confirm ? 'Confirm payment' : 'Pay now'}</a>` : null}
      <button type="button" class="secondary" data-action="update-card">Update payment method</button>
      <span class="field-error" data-role="error" role="alert" hidden></span>
    </p>
    ${unpaid && ctx.paymentMethodUpdated ? html`<p class="muted" data-testid="auto-pay">Card updated: paying ${formatMoney(unpaid.amountDue, unpaid.currency)} with it now…</p>` : null}
  </div>`;
}

export type CheckoutOutcome = 'success' | 'open' | 'expired' | 'canceled';

export function checkoutBanner(outcome: CheckoutOutcome | null, account: AccountView): SafeHtml | null {
  switch (outcome) {
    case 'success': {
      // Says what the stored subscription says: Checkout's return can come before its events.
      const status = account.subscription?.status;
      if (status === 'trialing')
        return html`<p class="banner ok" role="status" data-testid="checkout-banner">Thank you! Your free trial has started.</p>`;
      if (status && isCurrentSubscriptionStatus(status))
        return html`<p class="banner ok" role="status" data-testid="checkout-banner">Thank you! Your subscription is active.</p>`;
      return html`<p class="banner ok" role="status" data-testid="checkout-banner">Thank you! Your subscription is being set up: reload this page in a moment.</p>`;
    }
    case 'open':
      return html`<p class="banner" role="status">Your payment is still being processed.</p>`;
    case 'expired':
      return html`<p class="banner warn" role="status">That checkout session expired. Please try again.</p>`;
    case 'canceled':
      return html`<p class="banner" role="status">Checkout canceled: nothing was charged.</p>`;
    case null:
      return null;
  }
}

/** Banners about the subscription's course: a paused or ended one. (Trial and cancellation dates are in the badge.) */
export function courseBanners(account: AccountView, manage: boolean): SafeHtml[] {
  const sub = account.subscription;
  if (!sub) return [];
  const out: SafeHtml[] = [];
  if (sub.status === 'paused')
    out.push(html`<p class="banner warn" data-testid="paused">Your subscription is paused: its features are off until it resumes.</p>`);
  if (sub.status === 'canceled' || sub.status === 'incomplete_expired') {
    out.push(
      manage
        ? html`<p class="banner" data-testid="ended">Your subscription has ended. Choose a plan below to subscribe again.</p>`
        : html`<p class="banner" data-testid="ended">The subscription has ended.</p>`,
    );
  }
  return out;
}

/**
 * A quota used up: further use is refused (429) until the quota month resets. Said at the top, since the
 * API's refusal sends the caller here (its `upgradeUrl`).
 */
export function quotaBanner(u: UsageSummary, manage: boolean): SafeHtml | null {
  if (typeof u.limit !== 'number' || u.limit === 0 || u.used < u.limit) return null;
  const until = u.periodEnd ? ` until the quota resets on ${formatDate(u.periodEnd)}` : '';
  const larger = manage
    ? html`<a href="#plans">a larger plan</a> raises the quota now`
    : "a larger plan, which the team's owners and admins can choose, raises the quota now";
  return html`<p class="banner warn" data-testid="quota-reached" data-feature="${u.feature}">${FEATURE_NAMES[u.feature]}: ${manage ? 'you have' : 'the team has'} used all ${u.limit.toLocaleString('en-US')} of this month. More are refused${until}; ${larger}.</p>`;
}
