// The operator console's page frame: its own stylesheet (public/admin.css, independent of the
// product's app.css), a navigation bar that shows what the operator's role may open, and the
// formatting every console page shares.
import { formatMoney } from '@billing/shared/money/format-money.js';
import { includesRole, type OperatorRole } from '@billing/shared/model/operator-documents.js';
import { html, type SafeHtml } from './html.js';

export interface ConsoleViewer {
  email: string;
  role: OperatorRole;
}

export type ConsoleSection = 'revenue' | 'customers' | 'invoices' | 'pipeline' | 'audit' | 'operators';

const NAV: { section: ConsoleSection; href: string; label: string; role: OperatorRole }[] = [
  { section: 'revenue', href: '/admin', label: 'Revenue', role: 'viewer' },
  { section: 'customers', href: '/admin/customers', label: 'Customers', role: 'viewer' },
  { section: 'invoices', href: '/admin/invoices', label: 'Invoices', role: 'viewer' },
  { section: 'pipeline', href: '/admin/pipeline', label: 'Pipeline', role: 'viewer' },
  { section: 'audit', href: '/admin/audit', label: 'Audit log', role: 'viewer' },
  { section: 'operators', href: '/admin/operators', label: 'Operators', role: 'admin' },
];

const dateTime = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
const dateOnly = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' });

/** Unix seconds as a UTC date and time. */
export const atTime = (unixSeconds: number | null): string =>
  unixSeconds === null ? '' : `${dateTime.format(new Date(unixSeconds * 1000))} UTC`;
export const onDay = (unixSeconds: number | null): string => (unixSeconds === null ? '' : dateOnly.format(new Date(unixSeconds * 1000)));
export const usd = (cents: number): string => formatMoney(cents, 'usd');
export const count = (n: number): string => n.toLocaleString('en-US');

export function renderConsoleDocument(title: string, viewer: ConsoleViewer | null, active: ConsoleSection | null, body: SafeHtml): string {
  return `<!doctype html>${
    html`<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>${title} · Console</title>
<link rel="stylesheet" href="/static/admin.css" />
</head>
<body class="console">
<header class="console-bar">
  <strong class="brand">Console</strong>
  <nav aria-label="Console">
    ${NAV.filter((n) => viewer !== null && includesRole(viewer.role, n.role)).map(
      (n) => html`<a href="${n.href}" ${n.section === active ? html`aria-current="page"` : null}>${n.label}</a>`,
    )}
    <a href="/billing">Billing</a>
  </nav>
  ${viewer ? html`<span class="who" data-testid="operator">${viewer.email} · ${viewer.role}</span>` : null}
</header>
<main class="console-main">${body}</main>
</body>
</html>`.value
  }`;
}

/** A status as a badge (the list statuses and Stripe's). */
export const badge = (status: string | null): SafeHtml =>
  html`<span class="badge badge-${status ?? 'none'}">${(status ?? 'none').replace(/_/g, ' ')}</span>`;
