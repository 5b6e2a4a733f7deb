// The review step that replaces window.confirm(): a native <dialog> (focus moves in and back,
// Escape closes it) showing what a change does, with an optional seat stepper whose every change
// re-asks the preview, and a Confirm that stays busy until the change is made. A failure is said
// inside the dialog, next to Confirm, and the dialog stays open.
import { showError, whileBusy } from './feedback.js';
import { el, must } from './dom.js';
import { userMessage } from './api.js';
import { showModalWith } from './modal.js';

export interface Review {
  title: string;
  confirmLabel: string;
  /** Builds the body (may ask the API); called again with each new seat count. */
  render(seats: number | null): Promise<Node[]>;
  /** The stepper's range and start, for a change onto a per-seat plan. */
  seats?: { min: number; max: number; value: number };
  /** Makes the change; resolves once done (it reloads the page itself). */
  confirm(seats: number | null): Promise<void>;
}

const dialog = () => must(document, 'dialog#review', HTMLDialogElement);

export function openReview(review: Review): void {
  const d = dialog();
  const body = must(d, '[data-role=body]', HTMLElement);
  const seatsRow = must(d, '[data-role=seats]', HTMLElement);
  const seatsInput = must(seatsRow, 'input', HTMLInputElement);
  const confirm = must(d, '[data-role=confirm]', HTMLButtonElement);
  const errorSlot = must(d, '[data-role=error]', HTMLElement);
  must(d, '[data-role=title]', HTMLElement).textContent = review.title;
  confirm.textContent = review.confirmLabel;
  errorSlot.hidden = true;
  seatsRow.hidden = !review.seats;
  if (review.seats) {
    seatsInput.min = String(review.seats.min);
    seatsInput.max = String(review.seats.max);
    seatsInput.value = String(review.seats.value);
  }
  const seats = () => (review.seats ? clampSeats(seatsInput) : null);
  let generation = 0;
  const refresh = async () => {
    const mine = ++generation;
    confirm.disabled = true;
    body.setAttribute('aria-busy', 'true');
    errorSlot.hidden = true;
    try {
      const nodes = await review.render(seats());
      if (mine !== generation) return; // a newer seat count is being previewed
      body.replaceChildren(...nodes);
      confirm.disabled = false;
    } catch (err) {
      if (mine !== generation) return;
      body.replaceChildren(el('p', { class: 'muted' }, 'This change cannot be previewed.'));
      showError(confirm, userMessage(err));
    } finally {
      if (mine === generation) body.removeAttribute('aria-busy');
    }
  };
  let timer: number | undefined;
  const onSeats = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void refresh(), 250);
  };
  const onStep = (event: Event) => {
    const step = event.target instanceof Element ? event.target.closest('[data-step]') : null;
    if (!step) return;
    seatsInput.value = String(Number(seatsInput.value) + Number(step.getAttribute('data-step')));
    clampSeats(seatsInput);
    onSeats();
  };
  const onSubmit = (event: SubmitEvent) => {
    const pressed = event.submitter;
    if (!(pressed instanceof HTMLButtonElement) || pressed.value !== 'confirm') return; // Go back closes it
    event.preventDefault();
    errorSlot.hidden = true;
    whileBusy(confirm, () => review.confirm(seats()), 'Confirming…').catch((err: unknown) => showError(confirm, userMessage(err)));
  };
  body.replaceChildren(el('p', { class: 'muted' }, 'Working out what this change costs…'));
  showModalWith(
    d,
    [
      [seatsInput, 'input', onSeats],
      [seatsRow, 'click', onStep],
      [must(d, 'form', HTMLFormElement), 'submit', onSubmit],
    ],
    () => {
      generation++;
      window.clearTimeout(timer);
    },
  );
  void refresh();
}

/** Keeps a seat input inside its range and whole; returns its value. */
export function clampSeats(input: HTMLInputElement): number {
  const min = Number(input.min) || 1;
  const max = Number(input.max) || min;
  const value = Math.min(max, Math.max(min, Math.round(Number(input.value) || min)));
  input.value = String(value);
  return value;
}
