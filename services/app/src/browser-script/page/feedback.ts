// What the person sees while and after they act: the pressed button busy (disabled, aria-busy,
// its label saying so), errors next to the control that failed (in the nearest `[data-feedback]`
// block, else its section's flash, else the page's), and a success message that survives the
// reload showing the new state.

const SUCCESS_KEY = 'billing.success';

/** Marks `button` busy until `work` settles; resolves or rejects as it does. */
export async function whileBusy<T>(button: HTMLButtonElement | null, work: () => Promise<T>, label = 'Working…'): Promise<T> {
  if (!button) return work();
  const text = button.textContent;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.textContent = label;
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.textContent = text;
  }
}

function errorSlot(control: Element): HTMLElement | null {
  const block = control.closest('[data-feedback], dialog');
  const slot = block?.querySelector<HTMLElement>('[data-role=error]');
  if (slot) return slot;
  return control.closest('section')?.querySelector<HTMLElement>('[data-role=flash]') ?? document.getElementById('flash');
}

/** Shows `message` where the control is (and moves a screen reader there: the slot is an alert). */
export function showError(control: Element, message: string): void {
  const slot = errorSlot(control);
  if (!slot) return;
  slot.textContent = message;
  slot.classList.add('error-text');
  slot.hidden = false;
  slot.scrollIntoView({ block: 'nearest' });
}

export function clearError(control: Element): void {
  const slot = errorSlot(control);
  if (slot?.getAttribute('data-role') === 'error') slot.hidden = true;
}

/** Reloads the page (at `url`, default the same) and says `message` once it has loaded. */
export function reloadWithSuccess(message: string, url?: string): void {
  try {
    sessionStorage.setItem(SUCCESS_KEY, message);
  } catch {
    // Storage refused (a private window's quota): the new state still shows, without the sentence.
  }
  if (url) window.location.assign(url);
  else window.location.reload();
}

/** On load: the success message a change left before its reload. */
export function showPendingSuccess(): void {
  let message: string | null = null;
  try {
    message = sessionStorage.getItem(SUCCESS_KEY);
    sessionStorage.removeItem(SUCCESS_KEY);
  } catch {
    return;
  }
  showSuccess(message);
}

export function showSuccess(message: string | null): void {
  const flash = document.getElementById('flash');
  if (!flash || !message) return;
  flash.textContent = message;
  flash.className = 'banner ok';
  flash.hidden = false;
}
