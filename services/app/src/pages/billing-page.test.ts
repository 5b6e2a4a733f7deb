// The billing page as rendered, read back in a real browser (chromium, with the page's own CSS):
// what the user pays and when, what their plan does not include, and that it fits a phone.
// (The whole journey, through Checkout and the portal, is billing-page.browser.test.ts.)
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { allLookupKeys } from '@billing/shared/plans/catalog.js';
import type { AccountView } from '../routes/account-view.js';
import { plansView } from '../routes/plans-view.js';
import { pageBrowserForFile, scrollWidth } from '../testing/page-in-browser.js';
import { renderBillingPage, type BillingPageModel } from './billing-page.js';
import { formatDate } from './format.js';

const plans = plansView(Object.fromEntries(allLookupKeys().map((k) => [k, `price_${k}`])));
const PERIOD_END = 1_798_675_200; // 2026-12-31

function account(subscription: Partial<NonNullable<AccountView['subscription']>> | null, usage: AccountView['usage'] = []): AccountView {
  return {
    user: { id: 'u1', email: 'u1@example.com' },
    account: { id: 'u1', kind: 'personal', name: null, role: 'owner', canManageBilling: true },
    plan: subscription ? { id: 'pro', name: 'Pro' } : { id: 'free', name: 'Free' },
    subscription: subscription && {
      id: 'sub_1',
      status: 'active',
      planId: 'pro',
      priceId: 'price_pro_month',
      interval: 'month',
      currentPeriodEnd: PERIOD_END,
      cancelAtPeriodEnd: false,
      cancelAt: null,
      trialEnd: null,
      paymentIssue: null,
      seats: null,
      ...subscription,
    },
    inGracePeriod: false,
    trialAvailable: subscription === null,
    entitlements: [],
    usage,
  };
}

const browser = pageBrowserForFile();

function render(acc: AccountView, over: Partial<BillingPageModel> = {}, width?: number): Promise<Page> {
  return browser().show(renderBillingPage({ account: acc, plans, invoices: { invoices: [], hasMore: false }, apiKeys: [], hasBillingAccount: true, checkoutOutcome: null, devSignOut: false, showAdminLink: false, accounts: [{ id: 'u1', kind: 'personal', name: null, role: 'owner' }], team: null, publicBaseUrl: 'https://billing.example', ...over }), width);
}

async function text(p: Page, testId: string): Promise<string | null> {
  const found = p.locator(`[data-testid=${testId}]`);
  return (await found.count()) === 0 ? null : ((await found.textContent()) ?? '').trim();
}

describe('the current plan line', () => {
  it('says the price and the next payment date of an active subscription', async () => {
    expect(await text(await render(account({})), 'plan-price')).toBe(`$20.00 / month · next payment on ${formatDate(PERIOD_END)}`);
  });

  it("says a trial's first payment is due when the trial ends", async () => {
    const doc = await render(account({ status: 'trialing', trialEnd: PERIOD_END }));
    expect(await text(doc, 'plan-price')).toBe(`$20.00 / month · next payment on ${formatDate(PERIOD_END)}`);
  });

  it('promises no payment for a subscription set to cancel, nor for one that is past due', async () => {
    expect(await text(await render(account({ cancelAtPeriodEnd: true })), 'plan-price')).toBe('$20.00 / month');
    expect(await text(await render(account({ status: 'past_due' })), 'plan-price')).toBe('$20.00 / month');
  });

  it('shows only the date for a price outside the catalog, and nothing without a current subscription', async () => {
    expect(await text(await render(account({ priceId: 'price_legacy' })), 'plan-price')).toBe(`next payment on ${formatDate(PERIOD_END)}`);
    expect(await text(await render(account({ status: 'canceled' })), 'plan-price')).toBeNull();
    expect(await text(await render(account(null)), 'plan-price')).toBeNull();
  });
});

