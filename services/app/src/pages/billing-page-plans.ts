// The billing page's plan picker: a monthly/yearly toggle with the yearly saving, then one card
// per plan (Free first) with its price for the chosen interval, its quotas and metered prices, its
// features, and one action named for what it does (Upgrade, Downgrade, Start 14-day trial,
// Current plan, Contact sales). Day and week prices (test prices) are not offered here. The toggle
// is two radio buttons and CSS: it works without the script.
import type { BillingInterval } from '@billing/shared/model/documents.js';
import { formatMoney } from '@billing/shared/money/format-money.js';
import { FEATURE_NAMES } from '@billing/shared/plans/catalog.js';
import type { AccountView } from '../routes/account-view.js';
import type { PlanView } from '../routes/plans-view.js';
import { scheduledEnd } from './billing-page-status.js';
import { formatDate, formatPrice, formatUnitPrice } from './format.js';
import { html, type SafeHtml } from './html.js';

const PICKER_INTERVALS = ['month', 'year'] as const satisfies readonly BillingInterval[];
type PickerInterval = (typeof PICKER_INTERVALS)[number];
const PER_YEAR: { [K in BillingInterval]: number } = { day: 365, week: 52, month: 12, year: 1 };

type PlanPriceView = PlanView['prices'][number];

export interface PickerContext {
  account: AccountView;
  /** The subscription is current (trialing, active, past due, paused...): changes, not Checkout. */
  live: boolean;
  /** The Enterprise card's "Contact sales" link; null: bought like any plan. */
  salesContactUrl: string | null;
}

/** The catalog price the subscription is on, and whether its plan is priced per seat; null outside the catalog. */
export function currentPrice(plans: readonly PlanView[], priceId: string | null): { price: PlanPriceView; perSeat: boolean } | null {
  for (const plan of plans) {
    const price = plan.prices.find((p) => p.priceId === priceId);
    if (price) return { price, perSeat: plan.seats !== null };
  }
  return null;
}

/** The largest saving of a yearly price over twelve monthly ones, in whole percent (0: none). */
export function yearlySaving(plans: readonly PlanView[]): number {
  const savings = plans.flatMap((p) => {
    const month = p.prices.find((x) => x.interval === 'month');
    const year = p.prices.find((x) => x.interval === 'year');
    return month && year ? [Math.round((1 - year.unitAmount / (month.unitAmount * 12)) * 100)] : [];
  });
  return Math.max(0, ...savings);
}

export function planPicker(plans: readonly PlanView[], ctx: PickerContext): SafeHtml {
  const current = ctx.account.subscription?.interval;
  const shown: PickerInterval = ctx.live && current === 'year' ? 'year' : 'month';
  const saving = yearlySaving(plans);
  return html`<section class="plans" id="plans" aria-labelledby="plans-heading">
    <h2 id="plans-heading">Plans</h2>
    <fieldset class="interval-toggle" data-testid="interval-toggle">
      <legend class="visually-hidden">Billing interval</legend>
      <input type="radio" name="interval" id="interval-month" value="month"${shown === 'month' ? html` checked` : null}><label for="interval-month">Monthly</label>
      <input type="radio" name="interval" id="interval-year" value="year"${shown === 'year' ? html` checked` : null}><label for="interval-year">Yearly${saving > 0 ? html` <span class="save" data-testid="yearly-saving">save up to ${saving}%</span>` : null}</label>
    </fieldset>
    <div class="cards">${plans.map((p) => planCard(p, plans, ctx))}</div>
  </section>`;
}

function planCard(plan: PlanView, plans: readonly PlanView[], ctx: PickerContext): SafeHtml {
  const sub = ctx.account.subscription;
  const isCurrent = ctx.live ? sub?.planId === plan.id : plan.id === 'free';
  const offered = plan.prices.filter((p): p is PlanPriceView & { interval: PickerInterval } =>
    (PICKER_INTERVALS as readonly string[]).includes(p.interval),
  );
  if (plan.id !== 'free' && offered.length === 0) return html``;
  return html`<article class="card${isCurrent ? ' current' : ''}" data-plan="${plan.id}" aria-labelledby="plan-${plan.id}-name">
    <h3 id="plan-${plan.id}-name">${plan.name} ${isCurrent ? html`<span class="badge ok">Current plan</span>` : null}</h3>
    <p class="muted">${plan.description}</p>
    ${plan.id === 'free' ? freeOffer(ctx) : offered.map((price) => priceOption(plan, price, offered, plans, ctx))}
    ${plan.seats && !ctx.live ? html`<label class="seats">Seats <input type="number" name="seats" min="${plan.seats.min}" max="${plan.seats.max}" step="1" value="${plan.seats.min}" inputmode="numeric"></label>` : null}
    <ul class="quotas">${quotaLines(plan)}</ul>
    <ul class="features">${plan.features.map((f) => html`<li>${FEATURE_NAMES[f]}</li>`)}</ul>
  </article>`;
}

