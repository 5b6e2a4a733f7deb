// One opening of a native modal <dialog> and the listeners that live exactly as long as it does.
// A dialog's close event is a queued task, not part of close(): on a busy machine the dialog can be
// closed and opened again before the first opening's event is dispatched. Detaching on that event
// (`{ once: true }`) then detached the second opening's listeners instead, and its form submitted
// unchecked. Here an opening detaches whatever the previous one left, and a close event that
// arrives while the dialog is open again belongs to an earlier opening and is ignored.

/** A listener to attach for the opening: [target, event type, handler]. */
export type Listener = readonly [EventTarget, string, (event: never) => void];

const openings = new WeakMap<HTMLDialogElement, () => void>();

/** Shows `d` modally with `listeners` attached until it closes; `onClose` runs once, when it does. */
export function showModalWith(d: HTMLDialogElement, listeners: readonly Listener[], onClose?: () => void): void {
  openings.get(d)?.();
  const attached = listeners.map(([target, type, handler]) => [target, type, handler as EventListener] as const);
  const detach = () => {
    if (openings.get(d) !== detach) return;
    openings.delete(d);
    for (const [target, type, handler] of attached) target.removeEventListener(type, handler);
    d.removeEventListener('close', onCloseEvent);
    onClose?.();
  };
  const onCloseEvent = () => {
    if (!d.open) detach();
  };
  for (const [target, type, handler] of attached) target.addEventListener(type, handler);
  d.addEventListener('close', onCloseEvent);
  openings.set(d, detach);
  d.showModal();
}
