// A team in a real browser (Debian's chromium via playwright-core), on the full local stack: the
// owner creates a team, buys three seats of the Team plan for it through the stand-in's Checkout,
// invites a member by copying the acceptance link; the member signs in from that link, accepts and
// sees the team's plan without billing actions or invoices; inviting past the seats offers to add
// seats; the owner removes the member, whose page falls back to their personal account. And the
// team section fits a desktop and a phone. No screenshots are written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { billingSummaryFixture } from '@billing/shared/testing/billing-summary-fixture.js';
import { devSubject } from '../auth/dev-iap.js';
import { launchChromium, signedInContext } from '../testing/browser-session.js';
import { startTestStack, type TestStack } from '../testing/stack.js';

let stack: TestStack;
let browser: Browser;

beforeAll(async () => {
  stack = await startTestStack();
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

/** A fresh browser context that opens `path` and signs in as `email` on the dev sign-in page it is sent to. */
const signedIn = (email: string, path = '/billing') => signedInContext(browser, stack.baseUrl, email, path);

/** Clicks a button whose action reloads (or navigates), confirming it in the page's review dialog; returns what the dialog asked. */
async function clickConfirmed(page: Page, selector: string): Promise<string> {
  await page.click(selector);
  const dialog = page.locator('dialog#review');
  await dialog.waitFor({ state: 'visible' });
  const question = `${await dialog.locator('[data-role=title]').textContent()} ${await dialog.locator('[data-role=body]').textContent()}`;
  await Promise.all([page.waitForEvent('load'), dialog.locator('[data-role=confirm]').click()]);
  return question;
}

async function invite(page: Page, email: string): Promise<void> {
  await page.fill('[data-testid=invite-form] input[name=email]', email);
  await page.selectOption('[data-testid=invite-form] select[name=role]', 'member');
  await page.click('[data-testid=invite-form] button[type=submit]');
}

/** The team section (and the page) no wider than the viewport, at each width. */
async function expectNoSidewaysScroll(page: Page): Promise<void> {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 844 });
    const { documentWidth, overflowing } = await page.evaluate(() => ({
      documentWidth: document.documentElement.scrollWidth,
      overflowing: Array.from(document.querySelectorAll('[data-testid=team], [data-testid=team] .table-wrap')).filter(
        (el) => el.scrollWidth > el.clientWidth,
      ).length,
    }));
    expect(documentWidth, `${width} px`).toBeLessThanOrEqual(width);
    expect(overflowing, `${width} px`).toBe(0);
  }
}