describe('a subscription that is not running', () => {
  it('says an ended one has ended (not "Ends on" its past date), and that a paused one is paused', async () => {
    const ended = await render({ ...account({ status: 'canceled', cancelAtPeriodEnd: true, cancelAt: PERIOD_END }), trialAvailable: false });
    expect(await text(ended, 'ended')).toBe('Your subscription has ended. Choose a plan below to subscribe again.');
    expect(await text(ended, 'ends-on')).toBeNull();
    expect(await text(await render(account({ status: 'paused' })), 'paused')).toBe('Your subscription is paused: its features are off until it resumes.');
    expect(await text(await render(account({})), 'ended')).toBeNull();
  });
});

describe('the free trial', () => {
  it('is offered on the plan cards only while the user can still have one', async () => {
    expect(await (await render(account(null))).locator('[data-plan=pro] [data-testid=trial-offer]').textContent()).toBe('14-day free trial');
    // Subscribed before (here: canceled): Checkout charges from day one, so the cards say nothing of a trial.
    const returning = await render({ ...account({ status: 'canceled' }), trialAvailable: false });
    expect(await returning.locator('[data-testid=trial-offer]').count()).toBe(0);
  });
});

describe('a plan priced per seat', () => {
  it('prices it per seat and asks how many seats before Checkout', async () => {
    const p = await render(account(null));
    const team = p.locator('[data-plan=team]');
    expect(await team.locator('.prices li').first().textContent()).toMatch(/^\$100\.00 \/ seat \/ month/);
    expect(await team.locator('input[name=seats]').getAttribute('min')).toBe('1');
    expect(await team.locator('input[name=seats]').getAttribute('max')).toBe('100');
    expect(await p.locator('[data-plan=pro] input[name=seats]').count()).toBe(0);
  });

  it('shows what the seats cost and lets them be changed; a flat plan has no seats', async () => {
    const p = await render(account({ planId: 'team', priceId: 'price_team_month', seats: 3 }));
    expect(await text(p, 'plan-price')).toBe(`$300.00 / month (3 seats × $100.00) · next payment on ${formatDate(PERIOD_END)}`);
    expect(await p.locator('[data-testid=seats-form] input[name=seats]').inputValue()).toBe('3');
    expect(await p.locator('[data-plan=team] input[name=seats]').count()).toBe(0); // switching keeps the seats
    expect(await p.locator('[data-testid=seats-form]').count()).toBe(1);
    expect(await (await render(account({}))).locator('[data-testid=seats-form]').count()).toBe(0);
    // A team price outside the catalog (plan from its metadata): no form, the API refuses it and the portal changes seats.
    expect(await (await render(account({ planId: 'team', priceId: 'price_negotiated', seats: 3 }))).locator('[data-testid=seats-form]').count()).toBe(0);
  });
});

describe('an end scheduled on a custom date (cancelAt without cancelAtPeriodEnd)', () => {
  it('says when it ends, offers Resume instead of Cancel, and promises a payment only before that date', async () => {
    const beforeRenewal = await render(account({ cancelAt: PERIOD_END - 86_400 }));
    expect(await text(beforeRenewal, 'ends-on')).toBe(`Ends on ${formatDate(PERIOD_END - 86_400)}`);
    expect(await beforeRenewal.locator('button[data-action=resume]').count()).toBe(1);
    expect(await beforeRenewal.locator('button[data-action=cancel]').count()).toBe(0);
    expect(await text(beforeRenewal, 'plan-price')).toBe('$20.00 / month');

    const afterRenewal = PERIOD_END + 10 * 86_400;
    const later = await render(account({ cancelAt: afterRenewal }));
    expect(await text(later, 'ends-on')).toBe(`Ends on ${formatDate(afterRenewal)}`);
    expect(await text(later, 'plan-price')).toBe(`$20.00 / month · next payment on ${formatDate(PERIOD_END)}`);
  });
});

