// The admin revenue page: MRR and ARR, subscriptions by status and by plan, churn, money collected
// and open payment problems, with the definitions beside the figures (shared/src/revenue).
import { formatMoney } from '@billing/shared/money/format-money.js';
import type { RevenueHistory } from '@billing/shared/revenue/monthly-snapshot.js';
import type { RevenueSummary } from '@billing/shared/revenue/revenue-summary.js';
import { mrrChart, movementsChart } from './revenue-page-charts.js';
import { renderConsoleDocument, type ConsoleViewer } from './admin-layout.js';
import { html, type SafeHtml } from './html.js';

const dateTime = new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });
const count = (n: number) => n.toLocaleString('en-US');

function figure(testId: string, label: string, value: string, note?: string): SafeHtml {
  return html`<div class="figure"><span class="label">${label}</span><strong data-testid="${testId}">${value}</strong>${note ? html`<span class="muted">${note}</span>` : null}</div>`;
}

const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)} %`);

/** The history part: monthly charts and the table of their figures, with the snapshots' dates. */
function historySection(history: RevenueHistory, money: (n: number) => string): SafeHtml {
  if (history.snapshots.length < 2) {
    return html`<section data-testid="history"><h2>Over time</h2><p class="muted">The monthly history starts with the first snapshots (taken at the start of each month by the usage reporter's job): ${history.snapshots.length} so far.</p></section>`;
  }
  const last = history.snapshots.at(-1);
  return html`<section data-testid="history">
    <h2>Over time</h2>
    <p class="muted">Monthly figures come from snapshots of each account's MRR taken at the start of each month; the latest was taken ${last ? dateTime.format(new Date(last.takenAt * 1000)) : ''} UTC. The figures above are live.</p>
    <div class="charts">${mrrChart(history.snapshots)}${movementsChart(history.months)}</div>
    <div class="table-wrap"><table data-testid="movements">
      <thead><tr><th>Month</th><th class="num">MRR at start</th><th class="num">New</th><th class="num">Reactivation</th><th class="num">Expansion</th><th class="num">Contraction</th><th class="num">Churn</th><th class="num">Net</th><th class="num">MRR at end</th><th class="num">Customer churn</th><th class="num">Revenue churn</th><th class="num">ARPU</th></tr></thead>
      <tbody>${history.months.map(
        (
          m,
        ) => html`<tr data-month="${m.month}"><td>${m.month}</td><td class="num">${money(m.startMrr)}</td><td class="num">${money(m.new)}</td><td class="num">${money(m.reactivation)}</td><td class="num">${money(m.expansion)}</td>
          <td class="num">−${money(m.contraction)}</td><td class="num">−${money(m.churn)}</td><td class="num" data-testid="net">${money(m.net)}</td><td class="num">${money(m.endMrr)}</td>
          <td class="num">${percent(m.customerChurnRate)}</td><td class="num">${percent(m.revenueChurnRate)}</td><td class="num">${m.arpu === null ? '—' : money(m.arpu)}</td></tr>`,
      )}</tbody>
    </table></div>
  </section>`;
}

export function renderRevenuePage(
  summary: RevenueSummary,
  viewer: ConsoleViewer | null = null,
  history: RevenueHistory | null = null,
): string {
  const s = summary.subscriptions;
  const money = (amount: number) => formatMoney(amount, summary.currency);
  const collected = summary.collectedInWindow.length
    ? summary.collectedInWindow.map((c) => formatMoney(c.amount, c.currency)).join(' + ')
    : money(0);
  return renderConsoleDocument(
    'Revenue',
    viewer,
    'revenue',
    html`<div class="admin">
      <header class="top">
        <h1>Revenue</h1>
        <span class="muted" data-testid="as-of">as of ${dateTime.format(new Date(summary.asOf * 1000))} UTC</span>
      </header>
      <section class="figures">
        ${figure('mrr', 'MRR', money(summary.mrr), 'paying subscriptions, at the prices they pay')}
        ${figure('arr', 'ARR', money(summary.arr))}
        ${figure('paying', 'Paying subscriptions', count(s.paying), s.pastDue ? `${count(s.pastDue)} past due` : undefined)}
        ${figure('trialing', 'In trial', count(s.trialing))}
        ${figure('collected', `Collected, last ${summary.windowDays} days`, collected)}
        ${figure('churned', `Ended, last ${summary.windowDays} days`, count(summary.churnedInWindow))}
        ${figure('scheduled-to-cancel', 'Set to cancel', count(s.scheduledToCancel))}
        ${figure('payment-problems', 'Customers with a payment problem', count(summary.paymentProblems), 'past due, unpaid, or an open invoice whose payment failed')}
        ${figure('arpu', 'ARPU', summary.arpu === null ? '—' : money(summary.arpu), `MRR per paying customer (${count(summary.payingCustomers)})`)}
        ${figure('customer-churn', `Customer churn, last ${summary.windowDays} days`, percent(summary.customerChurnRate))}
        ${figure('revenue-churn', `Revenue churn, last ${summary.windowDays} days`, percent(summary.revenueChurnRate), `${money(summary.churnedMrrInWindow)} MRR ended`)}
      </section>
      <section>
        <h2>By plan</h2>
        <div class="table-wrap"><table data-testid="by-plan">
          <thead><tr><th>Plan</th><th>Paying</th><th>In trial</th><th>Seats paid</th><th>MRR</th></tr></thead>
          <tbody>
            ${summary.byPlan.map(
              (p) =>
                html`<tr data-plan="${p.planId}"><td>${p.planName}</td><td>${count(p.paying)}</td><td>${count(p.trialing)}</td><td data-testid="seats">${p.seats === null ? '' : count(p.seats)}</td><td>${money(p.mrr)}</td></tr>`,
            )}
            ${
              summary.outsideCatalog.paying
                ? html`<tr data-plan="outside-catalog"><td>Prices outside the catalog</td><td>${count(summary.outsideCatalog.paying)}</td><td></td><td></td><td>${money(summary.outsideCatalog.mrr)}</td></tr>`
                : null
            }
          </tbody>
        </table></div>
        ${
          s.paused || s.unpaid || s.unpriced
            ? html`<p class="muted">Not in MRR: ${count(s.paused)} paused, ${count(s.unpaid)} unpaid, ${count(s.unpriced)} paying at a price without a known amount in ${summary.currency.toUpperCase()}.</p>`
            : null
        }
      </section>
      ${history ? historySection(history, money) : null}
      <section>
        <h2>How these are counted</h2>
        <p class="muted">MRR is the price of every active or past-due subscription (as Stripe last sent it, so subscribers kept on an
          old price count at that price), times its quantity, per month (yearly prices / 12, weekly × 52 / 12, daily × 365 / 12).
          Discounts, tax and metered usage are not included; trials pay nothing yet.
          Collected is what paid invoices created in the last ${summary.windowDays} days brought in. Figures are refreshed at most once a minute.
          Churn over ${summary.windowDays} days: subscriptions that ended, over those paying now plus those that ended (customer churn), and the
          MRR they paid over MRR now plus that MRR (revenue churn). Monthly churn uses the MRR at the start of the month; revenue churn
          there counts contraction too. A customer with a payment problem counts once, whether past due, unpaid or with a failed invoice.</p>
      </section>
    </div>`,
  );
}
