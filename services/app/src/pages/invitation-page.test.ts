// The invitation page as rendered, read back in chromium: what the invitee is asked to accept, the
// states that cannot be accepted, escaping of the team's name, the 404 page, and a phone's width.
import { describe, expect, it } from 'vitest';
import { pageBrowserForFile, scrollWidth } from '../testing/page-in-browser.js';
import { formatDate } from './format.js';
import { renderInvitationNotFoundPage, renderInvitationPage, type InvitationPageModel } from './invitation-page.js';

const EXPIRES = '2026-12-09T10:00:00.000Z';
const ID = 'inv_aaaaaaaaaaaaaaaaaaaaaaaa';

function invitation(over: Partial<InvitationPageModel['invitation']> = {}): InvitationPageModel {
  return {
    invitation: {
      id: ID,
      email: 'mia@example.com',
      role: 'member',
      status: 'pending',
      invitedBy: 'olga@example.com',
      expiresAt: EXPIRES,
      teamName: 'Acme',
      ...over,
    },
    signedInAs: 'mia@example.com',
  };
}

const browser = pageBrowserForFile();
const show = (page: string, width?: number) => browser().show(page, width);

describe('a pending invitation', () => {
  it('names the team, the role and who invited, until when it is open, and offers Accept', async () => {
    const p = await show(renderInvitationPage(invitation()));
    expect(await p.textContent('[data-testid=invitation-summary]')).toMatch(/^olga@example\.com invited you to join\s+Acme as a member\.$/);
    expect(await p.textContent('main')).toContain(`Open until ${formatDate(Date.parse(EXPIRES) / 1000)}.`);
    expect(await p.textContent('main')).toContain('Signed in as mia@example.com.');
    expect(await p.locator('button[data-action=accept-invitation]').getAttribute('data-invitation-id')).toBe(ID);
    expect(await p.locator('[data-testid=invitation-state]').count()).toBe(0);
    const admin = await show(renderInvitationPage(invitation({ role: 'admin' })));
    expect(await admin.textContent('[data-testid=invitation-role]')).toBe('an admin');
    expect(await admin.textContent('main')).toContain('manage its billing and members');
  });
});

describe('an invitation that cannot be accepted', () => {
  it.each([
    ['expired', `This invitation expired on ${formatDate(Date.parse(EXPIRES) / 1000)}. Ask the team for a new one.`],
    ['revoked', 'This invitation was revoked. Ask the team for a new one.'],
    ['accepted', 'This invitation has already been accepted. Go to billing'],
  ] as const)('says it is %s, without a button', async (status, said) => {
    const p = await show(renderInvitationPage(invitation({ status })));
    expect(await p.textContent('[data-testid=invitation-state]')).toBe(said);
    expect(await p.locator('button').count()).toBe(0);
    expect(await p.textContent('[data-testid=team-name]')).toBe('Acme');
  });
});

describe('names people type', () => {
  it('are text: a team named with a script tag, an inviter with markup', async () => {
    const p = await show(
      renderInvitationPage(invitation({ teamName: '<script>window.pwned = 1</script>', invitedBy: '<img src=x onerror=alert(1)>' })),
    );
    expect(await p.textContent('[data-testid=team-name]')).toBe('<script>window.pwned = 1</script>');
    expect(await p.textContent('[data-testid=invited-by]')).toBe('<img src=x onerror=alert(1)>');
    expect(await p.locator('main script, main img').count()).toBe(0);
    expect(await p.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
  });
});

describe('the 404 page', () => {
  it('says the same for every case it covers, naming who is signed in', async () => {
    const p = await show(renderInvitationNotFoundPage('<b>bob</b>@example.com'));
    expect(await p.textContent('h1')).toBe('Invitation not found');
    expect(await p.textContent('[data-testid=invitation-not-found]')).toBe(
      'There is no invitation at this link for <b>bob</b>@example.com. Check the link, or sign in with the email the invitation was sent to.',
    );
    expect(await p.locator('main b').count()).toBe(0);
    expect(await (await show(renderInvitationNotFoundPage(null))).textContent('[data-testid=invitation-not-found]')).toMatch(
      /^There is no invitation at this link for you\./,
    );
  });
});

describe('on a phone', () => {
  it('fits 390 px with a long team name and addresses', async () => {
    const p = await show(
      renderInvitationPage(
        invitation({
          teamName: 'The Extraordinarily Long Named Department Of Quarterly Reconciliations',
          invitedBy: 'someone.with.a.rather.long.address@subsidiary.example.com',
        }),
      ),
      390,
    );
    expect(await scrollWidth(p)).toBeLessThanOrEqual(390);
  });
});
