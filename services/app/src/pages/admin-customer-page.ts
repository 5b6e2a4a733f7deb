// One customer in the console: account and members, subscriptions and items, seats, entitlements
// and overrides, usage, invoices, API keys (metadata), the timeline of billing events and operator
// actions, and, for editors, the actions as plain forms (POST, then a redirect back here).
import { randomUUID } from 'node:crypto';
import { stripeDashboardUrl, type CustomerDetail } from '@billing/shared/admin/customer-detail.js';
import { MAX_OVERRIDE_DAYS, MAX_TRIAL_EXTENSION_DAYS } from '@billing/shared/admin/customer-actions.js';
import { formatMoney } from '@billing/shared/money/format-money.js';
import { includesRole } from '@billing/shared/model/operator-documents.js';
import { isCurrentSubscriptionStatus } from '@billing/shared/model/subscription-status.js';
import { catalogPlan, Feature, MeteredFeature } from '@billing/shared/plans/catalog.js';
import { atTime, badge, count, onDay, renderConsoleDocument, usd, type ConsoleViewer } from './admin-layout.js';
import { html, type SafeHtml } from './html.js';

/** What an action's redirect says happened (`?done=`). */
export const DONE_MESSAGES = {
  resync: 'Resynced from Stripe.',
  'cancel-at-period-end': 'Set to cancel at the end of the period.',
  resume: 'Resumed: the subscription renews again.',
  'cancel-now': 'Canceled now.',
  'extend-trial': 'Trial extended.',
  'grant-override': 'Override granted.',
  'revoke-override': 'Override revoked.',
  'pay-invoice': 'Payment attempted: see the invoice status.',
} as const;
export type DoneMessage = keyof typeof DONE_MESSAGES;

function actionForm(accountId: string, path: string, label: string, fields: SafeHtml | null = null, danger = false): SafeHtml {
  return html`<form method="post" action="/admin/customers/${encodeURIComponent(accountId)}/${path}" class="action">
    ${fields}<button type="submit" class="${danger ? 'danger' : ''}">${label}</button>
  </form>`;
}

const reasonField = html`<label>Reason <input name="reason" maxlength="500" /></label>`;

function section(title: string, testId: string, body: SafeHtml): SafeHtml {
  return html`<section class="panel" data-testid="${testId}"><h2>${title}</h2>${body}</section>`;
}