describe('the banner after Checkout', () => {
  it('says what the stored subscription says', async () => {
    expect(await text(await render(account({ status: 'trialing', trialEnd: PERIOD_END }), { checkoutOutcome: 'success' }), 'checkout-banner')).toBe('Thank you! Your free trial has started.');
    expect(await text(await render(account({}), { checkoutOutcome: 'success' }), 'checkout-banner')).toBe('Thank you! Your subscription is active.');
    expect(await text(await render(account(null), { checkoutOutcome: 'success' }), 'checkout-banner')).toBe('Thank you! Your subscription is being set up: reload this page in a moment.');
  });
});

describe('the plan cards', () => {
  it("list each plan's features by their names", async () => {
    const p = await render(account(null));
    expect(await p.locator('[data-plan=enterprise] ul:not(.prices) li').allTextContents()).toEqual([
      'Dashboard',
      'API access',
      'Exports',
      'Advanced analytics',
      'Team seats',
      'Single sign-on (SSO)',
      'Priority support',
    ]);
  });
});

const usage: AccountView['usage'] = [
  { feature: 'exports', used: 0, limit: 0, periodEnd: PERIOD_END, byMember: [] },
  { feature: 'api_calls', used: 250, limit: 1000, periodEnd: PERIOD_END, byMember: [] },
];

describe('payment problems', () => {
  it('asks to confirm a payment the bank wants authenticated, and to update the card after a failure', async () => {
    const action = await render(account({ paymentIssue: 'action_required' }));
    expect(await text(action, 'payment-action')).toMatch(/^Your bank asks you to confirm your last payment\./);
    expect(await text(action, 'past-due')).toBeNull();
    const failed = await render(account({ status: 'past_due', paymentIssue: 'failed' }));
    expect(await text(failed, 'past-due')).toMatch(/^Your last payment failed\./);
    expect(await text(failed, 'payment-action')).toBeNull();
  });
});

describe('usage', () => {
  it('says a feature with a quota of 0 is not included instead of drawing a 0 / 0 bar', async () => {
    const p = await render(account(null, usage));
    const exports = p.locator('[data-feature=exports]');
    expect(await exports.locator('progress').count()).toBe(0);
    expect(await exports.locator('[data-testid=not-included]').textContent()).toBe('not included in your plan');
    const calls = p.locator('[data-feature=api_calls]');
    expect(await calls.locator('.count').textContent()).toBe('250 / 1,000');
    expect(await calls.locator('progress').getAttribute('value')).toBe('25');
    expect(await p.getByRole('progressbar', { name: "API calls: 25% of this month's quota used" }).count()).toBe(1);
    expect(await calls.locator('.resets').textContent()).toBe(`resets ${formatDate(PERIOD_END)}`);
  });
});

describe('the end of a trial', () => {
  it('says once when a trial set to cancel ends, and both dates when the cancellation comes later', async () => {
    const once = await render(account({ status: 'trialing', trialEnd: PERIOD_END, cancelAtPeriodEnd: true, currentPeriodEnd: PERIOD_END }));
    expect(await text(once, 'trial')).toBeNull();
    expect(await text(once, 'ends-on')).toBe(`Ends on ${formatDate(PERIOD_END)}`);
    const later = PERIOD_END + 31 * 86_400;
    const both = await render(account({ status: 'trialing', trialEnd: PERIOD_END, cancelAtPeriodEnd: true, cancelAt: later }));
    expect(await text(both, 'trial')).toBe(`Trial ends on ${formatDate(PERIOD_END)}`);
    expect(await text(both, 'ends-on')).toBe(`Ends on ${formatDate(later)}`);
    expect(await text(await render(account({ status: 'trialing', trialEnd: PERIOD_END })), 'trial')).toBe(`Trial ends on ${formatDate(PERIOD_END)}`);
  });
});

