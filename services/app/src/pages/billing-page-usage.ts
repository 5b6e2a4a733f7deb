// The billing page's usage: one bar per metered feature for the current quota month, amber from 80%
// and red at 100% (with the way to a larger plan), when the quota resets, and a chart of its units
// per day of the month (an inline SVG hidden from screen readers, which read the same figures as a
// table). The script refreshes the figures and redraws the charts from GET /api/usage every 30 s
// without a reload (rows are keyed by `data-feature`). A quota an operator changed (console) says
// so under its bar, with until when (issue 21: visible to the customer).
import { catalogPlan, FEATURE_NAMES } from '@billing/shared/plans/catalog.js';
import type { AccountView } from '../routes/account-view.js';
import type { DayUsage, UsageSummary } from '../ports/usage-view.js';
import { CHART, dailyChart, dailySummary } from './billing-page-daily.js';
import { formatDate } from './format.js';
import { html, type SafeHtml } from './html.js';

/** The bar's level: `warn` from 80% of the quota, `full` at 100%. */
export function usageLevel(used: number, limit: number | null): 'ok' | 'warn' | 'full' {
  if (limit === null || limit === 0) return 'ok';
  if (used >= limit) return 'full';
  return used >= limit * 0.8 ? 'warn' : 'ok';
}

/** The account's plan and the operator's grants in force, for the quota notes. */
export type UsageContext = Pick<AccountView, 'plan' | 'overrides'>;

export function usageSection(usage: readonly UsageSummary[], manage: boolean, account?: UsageContext): SafeHtml {
  // `data-manage`: the script adds the Upgrade button to a bar that fills up after the page loaded.
  return html`<section class="usage" id="usage" aria-labelledby="usage-heading" data-testid="usage" data-manage="${manage ? 'true' : 'false'}">
    <h2 id="usage-heading">Usage this month</h2>
    ${usage.length ? usage.map((u) => usageRow(u, manage, account)) : html`<p class="muted">No usage recorded yet.</p>`}
  </section>`;
}

/**
 * "Limit raised to 50,000 by support until January 12, 2027": an operator's quota in force for the
 * feature (the one the limit shows when several are), said beside the plan's.
 */
function quotaOverrideNote(u: UsageSummary, account: UsageContext | undefined): string | null {
  const grants = (account?.overrides ?? []).flatMap((o) => (o.kind === 'quota' && o.feature === u.feature ? [o] : []));
  const grant = grants.find((o) => o.limit === u.limit) ?? grants[0];
  if (!grant) return null;
  const planned = catalogPlan(account?.plan.id ?? null)?.quotas[u.feature];
  const how = typeof planned !== 'number' || planned === grant.limit ? 'set' : planned < grant.limit ? 'raised' : 'lowered';
  const plan = typeof planned === 'number' ? ` (your plan: ${planned.toLocaleString('en-US')})` : '';
  return `Limit ${how} to ${grant.limit.toLocaleString('en-US')} by support until ${formatDate(grant.expiresAt)}${plan}.`;
}

function usageRow(u: UsageSummary, manage: boolean, account: UsageContext | undefined): SafeHtml {
  const feature = FEATURE_NAMES[u.feature];
  const name = html`<span class="name">${feature}</span>`;
  const note = quotaOverrideNote(u, account);
  const overridden = note ? html`<span class="override-note" data-testid="quota-override">${note}</span>` : null;
  // A quota of 0: the plan does not include the feature (a bar of "0 / 0" would say nothing).
  if (u.limit === 0 && u.used === 0)
    return html`<div class="usage-row" data-feature="${u.feature}">${name}<span class="not-included muted" data-testid="not-included">not included in your plan</span>${overridden}</div>`;
  const limit = u.limit === 'unlimited' ? null : u.limit;
  const pct = limit ? Math.min(100, Math.round((u.used / limit) * 100)) : 0;
  const level = usageLevel(u.used, limit);
  const label = `${feature}: ${limit === null ? 'unlimited' : `${pct}% of this month's quota used`}`;
  return html`<div class="usage-row level-${level}" data-feature="${u.feature}" data-level="${level}">
    ${name}
    <span class="count" data-role="count">${u.used.toLocaleString('en-US')} / ${limit === null ? 'unlimited' : limit.toLocaleString('en-US')}</span>
    <progress max="100" value="${pct}" aria-label="${label}"></progress>
    <span class="resets muted">${u.periodEnd ? `resets ${formatDate(u.periodEnd)}` : ''}</span>
    ${overridden}
    ${level === 'full' && manage ? html`<a class="button small upgrade" href="#plans" data-testid="upgrade-quota" aria-label="Upgrade for more ${feature.toLowerCase()}">Upgrade</a>` : null}
    ${u.byDay ? dailyFigure(feature, u.byDay) : null}
  </div>`;
}

/**
 * The month so far, one bar a day; the table says the same to a screen reader (the drawing is hidden
 * from it). The table sits in a visually hidden box: a table is never narrower than its content, so
 * hidden itself it would still widen a phone's page.
 */
function dailyFigure(feature: string, byDay: readonly DayUsage[]): SafeHtml {
  const chart = dailyChart(byDay);
  return html`<figure class="daily" data-role="daily">
    <svg class="daily-bars" viewBox="0 0 ${chart.width} ${CHART.height}" preserveAspectRatio="none" aria-hidden="true" focusable="false">
      <rect class="baseline" x="0" y="${CHART.height - 0.5}" width="${chart.width}" height="0.5"></rect>
      ${chart.bars.map(
        (b) =>
          html`<rect class="day" data-day="${b.day}" x="${b.x}" y="${CHART.height - b.height}" width="${CHART.bar}" height="${b.height}"><title>${b.label}: ${b.used.toLocaleString('en-US')}</title></rect>`,
      )}
    </svg>
    <div class="visually-hidden"><table data-role="daily-table">
      <caption>${feature} per day, ${chart.range}</caption>
      <thead><tr><th scope="col">Day</th><th scope="col">${feature}</th></tr></thead>
      <tbody>${chart.bars.map((b) => html`<tr><th scope="row">${b.label}</th><td>${b.used.toLocaleString('en-US')}</td></tr>`)}</tbody>
    </table></div>
    <figcaption class="muted" data-role="daily-summary">${dailySummary(chart)}</figcaption>
  </figure>`;
}
