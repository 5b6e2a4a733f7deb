// A previewed change (POST /api/subscription/{plan,seats}/preview, shared/src/billing-ops/
// preview-subscription-change.ts's ChangePreview) written out for the review step.
import { formatMoney } from '@billing/shared/money/format-money.js';
import { formatCard, formatDate, formatSeats } from '../../pages/format.js';
import { el } from './dom.js';
import type { ChangePreview, PlanTerms } from '@billing/shared/billing-ops/preview-subscription-change.js';

/** The API's answer: the use case's own type (erased from the bundle). */
export type { ChangePreview };

const terms = (t: PlanTerms, currency: string) =>
  `${t.plan}${t.seats === null ? '' : `, ${formatSeats(t.seats)}`}: ${formatMoney(t.amount, currency)} / ${t.interval}`;

export function previewNodes(p: ChangePreview): Node[] {
  const money = (amount: number) => formatMoney(amount, p.currency);
  const when = p.nextInvoiceAt ? ` on ${formatDate(p.nextInvoiceAt)}` : '';
  const due = p.invoicedNow
    ? el(
        'p',
        { class: 'due', 'data-testid': 'review-due' },
        el('strong', {}, `Due today: ${money(p.amountDueNow)}`),
        p.amountDueNow === 0 ? ' (the credit for your unused time covers it)' : '',
      )
    : el(
        'p',
        { class: 'due', 'data-testid': 'review-due' },
        el('strong', {}, 'Due today: nothing. '),
        p.proration > 0
          ? `${money(p.proration)} for the rest of this period is added to your next invoice${when}.`
          : p.proration < 0
            ? `${money(-p.proration)} for the unused part of this period is credited on your next invoice${when}.`
            : `Nothing changes on your next invoice${when} but the new price.`,
      );
  const lines = p.lines.length
    ? el(
        'table',
        { class: 'review-lines', 'data-testid': 'review-lines' },
        el('caption', { class: 'visually-hidden' }, 'What the change charges and credits'),
        el('tbody', {}, ...p.lines.map((l) => el('tr', {}, el('td', {}, l.description), el('td', { class: 'amount' }, money(l.amount))))),
      )
    : null;
  return [
    el(
      'dl',
      { class: 'review-terms' },
      el('dt', {}, 'Now'),
      el('dd', { 'data-testid': 'review-current' }, p.current ? terms(p.current, p.currency) : 'A price outside the plans'),
      el('dt', {}, 'After the change'),
      el('dd', { 'data-testid': 'review-next' }, terms(p.next, p.currency)),
    ),
    ...(lines ? [lines] : []),
    due,
    el(
      'p',
      { 'data-testid': 'review-recurring' },
      `Then ${money(p.next.amount)} / ${p.next.interval}${p.recursFrom ? ` from ${formatDate(p.recursFrom)}` : ''}.`,
    ),
    el(
      'p',
      { class: 'muted', 'data-testid': 'review-card' },
      p.card ? `Charged to ${formatCard(p.card)}.` : 'No card on file: add one in Manage billing first.',
    ),
  ];
}
