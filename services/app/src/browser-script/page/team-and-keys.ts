// API keys (create, with the secret shown once in place; rename, in its dialog; revoke) and the team (switch
// account, create a team, invite, change a role, remove, leave, revoke an invitation, accept one).
// Destructive ones are confirmed in the review dialog; each says its outcome after the reload.
import { ApiError, send, userMessage } from './api.js';
import { el, must } from './dom.js';
import { clearError, reloadWithSuccess, showError, whileBusy } from './feedback.js';
import { openRenameKey } from './rename-key.js';
import { openReview } from './review-dialog.js';

type Action = (button: HTMLButtonElement) => Promise<void> | void;

const attr = (button: Element, name: string) => button.getAttribute(name) ?? '';
const keyUrl = (button: Element) => `/api/keys/${encodeURIComponent(attr(button, 'data-key-id'))}`;

/** A destructive change, confirmed in the dialog first. */
function confirmThen(title: string, text: string, confirmLabel: string, run: () => Promise<unknown>, done: string, url?: string): void {
  openReview({
    title,
    confirmLabel,
    render: () => Promise.resolve([el('p', {}, text)]),
    confirm: async () => {
      await run();
      reloadWithSuccess(done, url);
    },
  });
}

export const TEAM_AND_KEY_ACTIONS: Record<string, Action> = {
  'revoke-key': (b) =>
    confirmThen(
      `Revoke the API key "${attr(b, 'data-key-name')}"?`,
      'Programs using it are refused at once. This cannot be undone.',
      'Revoke key',
      () => send('DELETE', keyUrl(b)),
      `API key "${attr(b, 'data-key-name')}" revoked.`,
    ),
  'rename-key': (b) => openRenameKey(b),
  'remove-member': (b) =>
    confirmThen(
      `Remove ${attr(b, 'data-member')}?`,
      'They lose the team and its plan at once, and the API keys they made for it are revoked.',
      'Remove member',
      () => send('DELETE', `/api/team/members/${encodeURIComponent(attr(b, 'data-user-id'))}`),
      `${attr(b, 'data-member')} was removed from the team.`,
    ),
  // The server makes the personal account active again: the reload shows it.
  'leave-team': () =>
    confirmThen(
      'Leave this team?',
      'You lose its plan at once, the API keys you made for it are revoked, and you need a new invitation to come back.',
      'Leave team',
      () => send('POST', '/api/team/leave'),
      'You left the team.',
      '/billing',
    ),
  'revoke-invitation': (b) =>
    confirmThen(
      `Revoke the invitation to ${attr(b, 'data-member')}?`,
      'Its link stops working.',
      'Revoke invitation',
      () => send('DELETE', `/api/team/invitations/${encodeURIComponent(attr(b, 'data-invitation-id'))}`),
      `The invitation to ${attr(b, 'data-member')} was revoked.`,
    ),
  // The server makes the team the active account: the billing page then shows it.
  'accept-invitation': async (b) => {
    await send('POST', `/api/invitations/${encodeURIComponent(attr(b, 'data-invitation-id'))}/accept`);
    reloadWithSuccess('Welcome to the team.', '/billing');
  },
};

/** Submits a form as JSON with its button busy; `failed` may handle an error itself (true). */
function jsonForm(form: HTMLFormElement, run: () => Promise<void>, failed?: (err: unknown) => boolean): void {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearError(form);
    const button = form.querySelector<HTMLButtonElement>('button[type=submit]');
    whileBusy(button, run).catch((err: unknown) => {
      if (!failed?.(err)) showError(button ?? form, userMessage(err));
    });
  });
}

const value = (form: HTMLFormElement, name: string) => {
  const input = form.elements.namedItem(name);
  return input instanceof HTMLInputElement || input instanceof HTMLSelectElement ? input.value : '';
};

/** Creating a key: the secret is in this one response only, so it is shown here until "Done". */
function wireKeyForm(): void {
  const form = document.querySelector<HTMLFormElement>('form.create-key');
  const panel = document.querySelector<HTMLElement>('[data-testid=new-key]');
  if (!form || !panel) return;
  const secret = must(panel, '[data-testid=new-key-secret]', HTMLElement);
  jsonForm(form, async () => {
    const created = (await send('POST', '/api/keys', { name: value(form, 'name') })) as { name: string; key: string };
    must(panel, '[data-role=new-key-name]', HTMLElement).textContent = created.name;
    secret.textContent = created.key;
    panel.hidden = false;
    form.hidden = true;
    form.reset();
    must(panel, '[data-role=copy-key]', HTMLButtonElement).focus();
  });
  must(panel, '[data-role=copy-key]', HTMLButtonElement).addEventListener('click', (event) => {
    const copy = event.currentTarget;
    navigator.clipboard.writeText(secret.textContent ?? '').then(
      () => {
        if (copy instanceof HTMLButtonElement) copy.textContent = 'Copied';
      },
      // No clipboard access (a denied permission): select it for Ctrl-C.
      () => window.getSelection()?.selectAllChildren(secret),
    );
  });
  must(panel, '[data-role=done-key]', HTMLButtonElement).addEventListener('click', () => window.location.reload());
}

