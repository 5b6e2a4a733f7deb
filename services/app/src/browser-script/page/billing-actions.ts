// The billing buttons: Checkout, plan and seat changes (reviewed first), cancel and resume
// (confirmed in the same dialog), the portal, the card form, and paying an unpaid invoice once the
// card has changed. Each keeps its button busy, says what went wrong next to it, and reloads with
// a sentence saying what changed.
import { formatMoney } from '@billing/shared/money/format-money.js';
import { formatSeats } from '../../pages/format.js';
import { ApiError, field, send, userMessage } from './api.js';
import { previewNodes, type ChangePreview } from './change-preview.js';
import { el, must } from './dom.js';
import { clearError, reloadWithSuccess, showError, whileBusy } from './feedback.js';
import { clampSeats, openReview } from './review-dialog.js';

/** Follows an answer's `url` (Checkout, the portal). */
function follow(answer: unknown): void {
  const url = field(answer, 'url');
  if (!url) throw new Error('the API answered without a url');
  window.location.assign(url);
}

const attr = (button: Element, name: string) => button.getAttribute(name) ?? '';

/** A plan's seats chosen on its card (Checkout of a per-seat plan). */
function cardSeats(button: Element): number | undefined {
  const input = button.closest('.card')?.querySelector<HTMLInputElement>('input[name=seats]');
  return input ? clampSeats(input) : undefined;
}

async function checkout(button: HTMLButtonElement): Promise<void> {
  const seats = cardSeats(button);
  follow(await send('POST', '/api/checkout', { lookupKey: attr(button, 'data-lookup-key'), ...(seats === undefined ? {} : { seats }) }));
}

function changePlan(button: HTMLButtonElement): void {
  const lookupKey = attr(button, 'data-lookup-key');
  const planName = attr(button, 'data-plan-name');
  const perSeat = button.hasAttribute('data-seats-min');
  const current = Number(document.querySelector<HTMLFormElement>('#seats')?.getAttribute('data-current') ?? '1');
  const min = Number(attr(button, 'data-seats-min')) || 1;
  const max = Number(attr(button, 'data-seats-max')) || min;
  openReview({
    title: `Change to ${planName}, ${attr(button, 'data-price-label')}`,
    confirmLabel: `Confirm change to ${planName}`,
    ...(perSeat ? { seats: { min, max, value: Math.min(max, Math.max(min, current)) } } : {}),
    render: async (seats) =>
      previewNodes(
        (await send('POST', '/api/subscription/plan/preview', { lookupKey, ...(seats === null ? {} : { seats }) })) as ChangePreview,
      ),
    confirm: async (seats) => {
      await send('POST', '/api/subscription/plan', { lookupKey, ...(seats === null ? {} : { seats }) });
      reloadWithSuccess(`Your plan is now ${planName}${seats === null ? '' : ` with ${formatSeats(seats)}`}.`);
    },
  });
}

function cancel(): void {
  const end = document.querySelector('[data-testid=plan-price]')?.textContent?.match(/next payment on (.+)$/)?.[1];
  openReview({
    title: 'Cancel your subscription?',
    confirmLabel: 'Cancel subscription',
    render: () =>
      Promise.resolve([
        el(
          'p',
          {},
          `Your plan stays on${end ? ` until ${end}` : ' until the end of the billing period'}; then the account moves to the Free plan and nothing more is charged.`,
        ),
        el('p', { class: 'muted' }, 'You can resume any time before then.'),
      ]),
    confirm: async () => {
      await send('POST', '/api/subscription/cancel');
      reloadWithSuccess(`Your subscription is canceled${end ? `: it ends on ${end}` : ' at the end of the billing period'}.`);
    },
  });
}

async function resume(): Promise<void> {
  await send('POST', '/api/subscription/resume');
  reloadWithSuccess('Your subscription is resumed: it renews as before.');
}

async function portal(): Promise<void> {
  follow(await send('POST', '/api/portal'));
}

async function updateCard(): Promise<void> {
  follow(await send('POST', '/api/portal', { flow: 'payment_method_update' }));
}

type Action = (button: HTMLButtonElement) => Promise<void> | void;

export const BILLING_ACTIONS: Record<string, Action> = {
  checkout,
  'change-plan': changePlan,
  cancel,
  resume,
  portal,
  'update-card': updateCard,
};

/**
 * Back from the portal's card form with an unpaid invoice: pay it with the new card at once, and
 * say how that went (a reload shows the account in good standing again).
 */
export async function payAfterCardUpdate(): Promise<void> {
  const banner = document.querySelector<HTMLElement>('[data-auto-pay]');
  const invoiceId = banner?.getAttribute('data-auto-pay');
  if (!banner || !invoiceId) return;
  const note = banner.querySelector('[data-testid=auto-pay]');
  try {
    await send('POST', `/api/invoices/${encodeURIComponent(invoiceId)}/pay`);
    reloadWithSuccess('Thank you: your payment went through with the new card, and your account is in good standing.', '/billing');
  } catch (err) {
    if (note) note.textContent = '';
    const message = err instanceof ApiError && err.code === 'payment_required' ? `${err.message}` : userMessage(err);
    showError(must(banner, '[data-action=update-card]', HTMLButtonElement), message);
  }
}

/** The seats form: a stepper with the new total as it changes, then the review of what it costs. */
export function wireSeatsForm(): void {
  const form = document.querySelector<HTMLFormElement>('form.seats-form');
  if (!form) return;
  const input = must(form, 'input[name=seats]', HTMLInputElement);
  const total = form.querySelector('[data-role=seat-total]');
  const unit = Number(form.getAttribute('data-unit-amount'));
  const currency = form.getAttribute('data-currency') ?? 'usd';
  const interval = form.getAttribute('data-interval') ?? '';
  const update = () => {
    if (total) total.textContent = `${formatMoney(unit * clampSeats(input), currency)} / ${interval}`;
  };
  input.addEventListener('change', update);
  input.addEventListener('input', () => {
    if (total && input.value !== '')
      total.textContent = `${formatMoney(unit * Math.max(0, Math.round(Number(input.value))), currency)} / ${interval}`;
  });
  form.addEventListener('click', (event) => {
    const step = event.target instanceof Element ? event.target.closest('[data-step]') : null;
    if (!step) return;
    input.value = String(Number(input.value) + Number(step.getAttribute('data-step')));
    update();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearError(form);
    const seats = clampSeats(input);
    update();
    if (seats === Number(form.getAttribute('data-current'))) {
      showError(input, `You already have ${formatSeats(seats)}: choose another number.`);
      return;
    }
    openReview({
      title: `Change to ${formatSeats(seats)}`,
      confirmLabel: `Confirm ${formatSeats(seats)}`,
      render: async () => previewNodes((await send('POST', '/api/subscription/seats/preview', { seats })) as ChangePreview),
      confirm: async () => {
        await send('POST', '/api/subscription/seats', { seats });
        reloadWithSuccess(`You now have ${formatSeats(seats)}.`);
      },
    });
  });
}

/** Runs a billing action for the pressed button, busy meanwhile; errors land next to it. */
export function runAction(action: Action, button: HTMLButtonElement): void {
  clearError(button);
  whileBusy(button, async () => action(button)).catch((err: unknown) => showError(button, userMessage(err)));
}