export function renderCustomerPage(
  detail: CustomerDetail,
  viewer: ConsoleViewer,
  opts: { livemode: boolean; done: DoneMessage | null },
): string {
  const { account } = detail;
  const editor = includesRole(viewer.role, 'editor');
  const current = detail.subscriptions.find((s) => s.subscriptionId === account.billing?.subscriptionId) ?? null;
  const live = current !== null && isCurrentSubscriptionStatus(current.status);
  const plan = catalogPlan(current?.planId ?? null);
  const id = account.accountId;
  return renderConsoleDocument(
    account.name ?? account.email ?? id,
    viewer,
    'customers',
    html`<p><a href="/admin/customers">← Customers</a></p>
    <h1>${account.name ?? account.email ?? id} ${badge(account.listing?.status ?? (account.billing?.status ? null : 'none'))}</h1>
    ${opts.done ? html`<p class="flash" role="status" data-testid="done">${DONE_MESSAGES[opts.done]}</p>` : null}
    ${section(
      'Account',
      'account',
      html`<dl class="facts">
        <dt>Account</dt><dd>${id} (${account.kind})</dd>
        <dt>Billing email</dt><dd>${account.email ?? '—'}</dd>
        <dt>Stripe customer</dt><dd>${
          account.stripeCustomerId
            ? html`<a data-testid="stripe-link" href="${stripeDashboardUrl(account.stripeCustomerId, current?.livemode ?? opts.livemode)}" target="_blank" rel="noopener">${account.stripeCustomerId}</a>`
            : '—'
        }</dd>
        <dt>MRR</dt><dd>${usd(account.listing?.mrr ?? 0)}</dd>
        <dt>Created</dt><dd>${atTime(Math.floor(account.createdAt.toMillis() / 1000))}</dd>
      </dl>
      <h3>Members</h3>
      <ul class="plain">${detail.members.map((m) => html`<li>${m.email ?? m.userId} <span class="muted">${m.role}</span></li>`)}</ul>`,
    )}
    ${section(
      'Subscription',
      'subscription',
      html`${detail.subscriptions.length === 0 ? html`<p class="muted">Never subscribed.</p>` : null}
      ${detail.subscriptions.map(
        (s) => html`<div class="sub" data-subscription="${s.subscriptionId}">
          <p><strong>${s.subscriptionId}</strong> ${badge(s.status)} ${s.cancelAtPeriodEnd || s.cancelAt !== null ? html`${badge('canceling')} ends ${onDay(s.cancelAt ?? s.currentPeriodEnd)}` : null}</p>
          <p class="muted small">Plan ${s.planId ?? 'outside the catalog'} · period ${onDay(s.currentPeriodStart)} – ${onDay(s.currentPeriodEnd)}
            ${s.trialEnd !== null && s.status === 'trialing' ? html` · trial ends <span data-testid="trial-end">${atTime(s.trialEnd)}</span>` : null}
            ${s.endedAt !== null ? html` · ended ${onDay(s.endedAt)}` : null}</p>
          <div class="table-wrap"><table>
            <thead><tr><th>Item</th><th>Price</th><th class="num">Quantity</th><th class="num">Amount</th></tr></thead>
            <tbody>${s.items.map(
              (
                i,
              ) => html`<tr><td>${i.itemId}</td><td>${i.lookupKey ?? i.priceId}${i.metered ? ' (metered)' : ''}</td><td class="num">${i.metered ? '' : count(i.quantity)}</td>
                <td class="num">${i.unitAmount !== null && i.currency ? `${formatMoney(i.unitAmount, i.currency)} / ${i.intervalCount > 1 ? `${i.intervalCount} ` : ''}${i.interval ?? ''}` : ''}</td></tr>`,
            )}</tbody>
          </table></div>
        </div>`,
      )}
      ${current && plan?.seats ? html`<p data-testid="seats">Seats paid: ${count(current.quantity)} · members: ${count(detail.members.length)}</p>` : null}
      ${
        editor && account.stripeCustomerId
          ? html`<div class="actions" data-testid="subscription-actions">
            ${actionForm(id, 'resync', 'Resync from Stripe')}
            ${live && current && !(current.cancelAtPeriodEnd || current.cancelAt !== null) ? actionForm(id, 'cancel-at-period-end', 'Cancel at period end', reasonField) : null}
            ${live && current && (current.cancelAtPeriodEnd || current.cancelAt !== null) ? actionForm(id, 'resume', 'Resume', reasonField) : null}
            ${
              current?.status === 'trialing'
                ? actionForm(
                    id,
                    'extend-trial',
                    'Extend trial',
                    html`<input type="hidden" name="fromTrialEnd" value="${current.trialEnd ?? ''}" /><label>Days <input name="days" type="number" min="1" max="${MAX_TRIAL_EXTENSION_DAYS}" value="7" required /></label>${reasonField}`,
                  )
                : null
            }
            ${live ? actionForm(id, 'cancel-now', 'Cancel now…', reasonField, true) : null}
          </div>`
          : null
      }`,
    )}
    ${section(
      'Entitlements and overrides',
      'entitlements',
      html`<p>From Stripe: ${detail.entitlements?.features.length ? detail.entitlements.features.join(', ') : 'none'}${plan ? html` · plan features: ${plan.features.join(', ')}` : null}</p>
      <div class="table-wrap"><table data-testid="overrides">
        <thead><tr><th>Override</th><th>Until</th><th>By</th><th>Reason</th><th></th></tr></thead>
        <tbody>
          ${detail.overrides.length === 0 ? html`<tr><td colspan="5" class="muted">No override in force.</td></tr>` : null}
          ${detail.overrides.map(
            (
              o,
            ) => html`<tr data-override="${o.id}"><td>${o.kind === 'feature' ? `feature ${o.feature}` : `${o.feature} quota ${count(o.limit)} / month`}</td><td>${atTime(o.expiresAt)}</td><td>${o.grantedBy}</td><td>${o.reason}</td>
              <td>${editor ? actionForm(id, `overrides/${encodeURIComponent(o.id)}/revoke`, 'Revoke') : null}</td></tr>`,
          )}
        </tbody>
      </table></div>
      ${
        editor
          ? actionForm(
              id,
              'overrides',
              'Grant override',
              html`<input type="hidden" name="requestId" value="${randomUUID()}" />
            <label>Kind <select name="kind"><option value="feature">Feature</option><option value="quota">Monthly quota</option></select></label>
            <label>Feature <select name="feature">${[...Feature.options, ...MeteredFeature.options.filter((m) => !(Feature.options as readonly string[]).includes(m))].map((f) => html`<option value="${f}">${f}</option>`)}</select></label>
            <label>Quota <input name="limit" type="number" min="0" placeholder="for a quota" /></label>
            <label>Days <input name="days" type="number" min="1" max="${MAX_OVERRIDE_DAYS}" value="30" required /></label>
            ${reasonField}`,
            )
          : null
      }`,
    )}
    ${section(
      'Usage',
      'usage',
      html`<div class="table-wrap"><table>
        <thead><tr><th>Period</th><th>Feature</th><th class="num">Used</th><th class="num">Limit</th></tr></thead>
        <tbody>${detail.usage.length === 0 ? html`<tr><td colspan="4" class="muted">No usage recorded.</td></tr>` : null}
          ${detail.usage.map((u) => html`<tr><td>${onDay(u.periodStart)} – ${onDay(u.periodEnd)}</td><td>${u.feature}</td><td class="num">${count(u.used)}</td><td class="num">${u.limit === 'unlimited' ? 'unlimited' : count(u.limit)}</td></tr>`)}
        </tbody>
      </table></div>`,
    )}
    ${section(
      'Invoices',
      'invoices',
      html`<div class="table-wrap"><table>
        <thead><tr><th>Invoice</th><th>Date</th><th>Status</th><th class="num">Total</th><th>Links</th><th></th></tr></thead>
        <tbody>${detail.invoices.length === 0 ? html`<tr><td colspan="6" class="muted">No invoices.</td></tr>` : null}
          ${detail.invoices.map(
            (
              i,
            ) => html`<tr data-invoice="${i.invoiceId}"><td>${i.number ?? i.invoiceId}</td><td>${onDay(i.created)}</td><td>${badge(i.status)} ${i.paymentIssue ? badge(i.paymentIssue === 'failed' ? 'payment_failed' : 'action_required') : null}</td>
              <td class="num">${formatMoney(i.total, i.currency)}</td>
              <td>${i.hostedInvoiceUrl ? html`<a href="${i.hostedInvoiceUrl}" target="_blank" rel="noopener">View</a>` : null} ${i.invoicePdf ? html`<a href="${i.invoicePdf}" target="_blank" rel="noopener">PDF</a>` : null}</td>
              <td>${editor && i.status === 'open' ? actionForm(id, `invoices/${encodeURIComponent(i.invoiceId)}/pay`, 'Retry payment') : null}</td></tr>`,
          )}
        </tbody>
      </table></div>`,
    )}
    ${section(
      'API keys',
      'api-keys',
      html`<div class="table-wrap"><table>
        <thead><tr><th>Name</th><th>Prefix</th><th>Created</th><th>Last used</th><th>Revoked</th></tr></thead>
        <tbody>${detail.apiKeys.length === 0 ? html`<tr><td colspan="5" class="muted">No API keys.</td></tr>` : null}
          ${detail.apiKeys.map((k) => html`<tr><td>${k.name}</td><td><code>${k.prefix}</code></td><td>${k.createdAt.slice(0, 10)}</td><td>${k.lastUsedAt?.slice(0, 10) ?? '—'}</td><td>${k.revokedAt?.slice(0, 10) ?? ''}</td></tr>`)}
        </tbody>
      </table></div>`,
    )}
    ${section(
      'Timeline',
      'timeline',
      html`<ol class="timeline">${detail.timeline.length === 0 ? html`<li class="muted">Nothing yet.</li>` : null}
        ${detail.timeline.map((t) =>
          t.kind === 'event'
            ? html`<li data-kind="event"><time>${atTime(t.at)}</time> <code>${t.type}</code> <span class="muted">${t.outcome}</span></li>`
            : html`<li data-kind="admin"><time>${atTime(t.at)}</time> <strong>${t.action}</strong> by ${t.actor}${t.subject ? html` <span class="muted">${t.subject}</span>` : null}${t.reason ? html` — ${t.reason}` : null}</li>`,
        )}
      </ol>
      <p><a href="/admin/audit?account=${encodeURIComponent(id)}">Audit entries of this customer</a></p>`,
    )}`,
  );
}

/** The confirmation step of "cancel now": a page with the one button that does it (no JavaScript needed). */
export function renderCancelNowConfirmPage(accountId: string, subscriptionId: string, reason: string, viewer: ConsoleViewer): string {
  return renderConsoleDocument(
    'Cancel now?',
    viewer,
    'customers',
    html`<section class="panel" data-testid="confirm-cancel">
      <h1>Cancel ${subscriptionId} now?</h1>
      <p>The subscription ends immediately and the customer loses access now. Stripe does not refund the current period by itself.</p>
      <form method="post" action="/admin/customers/${encodeURIComponent(accountId)}/cancel-now">
        <input type="hidden" name="confirm" value="yes" />
        <label>Reason <input name="reason" maxlength="500" value="${reason}" /></label>
        <button type="submit" class="danger">Yes, cancel now</button>
        <a href="/admin/customers/${encodeURIComponent(accountId)}">No, go back</a>
      </form>
    </section>`,
  );
}