/** The account switcher: the choice is a cookie the server sets; the page is then rendered for it. */
function wireSwitcher(): void {
  const switcher = document.querySelector<HTMLSelectElement>('select[data-role=switch-account]');
  if (!switcher) return;
  const active = switcher.value;
  switcher.addEventListener('change', () => {
    switcher.disabled = true;
    send('POST', '/api/accounts/active', { accountId: switcher.value })
      .then(() => window.location.assign('/billing'))
      .catch((err: unknown) => {
        switcher.value = active;
        switcher.disabled = false;
        showError(switcher, userMessage(err));
      });
  });
}

/**
 * Inviting: the reload lists the invitation with its link to copy. A refusal for want of seats says
 * so with "Add seats", which goes to the seats form (or the plans) with the seats needed filled in.
 */
function wireTeamForms(): void {
  const createTeam = document.querySelector<HTMLFormElement>('form.create-team');
  if (createTeam) {
    jsonForm(createTeam, async () => {
      await send('POST', '/api/teams', { name: value(createTeam, 'name') });
      reloadWithSuccess(`Team "${value(createTeam, 'name')}" created: you are now acting for it.`, '/billing');
    });
  }
  const invite = document.querySelector<HTMLFormElement>('form.invite-form');
  const exhausted = document.querySelector<HTMLElement>('[data-testid=seats-exhausted]');
  if (invite) {
    jsonForm(
      invite,
      async () => {
        if (exhausted) exhausted.hidden = true;
        await send('POST', '/api/team/invitations', { email: value(invite, 'email'), role: value(invite, 'role') });
        reloadWithSuccess(`Invitation created for ${value(invite, 'email')}: copy its link below and send it.`);
      },
      (err) => {
        if (!exhausted || !(err instanceof ApiError) || err.details['reason'] !== 'seats_exhausted') return false;
        const seats = err.details['seats'];
        const used = typeof seats === 'object' && seats !== null && 'used' in seats && typeof seats.used === 'number' ? seats.used : 0;
        must(exhausted, '[data-role=message]', HTMLElement).textContent = err.message;
        exhausted.setAttribute('data-seats-needed', String(used + 1));
        exhausted.hidden = false;
        return true;
      },
    );
  }
  exhausted?.querySelector('[data-role=add-seats]')?.addEventListener('click', () => {
    const target = document.getElementById('seats') ?? document.getElementById('plans');
    const seats =
      document.querySelector<HTMLInputElement>('#seats input[name=seats]') ??
      document.querySelector<HTMLInputElement>('#plans [data-plan=team] input[name=seats]');
    const needed = Number(exhausted.getAttribute('data-seats-needed'));
    if (seats && needed > Number(seats.value) && needed <= Number(seats.max)) seats.value = String(needed);
    target?.scrollIntoView({ block: 'center' });
    seats?.focus();
  });
}

/** A member's role: changed at once; one's own is confirmed first (an admin who steps down cannot undo it). */
function wireRoles(): void {
  document.addEventListener('change', (event) => {
    const select = event.target instanceof Element ? event.target.closest('select[data-role=member-role]') : null;
    if (!(select instanceof HTMLSelectElement)) return;
    const was = select.querySelector('option[selected]')?.getAttribute('value') ?? select.value;
    const change = async () => {
      await send('PATCH', `/api/team/members/${encodeURIComponent(attr(select, 'data-user-id'))}`, { role: select.value });
      reloadWithSuccess(`Role changed to ${select.value}.`);
    };
    if (select.getAttribute('data-self') === 'true') {
      const role = select.value;
      select.value = was;
      openReview({
        title: `Change your own role to ${role}?`,
        confirmLabel: `Become ${role}`,
        render: () => Promise.resolve([el('p', {}, 'You may not be able to change it back.')]),
        confirm: async () => {
          select.value = role;
          await change();
        },
      });
      return;
    }
    select.disabled = true;
    change().catch((err: unknown) => {
      select.value = was;
      select.disabled = false;
      showError(select, userMessage(err));
    });
  });
}

/** An invitation's acceptance link, copied to send to the invitee (no email is sent). */
function wireCopyLinks(): void {
  document.addEventListener('click', (event) => {
    const copy = event.target instanceof Element ? event.target.closest('button[data-role=copy-link]') : null;
    const link = copy?.parentElement?.querySelector<HTMLInputElement>('input[data-role=invite-link]');
    if (!copy || !link) return;
    navigator.clipboard.writeText(link.value).then(
      () => void (copy.textContent = 'Copied'),
      () => {
        link.focus();
        link.select();
      },
    );
  });
}

export function wireTeamAndKeys(): void {
  wireKeyForm();
  wireSwitcher();
  wireTeamForms();
  wireRoles();
  wireCopyLinks();
}