describe('a used-up quota', () => {
  it('says at the top that more is refused until the reset, for that feature only', async () => {
    const p = await render(account({}, [
      { feature: 'api_calls', used: 100_000, limit: 100_000, periodEnd: PERIOD_END, byMember: [] },
      { feature: 'analyses', used: 999, limit: 1_000, periodEnd: PERIOD_END, byMember: [] },
      { feature: 'exports', used: 5, limit: 'unlimited', periodEnd: PERIOD_END, byMember: [] },
    ]));
    const banners = p.locator('[data-testid=quota-reached]');
    expect(await banners.count()).toBe(1);
    expect(await banners.getAttribute('data-feature')).toBe('api_calls');
    expect(await banners.textContent()).toBe(`API calls: you have used all 100,000 of this month. More are refused until the quota resets on ${formatDate(PERIOD_END)}; a larger plan raises the quota now.`);
  });
});

describe('API keys', () => {
  it('lists each key by name and prefix with its rename and revoke buttons, and offers a new one', async () => {
    const apiKeys = [
      { id: 'key_1', name: 'CI "main"', prefix: 'bk_abc123', createdAt: PERIOD_END, lastUsedAt: null },
      { id: 'key_2', name: 'laptop', prefix: 'bk_def456', createdAt: PERIOD_END, lastUsedAt: PERIOD_END },
    ];
    const p = await render(account(null), { apiKeys });
    const rows = p.locator('[data-testid=api-keys] tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).locator('td').allTextContents()).toEqual(['CI "main"', 'bk_abc123…', formatDate(PERIOD_END), 'never', expect.stringMatching(/Rename\s+Revoke/) as unknown as string]);
    expect(await rows.nth(1).locator('td').nth(3).textContent()).toBe(formatDate(PERIOD_END));
    const revoke = rows.nth(0).locator('button[data-action=revoke-key]');
    expect(await revoke.getAttribute('data-key-id')).toBe('key_1');
    expect(await revoke.getAttribute('data-key-name')).toBe('CI "main"');
    expect(await rows.nth(1).locator('button[data-action=rename-key]').getAttribute('data-key-id')).toBe('key_2');
    expect(await p.isVisible('form.create-key input[name=name]')).toBe(true);
    expect(await p.isVisible('[data-testid=new-key]')).toBe(false); // filled only by the script, after a creation
  });
});

describe('invoices', () => {
  it('points to the portal for invoices older than the page lists', async () => {
    const invoice = { id: 'in_1', customerId: 'cus_1', number: 'ABCD-0001', status: 'paid' as const, currency: 'usd', total: 2000, amountDue: 2000, amountPaid: 2000, created: PERIOD_END, hostedInvoiceUrl: null, invoicePdf: null };
    const more = await render(account({}), { invoices: { invoices: [invoice], hasMore: true } });
    expect(await text(more, 'older-invoices')).toBe('Older invoices are in Manage billing.');
    expect(await more.locator('[data-testid=older-invoices] button[data-action=portal]').count()).toBe(1);
    expect(await text(await render(account({}), { invoices: { invoices: [invoice], hasMore: false } }), 'older-invoices')).toBeNull();
  });
});

describe('on a phone', () => {
  it('fits 390 px without scrolling sideways, with invoices and API keys in the page', async () => {
    const invoices = { invoices: [{ id: 'in_1', customerId: 'cus_1', number: 'ABCD-1234-0001', status: 'paid' as const, currency: 'usd', total: 2000, amountDue: 2000, amountPaid: 2000, created: PERIOD_END, hostedInvoiceUrl: 'https://invoice.example/1', invoicePdf: 'https://invoice.example/1.pdf' }], hasMore: false };
    const apiKeys = [{ id: 'key_1', name: 'production server', prefix: 'sk_live_abcdef', createdAt: PERIOD_END, lastUsedAt: null }];
    const p = await render(account({ status: 'trialing', trialEnd: PERIOD_END }, usage), { invoices, apiKeys, showAdminLink: true, devSignOut: true }, 390);
    expect(await p.locator('[data-testid=invoices]').count()).toBe(1);
    expect(await scrollWidth(p)).toBeLessThanOrEqual(390);
    // The usage bar takes the row's width under the name and the count.
    const bar = await p.locator('[data-feature=api_calls] progress').boundingBox();
    expect(bar?.width ?? 0).toBeGreaterThan(300);
  });
});
