// The billing page's usage: one bar per metered feature for the current quota month, amber from 80%
// and red at 100% (with the way to a larger plan), and when the quota resets. The script refreshes
// the figures from GET /api/usage without a reload (rows are keyed by `data-feature`).
import { FEATURE_NAMES } from '@billing/shared/plans/catalog.js';
import type { UsageSummary } from '../ports/usage-view.js';
import { formatDate } from './format.js';
import { html, type SafeHtml } from './html.js';

/** The bar's level: `warn` from 80% of the quota, `full` at 100%. */
export function usageLevel(used: number, limit: number | null): 'ok' | 'warn' | 'full' {
  if (limit === null || limit === 0) return 'ok';
  if (used >= limit) return 'full';
  return used >= limit * 0.8 ? 'warn' : 'ok';
}

export function usageSection(usage: readonly UsageSummary[], manage: boolean): SafeHtml {
  return html`<section class="usage" id="usage" aria-labelledby="usage-heading" data-testid="usage">
    <h2 id="usage-heading">Usage this month</h2>
    ${usage.length ? usage.map((u) => usageRow(u, manage)) : html`<p class="muted">No usage recorded yet.</p>`}
  </section>`;
}

function usageRow(u: UsageSummary, manage: boolean): SafeHtml {
  const feature = FEATURE_NAMES[u.feature];
  const name = html`<span class="name">${feature}</span>`;
  // A quota of 0: the plan does not include the feature (a bar of "0 / 0" would say nothing).
  if (u.limit === 0 && u.used === 0)
    return html`<div class="usage-row" data-feature="${u.feature}">${name}<span class="not-included muted" data-testid="not-included">not included in your plan</span></div>`;
  const limit = u.limit === 'unlimited' ? null : u.limit;
  const pct = limit ? Math.min(100, Math.round((u.used / limit) * 100)) : 0;
  const level = usageLevel(u.used, limit);
  const label = `${feature}: ${limit === null ? 'unlimited' : `${pct}% of this month's quota used`}`;
  return html`<div class="usage-row level-${level}" data-feature="${u.feature}" data-level="${level}">
    ${name}
    <span class="count" data-role="count">${u.used.toLocaleString('en-US')} / ${limit === null ? 'unlimited' : limit.toLocaleString('en-US')}</span>
    <progress max="100" value="${pct}" aria-label="${label}"></progress>
    <span class="resets muted">${u.periodEnd ? `resets ${formatDate(u.periodEnd)}` : ''}</span>
    ${level === 'full' && manage ? html`<a class="button small upgrade" href="#plans" data-testid="upgrade-quota" aria-label="Upgrade for more ${feature.toLowerCase()}">Upgrade</a>` : null}
  </div>`;
}
