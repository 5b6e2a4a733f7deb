// The admin revenue page: MRR and ARR, subscriptions by status and by plan, churn, money collected
// and open payment problems, with the definitions beside the figures (shared/src/revenue).
import { formatMoney } from '@billing/shared/money/format-money.js';
import type { RevenueSummary } from '@billing/shared/revenue/revenue-summary.js';
import { html, renderDocument, type SafeHtml } from './html.js';

const dateTime = new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });
const count = (n: number) => n.toLocaleString('en-US');

function figure(testId: string, label: string, value: string, note?: string): SafeHtml {
  return html`<div class="figure"><span class="label">${label}</span><strong data-testid="${testId}">${value}</strong>${note ? html`<span class="muted">${note}</span>` : null}</div>`;
}

export function renderRevenuePage(summary: RevenueSummary): string {
  const s = summary.subscriptions;
  const money = (amount: number) => formatMoney(amount, summary.currency);
  const collected = summary.collectedInWindow.length ? summary.collectedInWindow.map((c) => formatMoney(c.amount, c.currency)).join(' + ') : money(0);
  return renderDocument(
    'Revenue',
    html`<main class="admin">
      <header class="top">
        <h1>Revenue</h1>
        <span class="who muted">as of ${dateTime.format(new Date(summary.asOf * 1000))} UTC</span>
        <a href="/billing">Billing</a>
      </header>
      <section class="figures">
        ${figure('mrr', 'MRR', money(summary.mrr), 'paying subscriptions, at the prices they pay')}
        ${figure('arr', 'ARR', money(summary.arr))}
        ${figure('paying', 'Paying subscriptions', count(s.paying), s.pastDue ? `${count(s.pastDue)} past due` : undefined)}
        ${figure('trialing', 'In trial', count(s.trialing))}
        ${figure('collected', `Collected, last ${summary.windowDays} days`, collected)}
        ${figure('churned', `Ended, last ${summary.windowDays} days`, count(summary.churnedInWindow))}
        ${figure('scheduled-to-cancel', 'Set to cancel', count(s.scheduledToCancel))}
        ${figure('payment-issues', 'Open payment problems', count(summary.openPaymentIssues))}
      </section>
      <section>
        <h2>By plan</h2>
        <div class="table-wrap"><table data-testid="by-plan">
          <thead><tr><th>Plan</th><th>Paying</th><th>In trial</th><th>Seats paid</th><th>MRR</th></tr></thead>
          <tbody>
            ${summary.byPlan.map(
              (p) => html`<tr data-plan="${p.planId}"><td>${p.planName}</td><td>${count(p.paying)}</td><td>${count(p.trialing)}</td><td data-testid="seats">${p.seats === null ? '' : count(p.seats)}</td><td>${money(p.mrr)}</td></tr>`,
            )}
            ${summary.outsideCatalog.paying
              ? html`<tr data-plan="outside-catalog"><td>Prices outside the catalog</td><td>${count(summary.outsideCatalog.paying)}</td><td></td><td></td><td>${money(summary.outsideCatalog.mrr)}</td></tr>`
              : null}
          </tbody>
        </table></div>
        ${s.paused || s.unpaid || s.unpriced
          ? html`<p class="muted">Not in MRR: ${count(s.paused)} paused, ${count(s.unpaid)} unpaid, ${count(s.unpriced)} paying at a price without a known amount in ${summary.currency.toUpperCase()}.</p>`
          : null}
      </section>
      <section>
        <h2>How these are counted</h2>
        <p class="muted">MRR is the price of every active or past-due subscription (as Stripe last sent it, so subscribers kept on an
          old price count at that price), times its quantity, per month (yearly prices / 12, weekly × 52 / 12, daily × 365 / 12).
          Discounts, tax and metered usage are not included; trials pay nothing yet.
          Collected is what paid invoices created in the last ${summary.windowDays} days brought in. Figures are refreshed at most once a minute.</p>
      </section>
    </main>`,
  );
}
