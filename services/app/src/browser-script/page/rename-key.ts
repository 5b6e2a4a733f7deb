// Renaming an API key in the page's rename dialog (in place of window.prompt): a native <dialog>
// like the review's (focus moves in and back, Escape cancels), the name checked here with the API's
// own limits (the page renders them from `ApiKeyName`) before it is sent, and the API's refusal
// (a key revoked meanwhile...) said under the field, the dialog left open to try again.
import { send, userMessage } from './api.js';
import { must } from './dom.js';
import { reloadWithSuccess, whileBusy } from './feedback.js';
import { showModalWith } from './modal.js';

/** Why the API would refuse `name` (ApiKeyName: trimmed, `min` to `max` UTF-16 code units, well-formed Unicode), or null. */
export function keyNameProblem(name: string, min: number, max: number): string | null {
  const trimmed = name.trim();
  if (trimmed.length < min) return 'Enter a name for the key.';
  if (trimmed.length > max) return `Use at most ${max} characters: this name has ${trimmed.length}.`;
  if (!trimmed.isWellFormed()) return 'The name has characters that cannot be stored: type it again.';
  return null;
}

export function openRenameKey(button: HTMLButtonElement): void {
  const d = must(document, 'dialog#rename-key', HTMLDialogElement);
  const form = must(d, 'form', HTMLFormElement);
  const input = must(d, 'input[name=name]', HTMLInputElement);
  const error = must(d, '[data-role=error]', HTMLElement);
  const save = must(d, '[data-role=confirm]', HTMLButtonElement);
  const current = button.getAttribute('data-key-name') ?? '';
  const url = `/api/keys/${encodeURIComponent(button.getAttribute('data-key-id') ?? '')}`;
  const min = Number(input.getAttribute('data-min'));
  const max = Number(input.getAttribute('data-max'));
  must(d, 'h2', HTMLElement).textContent = `Rename API key "${current}"`;
  input.value = current;

  const say = (message: string | null) => {
    error.textContent = message ?? '';
    error.hidden = message === null;
    if (message === null) input.removeAttribute('aria-invalid');
    else input.setAttribute('aria-invalid', 'true');
  };
  // Once a problem is said, it follows the typing (gone as soon as the name is fine).
  const onInput = () => {
    if (!error.hidden) say(keyNameProblem(input.value, min, max));
  };
  const onSubmit = (event: SubmitEvent) => {
    const pressed = event.submitter;
    if (!(pressed instanceof HTMLButtonElement) || pressed.value !== 'save') return; // Cancel closes it
    event.preventDefault();
    const problem = keyNameProblem(input.value, min, max);
    if (problem) {
      say(problem);
      input.focus();
      return;
    }
    const name = input.value.trim();
    say(null);
    whileBusy(save, () => send('PATCH', url, { name }), 'Saving…').then(
      () => reloadWithSuccess(`API key renamed to "${name}".`),
      (err: unknown) => {
        say(userMessage(err));
        input.focus();
      },
    );
  };
  say(null);
  showModalWith(d, [
    [input, 'input', onInput],
    [form, 'submit', onSubmit],
  ]);
  input.select();
}
