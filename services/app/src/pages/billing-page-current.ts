// The billing page's current plan panel: the plan and its status badge, what it costs and when it
// renews, then what is coming (the next invoice as Stripe previews it, the card that pays it, the
// credit balance), the seats of a per-seat plan with a stepper, and the subscription's actions.
// Features an operator granted beside the plan (console) are listed with until when (issue 21).
import { isCurrentSubscriptionStatus, isInGoodStanding } from '@billing/shared/model/subscription-status.js';
import type { BillingOutlook } from '@billing/shared/billing-ops/billing-outlook.js';
import { formatMoney } from '@billing/shared/money/format-money.js';
import { Feature, FEATURE_NAMES } from '@billing/shared/plans/catalog.js';
import type { AccountView } from '../routes/account-view.js';
import type { PlanView } from '../routes/plans-view.js';
import { currentPrice } from './billing-page-plans.js';
import { endsBy, scheduledEnd, statusBadge } from './billing-page-status.js';
import { formatCard, formatDate, formatSeats } from './format.js';
import { html, type SafeHtml } from './html.js';

export interface CurrentPanelContext {
  account: AccountView;
  plans: readonly PlanView[];
  manage: boolean;
  /** The account has a Stripe customer (so the portal has something to show). */
  hasBillingAccount: boolean;
  /** Undefined: Stripe was not asked (no customer); null: it could not be reached. */
  outlook: BillingOutlook | null | undefined;
}