describe('a team in a browser', () => {
  it('is created, buys seats, invites, is joined, refuses an invitation past its seats, and removes a member', async () => {
    const ownerEmail = 'olive-team@example.com';
    const memberEmail = 'milo-team@example.com';
    const owner = await signedIn(ownerEmail);
    await owner.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.baseUrl });
    const op = owner.page;

    // The team first: it is the account that subscribes (Checkout bills the active account).
    expect(await op.inputValue('[data-testid=account-switcher]')).toBe(devSubject(ownerEmail));
    await op.click('details.new-team summary');
    await op.fill('[data-testid=create-team] input[name=name]', 'Acme <Widgets>');
    await Promise.all([op.waitForEvent('load'), op.click('[data-testid=create-team] button[type=submit]')]);
    const teamId = await op.inputValue('[data-testid=account-switcher]');
    expect(teamId).toMatch(/^team_/);
    expect(await op.textContent(`[data-testid=account-switcher] option[value="${teamId}"]`)).toBe('Acme <Widgets>');
    expect(await op.textContent('[data-testid=seats-used]')).toBe('1 of 1 seat used');

    await op.fill('[data-plan=team] input[name=seats]', '3');
    await op.click('button[data-action=checkout][data-lookup-key=team_month]');
    await op.waitForURL(/\/_stand-in\/checkout\//);
    await op.click('#pay');
    await op.waitForURL(`${stack.baseUrl}/billing?checkout=success`);
    expect(await op.textContent('[data-testid=plan-name]')).toBe('Team');
    expect(await op.textContent('[data-testid=seats-used]')).toBe('1 of 3 seats used');
    expect((await stack.firestore.doc(`accounts/${teamId}`).get()).get('billing.quantity')).toBe(3);
    expect((await stack.firestore.doc(`accounts/${devSubject(ownerEmail)}`).get()).get('billing')).toBeNull(); // not the personal account

    // Invite: the pending invitation lists its acceptance link, which the owner copies.
    await Promise.all([op.waitForEvent('load'), invite(op, memberEmail)]);
    const pending = op.locator('[data-testid=invitations] tbody tr');
    expect(await pending.count()).toBe(1);
    expect(await pending.locator('td').first().textContent()).toBe(memberEmail);
    const link = await pending.locator('input[data-role=invite-link]').inputValue();
    expect(link).toMatch(new RegExp(`^${stack.baseUrl}/invitations/inv_[\\w-]{24}$`));
    await pending.locator('button[data-role=copy-link]').click();
    await op.waitForFunction(() => document.querySelector('[data-role=copy-link]')?.textContent === 'Copied');
    expect(await op.evaluate(() => navigator.clipboard.readText())).toBe(link);
    expect(await op.textContent('[data-testid=seats-used]')).toBe('2 of 3 seats used');

    // The member opens the link, signs in on the way, and accepts.
    const invitationPath = new URL(link).pathname;
    const member = await signedIn(memberEmail, invitationPath);
    const mp = member.page;
    expect(await mp.textContent('[data-testid=team-name]')).toBe('Acme <Widgets>');
    expect(await mp.textContent('[data-testid=invitation-role]')).toBe('a member');
    expect(await mp.textContent('[data-testid=invited-by]')).toBe(ownerEmail);
    await mp.click('button[data-action=accept-invitation]');
    await mp.waitForURL(`${stack.baseUrl}/billing`);
    expect(await mp.inputValue('[data-testid=account-switcher]')).toBe(teamId);
    expect(await mp.textContent('[data-testid=plan-name]')).toBe('Team');
    expect(await mp.textContent('[data-testid=managed-by]')).toBe("Billing is managed by the team's owners and admins.");
    expect(
      await mp
        .locator(
          '[data-action=checkout], [data-action=change-plan], [data-action=cancel], [data-action=resume], [data-action=portal], [data-testid=seats-form]',
        )
        .count(),
    ).toBe(0);
    expect(await mp.locator('section.invoices, [data-testid=invoices], [data-testid=invite-form]').count()).toBe(0);
    expect(await mp.locator('[data-testid=members] button').allTextContents()).toEqual(['Leave']);
    // Used: the page says so, with nothing left to press.
    await mp.goto(`${stack.baseUrl}${invitationPath}`);
    expect(await mp.textContent('[data-testid=invitation-state]')).toMatch(/already been accepted/);
    expect(await mp.locator('button').count()).toBe(0);

    // The owner sees the member, and the seats used.
    await op.reload();
    expect(
      await op
        .locator(`[data-testid=members] tr[data-user-id="${devSubject(memberEmail)}"] td`)
        .first()
        .textContent(),
    ).toBe(memberEmail);
    expect(await op.locator('[data-testid=no-invitations]').count()).toBe(1);
    expect(await op.textContent('[data-testid=seats-used]')).toBe('2 of 3 seats used');
    await expectNoSidewaysScroll(op);
    await op.setViewportSize({ width: 1280, height: 844 });

    // The third seat goes to an invitation; a fourth person is refused, with the way to add seats.
    await Promise.all([op.waitForEvent('load'), invite(op, 'third-team@example.com')]);
    expect(await op.textContent('[data-testid=seats-used]')).toBe('3 of 3 seats used');
    await invite(op, 'fourth-team@example.com');
    const refusal = op.locator('[data-testid=seats-exhausted]');
    await refusal.waitFor({ state: 'visible' });
    expect(await refusal.locator('[data-role=message]').textContent()).toBe(
      'All 3 paid seats are taken (2 members, 1 pending invitations): add seats to invite more',
    );
    expect(await op.isEnabled('[data-testid=invite-form] button[type=submit]')).toBe(true);
    await refusal.locator('button[data-role=add-seats]').click();
    expect(await op.evaluate(() => document.activeElement === document.querySelector('#seats input[name=seats]'))).toBe(true);
    expect(await op.inputValue('#seats input[name=seats]')).toBe('4'); // the seats needed, for the owner to confirm
    await expectNoSidewaysScroll(op);
    await op.setViewportSize({ width: 1280, height: 844 });

    // Revoked: the seat is free again, and the link says the invitation was revoked.
    const revokedPath = new URL(await op.inputValue('[data-testid=invitations] input[data-role=invite-link]')).pathname;
    await clickConfirmed(op, '[data-testid=invitations] button[data-action=revoke-invitation]');
    expect(await op.textContent('[data-testid=seats-used]')).toBe('2 of 3 seats used');
    const third = await signedIn('third-team@example.com', revokedPath);
    expect(await third.page.textContent('[data-testid=invitation-state]')).toBe('This invitation was revoked. Ask the team for a new one.');
    expect(await third.page.locator('button[data-action=accept-invitation]').count()).toBe(0);
    await third.context.close();

    // Removed: the member's page falls back to their personal account (once this instance's cache
    // sees the membership gone, which is within moments).
    const question = await clickConfirmed(
      op,
      `[data-testid=members] tr[data-user-id="${devSubject(memberEmail)}"] button[data-action=remove-member]`,
    );
    expect(question).toBe(`Remove ${memberEmail}? They lose the team and its plan at once, and the API keys they made for it are revoked.`);
    expect(await op.locator(`[data-testid=members] tr[data-user-id="${devSubject(memberEmail)}"]`).count()).toBe(0);
    await mp.goto(`${stack.baseUrl}/billing`);
    for (let i = 0; i < 50 && (await mp.inputValue('[data-testid=account-switcher]')) !== devSubject(memberEmail); i++) {
      await new Promise((r) => setTimeout(r, 100));
      await mp.reload();
    }
    expect(await mp.inputValue('[data-testid=account-switcher]')).toBe(devSubject(memberEmail));
    expect(await mp.locator('[data-testid=account-switcher] option').allTextContents()).toEqual([memberEmail]);
    expect(await mp.textContent('[data-testid=plan-name]')).toBe('Free');
    expect(await mp.locator('[data-testid=team], [data-testid=managed-by]').count()).toBe(0);
    await Promise.all([member.context.close(), owner.context.close()]);
  }, 120_000);

  it('switches between the personal account and a team, and leaves a team', async () => {
    const email = 'sam-team@example.com';
    const personal = devSubject(email);
    const created = await stack.as(email, '/api/teams', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Side project' }),
    });
    const { account } = (await created.json()) as { account: { id: string } };
    const { context, page } = await signedIn(email);
    expect(await page.inputValue('[data-testid=account-switcher]')).toBe(personal); // the API call set no cookie in this browser
    expect(await page.locator('[data-testid=team]').count()).toBe(0);

    await Promise.all([page.waitForEvent('load'), page.selectOption('[data-testid=account-switcher]', account.id)]);
    expect(await page.inputValue('[data-testid=account-switcher]')).toBe(account.id);
    expect(await page.textContent('[data-testid=seats-used]')).toBe('1 of 1 seat used');

    // The last owner cannot leave: said in the team section, nothing changes.
    await page.click('[data-testid=members] button[data-action=leave-team]');
    await page.click('dialog#review [data-role=confirm]');
    const flash = page.locator('dialog#review [data-role=error]');
    await flash.waitFor({ state: 'visible' });
    expect(await flash.textContent()).toBe('You are the last owner: make someone else owner before leaving');

    await Promise.all([page.waitForEvent('load'), page.selectOption('[data-testid=account-switcher]', personal)]);
    expect(await page.inputValue('[data-testid=account-switcher]')).toBe(personal);
    expect(await page.locator('[data-testid=team]').count()).toBe(0);
    await context.close();
  }, 60_000);

  it('answers an unknown, malformed or someone else’s invitation with the same 404 page', async () => {
    const owner = 'ivy-team@example.com';
    const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const { account } = (await (await stack.as(owner, '/api/teams', json({ name: 'Ivy' }))).json()) as { account: { id: string } };
    // Two seats, as the applier writes them after a Checkout (the journey above buys them in the browser).
    await stack.firestore
      .doc(`accounts/${account.id}`)
      .update({ billing: billingSummaryFixture({ planId: 'team', quantity: 2, customerId: null }) });
    const invitation = await stack.as(owner, '/api/team/invitations', {
      ...json({ email: 'jay-team@example.com', role: 'member' }),
      headers: { 'content-type': 'application/json', 'x-billing-account': account.id },
    });
    expect(invitation.status).toBe(201);
    const { acceptUrl } = (await invitation.json()) as { acceptUrl: string };
    expect((await stack.as('jay-team@example.com', acceptUrl)).status).toBe(200);

    for (const path of [
      acceptUrl.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a')),
      '/invitations/nope',
      '/invitations/%ED%A0%80',
      `/invitations/${'x'.repeat(2000)}`,
      '/invitations/inv_%00%00%00%00%00%00%00%00%00%00%00%00',
    ]) {
      const res = await stack.as('jay-team@example.com', path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), path).toMatch(/^text\/html/);
      expect(await res.text(), path).toContain('Invitation not found');
    }
    // The right id, another signed-in user: the same page.
    const other = await stack.as('kim-team@example.com', acceptUrl);
    expect(other.status).toBe(404);
    expect(await other.text()).toContain('Invitation not found');
  }, 60_000);
});
