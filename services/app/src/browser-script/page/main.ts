// The billing page's script (bundled by esbuild into public/billing.js): every button with a
// `data-action` runs its action, the forms are sent as JSON, a change is reviewed before it is made,
// and the page says what changed after its reload.
import { BILLING_ACTIONS, payAfterCardUpdate, runAction, wireSeatsForm } from './billing-actions.js';
import { clicked } from './dom.js';
import { showPendingSuccess } from './feedback.js';
import { TEAM_AND_KEY_ACTIONS, wireTeamAndKeys } from './team-and-keys.js';
import { keepUsageFresh } from './usage-refresh.js';

const ACTIONS = { ...BILLING_ACTIONS, ...TEAM_AND_KEY_ACTIONS };

document.documentElement.classList.add('js');
document.addEventListener('click', (event) => {
  const button = clicked(event, 'button[data-action]');
  const action = button ? ACTIONS[button.getAttribute('data-action') ?? ''] : undefined;
  if (!button || !action) return;
  event.preventDefault();
  runAction(action, button);
});
wireSeatsForm();
wireTeamAndKeys();
keepUsageFresh();
showPendingSuccess();
void payAfterCardUpdate();
