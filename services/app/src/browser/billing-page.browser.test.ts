// A real browser (Debian's chromium via playwright-core) through the whole user journey: sign in
// on the dev page, subscribe through the stand-in's hosted Checkout, come back to the plan
// active; open the portal, cancel, come back to "Cancels on <date>". Per-seat plans, with changes
// reviewed at their previewed cost; API keys; and the admin revenue view, for an ADMIN_EMAILS
// identity only; a failed payment recovered on a phone; an upgrade whose charge fails; axe-core
// finds no serious or critical violation on the pages along the way. No screenshots are written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createStore } from '@billing/shared/firestore/store.js';
import { billingSummaryFixture } from '@billing/shared/testing/billing-summary-fixture.js';
import { invoiceFixture, subscriptionFixture } from '@billing/shared/testing/revenue-fixtures.js';
import { devSubject } from '../auth/dev-iap.js';
import { formatDate } from '../pages/format.js';
import { launchChromium, seriousAxeViolations, signedInContext } from '../testing/browser-session.js';
import { startTestStack, type TestStack } from '../testing/stack.js';

let stack: TestStack;
let browser: Browser;

beforeAll(async () => {
  stack = await startTestStack({ env: { ADMIN_EMAILS: 'ops@example.com' } });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

/** No serious or critical axe-core violation on the page as it is now. */
async function expectAccessible(page: Page): Promise<void> {
  expect(await seriousAxeViolations(page)).toEqual([]);
}

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** A fresh browser context signed in on the dev sign-in page, on /billing. */
const signedIn = (email: string) => signedInContext(browser, stack.baseUrl, email);

describe('billing page in a browser', () => {
  it('signs in, subscribes through Checkout, cancels in the portal and shows the end date', async () => {
    const email = 'carol@example.com';
    const page = await browser.newPage();
    page.setDefaultTimeout(15_000);

    await page.goto(`${stack.baseUrl}/billing`);
    expect(new URL(page.url()).pathname).toBe('/dev/sign-in');
    await page.fill('input[name=email]', email);
    await page.click('button[type=submit]');
    await page.waitForURL(`${stack.baseUrl}/billing`);
    expect(await page.textContent('[data-testid=plan-name]')).toBe('Free');

    await expectAccessible(page);
    await page.click('button[data-action=checkout][data-lookup-key=pro_month]');
    await page.waitForURL(/\/_stand-in\/checkout\//);
    await page.click('#pay');
    await page.waitForURL(`${stack.baseUrl}/billing?checkout=success`);
    expect(await page.textContent('[data-testid=plan-name]')).toBe('Pro');
    expect(await page.textContent('[data-testid=plan-status]')).toMatch(/^Trial · ends /);
    await expectAccessible(page);

    await page.click('section.current button[data-action=portal]');
    await page.waitForURL(/\/_stand-in\/portal\//);
    await page.click('button.cancel');
    await page.waitForSelector('button.renew');
    await page.click('#return');
    await page.waitForURL(`${stack.baseUrl}/billing`);

    const billing = (await stack.firestore.doc(`accounts/${devSubject(email)}`).get()).get('billing') as {
      cancelAtPeriodEnd: boolean;
      cancelAt: number | null;
      currentPeriodEnd: number;
    };
    expect(billing.cancelAtPeriodEnd).toBe(true);
    expect(await page.textContent('[data-testid=plan-status]')).toBe(
      `Trial · cancels on ${formatDate(billing.cancelAt ?? billing.currentPeriodEnd)}`,
    );
    expect(await page.isVisible('button[data-action=resume]')).toBe(true);
    await page.close();
  }, 90_000);

  it('shows an admin the revenue view, and refuses it to everyone else', async () => {
    const store = createStore(stack.firestore);
    await store.subscriptions.doc('sub_admin_view').set(subscriptionFixture('sub_admin_view', 'team_month'));
    await store.invoices.doc('in_admin_view').set(invoiceFixture('in_admin_view', { amountPaid: 10_000 }));

    const signInAndOpen = async (email: string) => {
      const { context, page } = await signedIn(email);
      const adminLink = await page.isVisible('[data-testid=admin-link]');
      const response = await page.goto(`${stack.baseUrl}/admin`);
      return { context, page, status: response?.status(), adminLink };
    };

    const admin = await signInAndOpen('ops@example.com');
    expect(admin.adminLink).toBe(true);
    expect(admin.status).toBe(200);
    // Runs before the tests that pay (past due, upgrade): trials (the first test's subscription) pay nothing yet: only the Team subscription is MRR.
    expect(await admin.page.textContent('[data-testid=mrr]')).toBe('$100.00');
    expect(await admin.page.textContent('[data-testid=arr]')).toBe('$1,200.00');
    expect(await admin.page.textContent('[data-testid=collected]')).toContain('$100.00');
    expect(await admin.page.textContent('[data-testid=by-plan] tr[data-plan=team] td:nth-child(2)')).toBe('1');
    await admin.context.close();

    const someone = await signInAndOpen('dave@example.com');
    expect(someone.adminLink).toBe(false);
    expect(someone.status).toBe(403);
    expect(await someone.page.textContent('body')).toContain('for operators');
    await someone.context.close();
  }, 60_000);
  it.each([
    ['a form without the script', 'application/x-www-form-urlencoded', 'name=CI+server'],
    ['an empty form', 'application/x-www-form-urlencoded', ''],
    ['JSON', 'application/json', '{"name":"x"}'],
    ['a huge form', 'application/x-www-form-urlencoded', `name=${'a'.repeat(200_000)}`],
  ])('answers %s posted to /billing with a page saying JavaScript is needed, changing nothing', async (_name, contentType, body) => {
    const res = await stack.as('nojs@example.com', '/billing', { method: 'POST', headers: { 'content-type': contentType }, body });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('JavaScript needed');
    expect(((await (await stack.as('nojs@example.com', '/api/keys')).json()) as { keys: unknown[] }).keys).toEqual([]);
  });

  it('buys the seats chosen on a plan priced per seat, reviews a plan change and changes the seats with the stepper', async () => {
    const email = 'gus@example.com';
    const { context, page } = await signedIn(email);

    await page.fill('[data-plan=team] input[name=seats]', '3');
    await page.click('button[data-action=checkout][data-lookup-key=team_month]');
    await page.waitForURL(/\/_stand-in\/checkout\//);
    await page.click('#pay');
    await page.waitForURL(`${stack.baseUrl}/billing?checkout=success`);
    expect(await page.textContent('[data-testid=plan-name]')).toBe('Team');
    expect(await page.textContent('[data-testid=plan-price]')).toMatch(/^\$300\.00 \/ month \(3 seats × \$100\.00\)/);
    await expectAccessible(page);

    // The review replaces window.confirm(): during the trial, nothing is due until it ends.
    const customerId = (await stack.firestore.doc(`accounts/${devSubject(email)}`).get()).get('stripeCustomerId') as string;
    const subscription = () => stack.standIn.subscriptionsOf(customerId)[0];
    const trialEnds = formatDate(subscription()?.trial_end ?? 0);
    await page.click('label[for=interval-year]');
    await page.click('[data-plan=team] [data-interval=year] button[data-action=change-plan]');
    const review = page.locator('dialog#review');
    await review.locator('[data-testid=review-due]').waitFor();
    expect(await review.locator('[data-testid=review-current]').textContent()).toBe('Team, 3 seats: $300.00 / month');
    expect(await review.locator('[data-testid=review-next]').textContent()).toBe('Team, 3 seats: $3,000.00 / year');
    expect(await review.locator('[data-testid=review-due]').textContent()).toBe(
      `Due today: nothing. Nothing changes on your next invoice on ${trialEnds} but the new price.`,
    );
    expect(await review.locator('[data-testid=review-card]').textContent()).toBe('Charged to Visa ending 4242, expires 12/2034.');
    // The seat stepper in the review re-asks the preview.
    await review.locator('button[data-step="1"]').click();
    await expect
      .poll(() => review.locator('[data-testid=review-next]').textContent(), { timeout: 5_000 })
      .toBe('Team, 4 seats: $4,000.00 / year');
    await expectAccessible(page);
    await review.locator('[data-role=cancel]').click();
    expect(await review.isVisible()).toBe(false);
    expect(subscription()?.items.data.map((i) => i.price.id)).toContain('price_team_month'); // went back: unchanged

    // Seats: the stepper shows the new total, the review what it costs, Confirm changes it.
    await page.click('[data-testid=seats-form] button[data-step="1"]');
    expect(await page.textContent('[data-testid=seats-form] [data-role=seat-total]')).toBe('$400.00 / month');
    await page.click('[data-testid=seats-form] button[type=submit]');
    await review.locator('[data-testid=review-due]').waitFor();
    expect(await review.locator('[data-testid=review-next]').textContent()).toBe('Team, 4 seats: $400.00 / month');
    await Promise.all([page.waitForEvent('load'), review.locator('[data-role=confirm]').click()]);
    expect(await page.textContent('[data-testid=flash]')).toBe('You now have 4 seats.');
    expect(await page.inputValue('[data-testid=seats-form] input[name=seats]')).toBe('4');
    expect(subscription()?.items.data.find((i) => i.price.id === 'price_team_month')?.quantity).toBe(4);
    await context.close();
  }, 90_000);

  it('recovers a failed payment on a phone: says what failed, updates the card, pays it, and the banner goes', async () => {
    const email = 'pat@example.com';
    const { context, page } = await signedIn(email);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.click('[data-plan=pro] [data-interval=month] button[data-action=checkout]');
    await page.waitForURL(/\/_stand-in\/checkout\//);
    await page.click('#pay');
    await page.waitForURL(`${stack.baseUrl}/billing?checkout=success`);
    const customerId = (await stack.firestore.doc(`accounts/${devSubject(email)}`).get()).get('stripeCustomerId') as string;
    // The card is declined when the trial ends: past due.
    stack.standIn.setPaymentBehaviour(customerId, 'fails');
    stack.standIn.advanceClock(15 * 86_400);
    await page.goto(`${stack.baseUrl}/billing/portal-return`); // refreshes the subscription from Stripe
    const banner = page.locator('[data-testid=past-due]');
    expect(await banner.textContent()).toMatch(
      /Your payment of \$20\.00 on .+ failed\. Your Pro features stay on until .+; after that the account moves to the Free plan until it is paid\./,
    );
    expect(await page.locator('[data-testid=pay-now]').getAttribute('href')).toMatch(/\/_stand-in\/invoices\/in_/);
    expect(await page.textContent('[data-testid=plan-status]')).toBe('Past due');
    expect(await page.textContent('[data-testid=invoice-status] >> nth=0')).toBe('Past due');
    expect(await page.isVisible('[data-testid=pay-invoice]')).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await expectAccessible(page);

    // Update payment method: the portal's card form, back to the page, which pays with the new card.
    await banner.locator('button[data-action=update-card]').click();
    await page.waitForURL(/\/_stand-in\/portal\//);
    await page.click('#card-succeeds');
    await page.waitForURL(`${stack.baseUrl}/billing`); // paid, then reloaded without the return flag
    expect(await page.textContent('[data-testid=flash]')).toBe(
      'Thank you: your payment went through with the new card, and your account is in good standing.',
    );
    expect(await page.locator('[data-testid=past-due]').count()).toBe(0);
    expect(await page.textContent('[data-testid=plan-status]')).toBe('Active');
    expect(await page.textContent('[data-testid=invoice-status] >> nth=0')).toBe('Paid');
    expect(stack.standIn.subscriptionsOf(customerId)[0]?.status).toBe('active');
    await context.close();
  }, 90_000);

  it('keeps the plan when the charge for an upgrade fails, and says so next to Confirm', async () => {
    const email = 'ivy@example.com';
    const { context, page } = await signedIn(email);
    await page.click('[data-plan=pro] [data-interval=month] button[data-action=checkout]');
    await page.waitForURL(/\/_stand-in\/checkout\//);
    await page.click('#pay');
    await page.waitForURL(`${stack.baseUrl}/billing?checkout=success`);
    const customerId = (await stack.firestore.doc(`accounts/${devSubject(email)}`).get()).get('stripeCustomerId') as string;
    // Past the trial, paid: a switch to yearly is charged at once.
    stack.standIn.advanceClock(15 * 86_400);
    await page.goto(`${stack.baseUrl}/billing/portal-return`);
    stack.standIn.setPaymentBehaviour(customerId, 'fails');

    await page.click('label[for=interval-year]');
    await page.click('[data-plan=team] [data-interval=year] button[data-action=change-plan]');
    const review = page.locator('dialog#review');
    await review.locator('[data-testid=review-due]').waitFor();
    expect(await review.locator('[data-testid=review-due]').textContent()).toMatch(/^Due today: \$[\d,]+\.\d\d/);
    expect(await review.locator('[data-testid=review-lines] tr').count()).toBeGreaterThan(0);
    expect(await review.locator('[data-testid=review-recurring]').textContent()).toMatch(/^Then \$1,000\.00 \/ year from /);
    await review.locator('[data-role=confirm]').click();
    const error = review.locator('[data-role=error]');
    await error.waitFor({ state: 'visible' });
    expect(await error.textContent()).toMatch(
      /^Your card was declined for the \$[\d,]+\.\d\d charge, so your plan was not changed\. Update your payment method and try again\.$/,
    );
    const sub = stack.standIn.subscriptionsOf(customerId)[0];
    expect(sub?.items.data.map((i) => i.price.id)).toEqual(['price_pro_month']);
    expect(sub?.status).toBe('active');
    expect(sub?.pending_update).not.toBeNull();
    await review.locator('[data-role=cancel]').click();
    expect(await page.textContent('[data-testid=plan-name]')).toBe('Pro');
    await context.close();
  }, 90_000);

  it('creates an API key that works, shows its secret once, renames and revokes it', async () => {
    const email = 'erin@example.com';
    const { context, page } = await signedIn(email);
    const ping = (key: string) => fetch(`${stack.baseUrl}/v1/ping`, { headers: { authorization: `Bearer ${key}` } });

    await page.fill('form.create-key input[name=name]', 'CI server');
    await page.click('form.create-key button[type=submit]');
    await page.waitForSelector('[data-testid=new-key]:not([hidden])');
    const secret = (await page.textContent('[data-testid=new-key-secret]')) ?? '';
    expect(await page.textContent('[data-testid=new-key] [data-role=new-key-name]')).toBe('CI server');
    expect(await page.isVisible('form.create-key')).toBe(false);
    expect((await ping(secret)).status).toBe(200);

    // "Done" reloads: the key is listed by its prefix, and its secret is nowhere in the page.
    await Promise.all([page.waitForEvent('load'), page.click('[data-role=done-key]')]);
    const row = page.locator('[data-testid=api-keys] tbody tr');
    expect(await row.count()).toBe(1);
    expect(await row.locator('td').first().textContent()).toBe('CI server');
    expect(secret.startsWith(((await row.locator('code').textContent()) ?? '').replace('…', ''))).toBe(true);
    expect(await page.content()).not.toContain(secret);

    await page.click('button[data-action=rename-key]');
    await page.fill('dialog#rename-key input[name=name]', 'deploy bot');
    await Promise.all([page.waitForEvent('load'), page.click('dialog#rename-key [data-role=confirm]')]);
    expect(await page.textContent('[data-testid=flash]')).toBe('API key renamed to "deploy bot".');
    expect(await row.locator('td').first().textContent()).toBe('deploy bot');

    await page.click('button[data-action=revoke-key]');
    expect(await page.textContent('dialog#review [data-role=title]')).toBe('Revoke the API key "deploy bot"?');
    await Promise.all([page.waitForEvent('load'), page.click('dialog#review [data-role=confirm]')]);
    expect(await page.textContent('[data-testid=flash]')).toBe('API key "deploy bot" revoked.');
    expect(await row.count()).toBe(0);
    expect((await ping(secret)).status).toBe(401);
    await context.close();
  }, 60_000);

  it('says next to the name why the server refused a rename, keeps the dialog open, and changes nothing', async () => {
    const email = 'frank@example.com';
    const created = (await (
      await stack.as(email, '/api/keys', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'old laptop' }),
      })
    ).json()) as { id: string };
    const { context, page } = await signedIn(email);
    // Revoked elsewhere (another tab, a teammate) after this page was rendered.
    expect(
      (await stack.as(email, `/api/keys/${created.id}`, { method: 'DELETE', headers: { 'content-type': 'application/json' }, body: '{}' }))
        .status,
    ).toBe(204);

    await page.click('button[data-action=rename-key]');
    const rename = page.locator('dialog#rename-key');
    await rename.locator('input[name=name]').fill('new laptop');
    await rename.locator('[data-role=confirm]').click();
    const error = rename.locator('[data-role=error]');
    await error.waitFor({ state: 'visible' });
    expect(await error.textContent()).toMatch(/API key not found/i);
    expect(await rename.isVisible()).toBe(true);
    expect(await rename.locator('input[name=name]').getAttribute('aria-invalid')).toBe('true');
    expect(await rename.locator('input[name=name]').getAttribute('aria-describedby')).toContain(await error.getAttribute('id'));
    expect(await rename.locator('[data-role=confirm]').isEnabled()).toBe(true);
    await expectAccessible(page);
    await page.keyboard.press('Escape');
    expect(await rename.isVisible()).toBe(false);
    expect(await page.isEnabled('button[data-action=rename-key]')).toBe(true);
    const keys = (await (await stack.as(email, '/api/keys')).json()) as { keys: unknown[] };
    expect(keys.keys).toEqual([]);
    await context.close();
  }, 60_000);
  it('renames an API key from the keyboard in a dialog: Escape cancels, the name is checked with the API’s limits before it is sent', async () => {
    const email = 'kim-keys@example.com';
    const created = (await (await stack.as(email, '/api/keys', json({ name: 'build box' }))).json()) as { id: string };
    const { context, page } = await signedIn(email);
    const patches: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'PATCH') patches.push(request.url());
    });
    const rename = page.locator('dialog#rename-key');
    const input = rename.locator('input[name=name]');
    const error = rename.locator('[data-role=error]');
    const focused = () => page.evaluate(() => document.activeElement?.id || document.activeElement?.getAttribute('data-action'));

    await page.focus('button[data-action=rename-key]');
    await page.keyboard.press('Enter');
    await rename.waitFor();
    expect(await rename.locator('h2').textContent()).toBe('Rename API key "build box"');
    expect(await focused()).toBe('rename-key-name');
    expect(await input.inputValue()).toBe('build box');
    await expectAccessible(page);
    await page.keyboard.type('scrapped'); // replaces the selected name
    await page.keyboard.press('Escape');
    expect(await rename.isVisible()).toBe(false);
    expect(await focused()).toBe('rename-key'); // back on the Rename button

    await page.keyboard.press('Enter');
    await rename.waitFor();
    expect(await input.inputValue()).toBe('build box'); // what was typed before Escape is gone
    await page.keyboard.press('Backspace');
    await page.keyboard.type('   ');
    await page.keyboard.press('Enter');
    await error.waitFor({ state: 'visible' });
    expect(await error.textContent()).toBe('Enter a name for the key.');
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    expect(await focused()).toBe('rename-key-name');
    await input.fill('a'.repeat(101));
    await page.keyboard.press('Enter');
    expect(await error.textContent()).toBe('Use at most 100 characters: this name has 101.');
    await expectAccessible(page);
    // Closed and opened again before the first opening's close event is dispatched (a queued task,
    // late on a busy machine): the late event must not strip the second opening of its checks.
    await page.evaluate(() => {
      document.querySelector<HTMLDialogElement>('dialog#rename-key')?.close();
      document.querySelector<HTMLButtonElement>('button[data-action=rename-key]')?.click();
    });
    await input.fill('   ');
    await page.keyboard.press('Enter');
    await error.waitFor({ state: 'visible' });
    expect(await error.textContent()).toBe('Enter a name for the key.');
    // The same limit as the API's, which refuses 101 characters too.
    const refused = await stack.as(email, `/api/keys/${created.id}`, { ...json({ name: 'a'.repeat(101) }), method: 'PATCH' });
    expect(refused.status).toBe(400);
    await input.fill('a'.repeat(100));
    expect(await error.isVisible()).toBe(false); // the message follows the typing
    expect(patches).toEqual([]); // nothing was sent for a name the API would refuse

    await input.fill(` ${'b'.repeat(99)}c `);
    await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
    expect(await page.textContent('[data-testid=flash]')).toBe(`API key renamed to "${'b'.repeat(99)}c".`);
    expect(await page.textContent('[data-testid=api-keys] tbody tr td')).toBe(`${'b'.repeat(99)}c`);
    expect(patches).toHaveLength(1);
    await context.close();
  }, 60_000);

  it('answers a team member who opens an owner-only billing link with a 403 page, not JSON', async () => {
    const owner = 'olga-403@example.com';
    const member = 'milo-403@example.com';
    const created = (await (await stack.as(owner, '/api/teams', json({ name: 'Refusals Ltd' }))).json()) as { account: { id: string } };
    const team = created.account.id;
    const forTeam = (init: RequestInit): RequestInit => ({
      ...init,
      headers: { ...(init.headers as Record<string, string>), 'x-billing-account': team },
    });
    // Three seats of the Team plan, as the applier writes them: room for a member.
    await stack.firestore
      .doc(`accounts/${team}`)
      .update({ billing: billingSummaryFixture({ planId: 'team', quantity: 3, customerId: null }) });
    let invited: Response | undefined;
    await expect
      .poll(async () => (invited = await stack.as(owner, '/api/team/invitations', forTeam(json({ email: member, role: 'member' })))).status)
      .toBe(201);
    const invitation = ((await invited?.json()) as { invitation: { id: string } }).invitation.id;
    expect((await stack.as(member, `/api/invitations/${invitation}/accept`, json({}))).status).toBe(200);

    const { context, page } = await signedIn(member);
    await context.addCookies([{ name: 'billing_account', value: team, url: stack.baseUrl }]);
    await page.reload();
    expect(await page.textContent('[data-testid=managed-by]')).toBe("Billing is managed by the team's owners and admins.");
    // An owner's invoice link, followed by the member.
    const response = await page.goto(`${stack.baseUrl}/api/invoices/in_1A2b3C4d/pdf`);
    expect(response?.status()).toBe(403);
    expect(response?.headers()['content-type']).toMatch(/^text\/html/);
    expect(await page.textContent('h1')).toBe('Not allowed');
    expect(await page.textContent('[data-testid=forbidden]')).toBe(
      "Invoices are for the account's owners and admins. Ask one of them for this invoice.",
    );
    const body = (await page.textContent('body')) ?? '';
    expect(body).not.toMatch(/"error"|forbidden:|\bat \S+\.(js|ts):\d+/); // no JSON, no stack
    await expectAccessible(page);
    await page.click('text=Back to Billing');
    await page.waitForURL(`${stack.baseUrl}/billing`);
    await context.close();
  }, 60_000);

  it('fits the plan-change review on a 375 × 667 phone: no sideways scroll, Confirm reachable, no axe violation', async () => {
    const email = 'quinn-phone@example.com';
    const { context, page } = await signedIn(email);
    await page.setViewportSize({ width: 375, height: 667 });
    await page.click('[data-plan=pro] [data-interval=month] button[data-action=checkout]');
    await page.waitForURL(/\/_stand-in\/checkout\//);
    await page.click('#pay');
    await page.waitForURL(`${stack.baseUrl}/billing?checkout=success`);

    // The longest review: onto a per-seat plan, with the seat stepper and the prorated lines.
    await page.click('label[for=interval-year]');
    await page.click('[data-plan=team] [data-interval=year] button[data-action=change-plan]');
    const review = page.locator('dialog#review');
    await review.locator('[data-testid=review-due]').waitFor();
    expect(await review.locator('[data-role=seats]').isVisible()).toBe(true);
    const fit = await page.evaluate(() => {
      const dialog = document.querySelector('dialog#review');
      const box = dialog?.getBoundingClientRect();
      return {
        page: document.documentElement.scrollWidth,
        left: box?.left ?? -1,
        right: box?.right ?? Infinity,
        inside: dialog ? dialog.scrollWidth - dialog.clientWidth : Infinity,
      };
    });
    expect(fit.page).toBeLessThanOrEqual(375);
    expect(fit.left).toBeGreaterThanOrEqual(0);
    expect(fit.right).toBeLessThanOrEqual(375);
    expect(fit.inside).toBeLessThanOrEqual(0); // nothing in the dialog scrolls sideways

    const confirm = review.locator('[data-role=confirm]');
    await confirm.scrollIntoViewIfNeeded();
    const box = await confirm.boundingBox();
    expect(box).not.toBeNull();
    expect((box?.x ?? -1) >= 0 && (box?.x ?? 0) + (box?.width ?? 0) <= 375).toBe(true);
    expect((box?.y ?? -1) >= 0 && (box?.y ?? 0) + (box?.height ?? 0) <= 667).toBe(true);
    // Nothing covers it: a tap on its centre lands on it.
    expect(
      await page.evaluate(
        ([x, y]) => document.elementFromPoint(x ?? 0, y ?? 0)?.closest('[data-role=confirm]') !== null,
        [(box?.x ?? 0) + (box?.width ?? 0) / 2, (box?.y ?? 0) + (box?.height ?? 0) / 2],
      ),
    ).toBe(true);
    // And the keyboard reaches it.
    let tabs = 0;
    while (!(await page.evaluate(() => document.activeElement?.getAttribute('data-role') === 'confirm')) && tabs < 20) {
      await page.keyboard.press('Tab');
      tabs++;
    }
    expect(tabs).toBeLessThan(20);
    await expectAccessible(page);
    await review.locator('[data-role=cancel]').click();
    expect(await review.isVisible()).toBe(false);
    await context.close();
  }, 90_000);
});