function freeOffer(ctx: PickerContext): SafeHtml {
  const sub = ctx.account.subscription;
  const price = html`<p class="price"><strong>$0</strong> forever</p>`;
  if (!ctx.live || !sub) return html`<div class="price-option">${price}<button type="button" disabled>Current plan</button></div>`;
  const end = scheduledEnd(sub);
  if (end !== null)
    return html`<div class="price-option">${price}<p class="muted" data-testid="moves-to-free">Moves to Free on ${formatDate(end)}</p></div>`;
  // Moving to Free is cancelling at period end: the paid plan runs until then.
  return html`<div class="price-option" data-feedback>${price}<button type="button" class="secondary" data-action="cancel" aria-label="Downgrade to Free at the end of the billing period">Downgrade to Free</button>
    <span class="field-error" data-role="error" role="alert" hidden></span></div>`;
}

function priceOption(
  plan: PlanView,
  price: PlanPriceView & { interval: PickerInterval },
  offered: readonly PlanPriceView[],
  plans: readonly PlanView[],
  ctx: PickerContext,
): SafeHtml {
  const monthly = offered.find((p) => p.interval === 'month');
  const saving = price.interval === 'year' && monthly ? Math.round((1 - price.unitAmount / (monthly.unitAmount * 12)) * 100) : 0;
  const label = formatPrice(price.unitAmount, price.currency, price.interval, plan.seats !== null);
  return html`<div class="price-option" data-interval="${price.interval}" data-feedback>
    <p class="price"><strong>${formatMoney(price.unitAmount, price.currency)}</strong> / ${plan.seats ? 'seat / ' : ''}${price.interval}</p>
    ${price.interval === 'year' ? html`<p class="muted">${formatMoney(Math.round(price.unitAmount / 12), price.currency)} a month, billed yearly${saving > 0 ? `: save ${saving}%` : ''}</p>` : null}
    ${action(plan, price, label, plans, ctx)}
    <span class="field-error" data-role="error" role="alert" hidden></span>
  </div>`;
}

/** The one action of a plan's price, named for what it does and whom it concerns. */
function action(plan: PlanView, price: PlanPriceView, label: string, plans: readonly PlanView[], ctx: PickerContext): SafeHtml {
  const sub = ctx.account.subscription;
  if (plan.id === 'enterprise' && ctx.salesContactUrl) {
    return html`<a class="button" href="${ctx.salesContactUrl}" data-testid="contact-sales" aria-label="Contact sales about ${plan.name}">Contact sales</a>`;
  }
  if (!ctx.live || !sub) {
    const trial = plan.trialDays > 0 && ctx.account.trialAvailable;
    const verb = trial ? `Start ${plan.trialDays}-day trial` : 'Subscribe';
    return html`<button type="button" data-action="checkout" data-lookup-key="${price.lookupKey}" aria-label="${verb} of ${plan.name}, ${label}${trial ? ', then' : ''}">${verb}</button>`;
  }
  if (price.priceId === sub.priceId)
    return html`<button type="button" disabled aria-label="${plan.name}, ${label}: your current plan">Current plan</button>`;
  const verb = changeVerb(plan, price, plans, ctx);
  return html`<button type="button" data-action="change-plan" data-lookup-key="${price.lookupKey}" data-plan-name="${plan.name}" data-price-label="${label}"
    ${plan.seats ? html`data-seats-min="${plan.seats.min}" data-seats-max="${plan.seats.max}" data-unit-amount="${price.unitAmount}" data-currency="${price.currency}" data-interval="${price.interval}"` : null}
    aria-label="${verb} ${verb.startsWith('Switch') ? `${plan.name}` : `to ${plan.name}`}, ${label}">${verb}</button>`;
}

/** Upgrade or Downgrade by what a year of the plan costs (all seats), or a switch of interval on the same plan. */
function changeVerb(plan: PlanView, price: PlanPriceView, plans: readonly PlanView[], ctx: PickerContext): string {
  const sub = ctx.account.subscription;
  if (sub?.planId === plan.id) return price.interval === 'year' ? 'Switch to yearly' : 'Switch to monthly';
  const seats = sub?.seats ?? 1;
  const yearly = (p: PlanPriceView, perSeat: boolean) => p.unitAmount * PER_YEAR[p.interval] * (perSeat ? seats : 1);
  const now = currentPrice(plans, sub?.priceId ?? null);
  return yearly(price, plan.seats !== null) >= (now ? yearly(now.price, now.perSeat) : 0) ? 'Upgrade' : 'Downgrade';
}

/** "100,000 API calls a month", "API calls: $0.10 per 1,000", "Unlimited exports". */
function quotaLines(plan: PlanView): SafeHtml[] {
  const quotas = Object.entries(plan.quotas) as [keyof PlanView['quotas'], PlanView['quotas'][keyof PlanView['quotas']]][];
  const lines = quotas.map(([feature, quota]) => {
    const name = FEATURE_NAMES[feature];
    if (quota === 'unlimited') return html`<li>Unlimited ${name.toLowerCase()}</li>`;
    if (quota === 0) return html`<li class="muted">No ${name.toLowerCase()}</li>`;
    return html`<li>${quota.toLocaleString('en-US')} ${name.toLowerCase()} a month</li>`;
  });
  const currency = plan.prices[0]?.currency ?? 'usd';
  const metered = plan.meteredPrices.map((m) => {
    const { amount, per } = formatUnitPrice(m.unitAmountDecimal, currency);
    return html`<li class="metered">${FEATURE_NAMES[m.feature]} billed by use: ${amount} per ${per === 1 ? 'unit' : per.toLocaleString('en-US')}</li>`;
  });
  return [...lines, ...metered];
}