export function currentPanel(ctx: CurrentPanelContext): SafeHtml {
  const { account, manage } = ctx;
  const sub = account.subscription;
  const live = sub !== null && isCurrentSubscriptionStatus(sub.status);
  return html`<section class="current" aria-labelledby="current-heading" data-testid="current-plan">
    <h2 id="current-heading">Current plan</h2>
    <p class="plan-line"><strong data-testid="plan-name">${account.plan.name}</strong> ${statusBadge(account)}</p>
    ${priceLine(account, ctx.plans)}
    ${featureGrants(account)}
    ${
      manage
        ? html`${outlookFacts(ctx)}${seatsForm(account, ctx.plans, live)}
      <p class="actions" data-feedback>
        ${ctx.hasBillingAccount ? html`<button type="button" class="secondary" data-action="portal">Manage billing</button>` : null}
        ${live && sub && scheduledEnd(sub) === null ? html`<button type="button" data-action="cancel" class="secondary">Cancel subscription</button>` : null}
        ${live && sub && scheduledEnd(sub) !== null ? html`<button type="button" data-action="resume">Resume subscription</button>` : null}
        <span class="field-error" data-role="error" role="alert" hidden></span>
      </p>`
        : html`<p class="muted" data-testid="managed-by">Billing is managed by the team's owners and admins.</p>`
    }
  </section>`;
}

/**
 * "$20.00 / month · next payment on December 22, 2026" for a current subscription: what the user
 * pays and when (a trial's first payment is due when it ends). The price comes from the catalog;
 * a price outside it (e.g. a grandfathered one) shows only the date.
 */
function priceLine(account: AccountView, plans: readonly PlanView[]): SafeHtml | null {
  const sub = account.subscription;
  if (!sub || !isCurrentSubscriptionStatus(sub.status)) return null;
  const price = currentPrice(plans, sub.priceId)?.price;
  const amount =
    price &&
    (sub.seats === null
      ? `${formatMoney(price.unitAmount, price.currency)} / ${price.interval}`
      : `${formatMoney(price.unitAmount * sub.seats, price.currency)} / ${price.interval} (${formatSeats(sub.seats)} × ${formatMoney(price.unitAmount, price.currency)})`);
  const parts = [
    ...(amount ? [amount] : []),
    ...(isInGoodStanding(sub.status) && sub.currentPeriodEnd !== null && !endsBy(sub, sub.currentPeriodEnd)
      ? [`next payment on ${formatDate(sub.currentPeriodEnd)}`]
      : []),
  ];
  return parts.length ? html`<p class="muted" data-testid="plan-price">${parts.join(' · ')}</p>` : null;
}

/** "Advanced analytics: included by support until January 12, 2027", one line per feature an operator granted. */
function featureGrants(account: AccountView): SafeHtml | null {
  const grants = (account.overrides ?? []).flatMap((o) => (o.kind === 'feature' ? [o] : []));
  if (grants.length === 0) return null;
  return html`<ul class="feature-grants" data-testid="feature-overrides" aria-label="Included beside your plan">
    ${grants.map((g) => html`<li>${featureName(g.feature)}: included by support until ${formatDate(g.expiresAt)}</li>`)}
  </ul>`;
}

function featureName(feature: string): string {
  const known = Feature.safeParse(feature);
  return known.success ? FEATURE_NAMES[known.data] : feature;
}

/** What is coming: the next invoice, the card on file, the credit balance (as Stripe says them now). */
function outlookFacts(ctx: CurrentPanelContext): SafeHtml | null {
  const { outlook } = ctx;
  if (outlook === undefined) return null;
  if (outlook === null)
    return html`<p class="muted" data-testid="outlook-unavailable">Your next invoice and card could not be read from Stripe just now. Reload the page in a minute.</p>`;
  const usageNote = ctx.plans.find((p) => p.id === ctx.account.subscription?.planId)?.meteredPrices.length
    ? ' (usage so far included)'
    : '';
  return html`<dl class="facts">
    ${
      outlook.upcoming
        ? html`<div><dt>Next invoice</dt><dd data-testid="next-invoice">${formatMoney(outlook.upcoming.amountDue, outlook.upcoming.currency)} on ${formatDate(outlook.upcoming.periodEnd)}${usageNote}</dd></div>`
        : null
    }
    <div><dt>Payment method</dt><dd data-testid="card" data-feedback>${outlook.card ? formatCard(outlook.card) : 'No card on file'}
      <button type="button" class="link" data-action="update-card" aria-label="${outlook.card ? 'Update payment method' : 'Add a payment method'}">${outlook.card ? 'Update' : 'Add'}</button>
      <span class="field-error" data-role="error" role="alert" hidden></span></dd></div>
    ${
      outlook.balance < 0
        ? html`<div><dt>Credit balance</dt><dd data-testid="credit-balance">${formatMoney(-outlook.balance, outlook.currency ?? 'usd')}, taken off your next invoices</dd></div>`
        : null
    }
  </dl>`;
}

/**
 * On a plan priced per seat: the seats paid for, with a stepper and the new total as it changes,
 * reviewed before it is changed (with proration). Not on a price outside the catalog (the API
 * refuses those; the portal changes them).
 */
function seatsForm(account: AccountView, plans: readonly PlanView[], live: boolean): SafeHtml | null {
  const sub = account.subscription;
  const hit = currentPrice(plans, sub?.priceId ?? null);
  const range = plans.find((p) => p.prices.some((price) => price.priceId === sub?.priceId))?.seats;
  if (!live || !sub || sub.seats === null || !range || !hit) return null;
  const { price } = hit;
  return html`<form class="seats-form" id="seats" data-testid="seats-form" method="post" action="/billing" data-unit-amount="${price.unitAmount}" data-currency="${price.currency}" data-interval="${price.interval}" data-current="${sub.seats}" data-feedback>
    <label for="seats-input">Seats</label>
    <span class="stepper">
      <button type="button" class="secondary" data-step="-1" aria-label="One seat fewer" aria-controls="seats-input">−</button>
      <input id="seats-input" type="number" name="seats" min="${range.min}" max="${range.max}" step="1" value="${sub.seats}" required inputmode="numeric">
      <button type="button" class="secondary" data-step="1" aria-label="One seat more" aria-controls="seats-input">+</button>
    </span>
    <output data-role="seat-total" for="seats-input" aria-live="polite">${formatMoney(price.unitAmount * sub.seats, price.currency)} / ${price.interval}</output>
    <button type="submit" class="secondary">Update seats</button>
    <span class="field-error" data-role="error" role="alert" hidden></span>
  </form>`;
}
