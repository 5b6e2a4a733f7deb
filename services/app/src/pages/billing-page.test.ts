// The billing page as rendered, read back in a real browser (chromium, with the page's own CSS):
// what the user pays and when, what their plan does not include, and that it fits a phone.
// (The whole journey, through Checkout and the portal, is billing-page.browser.test.ts.)
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { allLookupKeys } from '@billing/shared/plans/catalog.js';
import type { AccountView } from '../routes/account-view.js';
import { plansView } from '../routes/plans-view.js';
import { seriousAxeViolations } from '../testing/browser-session.js';
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
    graceEndsAt: null,
    trialAvailable: subscription === null,
    entitlements: [],
    usage,
  };
}

const browser = pageBrowserForFile();

function render(acc: AccountView, over: Partial<BillingPageModel> = {}, width?: number): Promise<Page> {
  return browser().show(
    renderBillingPage({
      account: acc,
      plans,
      invoices: { invoices: [], hasMore: false },
      apiKeys: [],
      hasBillingAccount: true,
      checkoutOutcome: null,
      devSignOut: false,
      showAdminLink: false,
      accounts: [{ id: 'u1', kind: 'personal', name: null, role: 'owner' }],
      team: null,
      publicBaseUrl: 'https://billing.example',
      ...over,
    }),
    width,
  );
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
    const ended = await render({
      ...account({ status: 'canceled', cancelAtPeriodEnd: true, cancelAt: PERIOD_END }),
      trialAvailable: false,
    });
    expect(await text(ended, 'ended')).toBe('Your subscription has ended. Choose a plan below to subscribe again.');
    expect(await text(ended, 'ends-on')).toBeNull();
    expect(await text(await render(account({ status: 'paused' })), 'paused')).toBe(
      'Your subscription is paused: its features are off until it resumes.',
    );
    expect(await text(await render(account({})), 'ended')).toBeNull();
  });
});

describe('the free trial', () => {
  it('is offered on the plan cards only while the user can still have one', async () => {
    const fresh = await render(account(null));
    expect(await fresh.locator('[data-plan=pro] [data-interval=month] button[data-action=checkout]').textContent()).toBe(
      'Start 14-day trial',
    );
    // Subscribed before (here: canceled): Checkout charges from day one, so the cards say Subscribe.
    const returning = await render({ ...account({ status: 'canceled' }), trialAvailable: false });
    expect(await returning.locator('[data-plan=pro] [data-interval=month] button[data-action=checkout]').textContent()).toBe('Subscribe');
  });
});

describe('a plan priced per seat', () => {
  it('prices it per seat and asks how many seats before Checkout', async () => {
    const p = await render(account(null));
    const team = p.locator('[data-plan=team]');
    expect(await team.locator('[data-interval=month] .price').textContent()).toBe('$100.00 / seat / month');
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
    expect(
      await (await render(account({ planId: 'team', priceId: 'price_negotiated', seats: 3 }))).locator('[data-testid=seats-form]').count(),
    ).toBe(0);
  });
});

describe('an end scheduled on a custom date (cancelAt without cancelAtPeriodEnd)', () => {
  it('says when it ends, offers Resume instead of Cancel, and promises a payment only before that date', async () => {
    const beforeRenewal = await render(account({ cancelAt: PERIOD_END - 86_400 }));
    expect(await text(beforeRenewal, 'plan-status')).toBe(`Cancels on ${formatDate(PERIOD_END - 86_400)}`);
    expect(await beforeRenewal.locator('button[data-action=resume]').count()).toBe(1);
    expect(await beforeRenewal.locator('section.current button[data-action=cancel]').count()).toBe(0);
    expect(await text(beforeRenewal, 'plan-price')).toBe('$20.00 / month');
    expect(await text(beforeRenewal, 'moves-to-free')).toBe(`Moves to Free on ${formatDate(PERIOD_END - 86_400)}`);

    const afterRenewal = PERIOD_END + 10 * 86_400;
    const later = await render(account({ cancelAt: afterRenewal }));
    expect(await text(later, 'plan-status')).toBe(`Cancels on ${formatDate(afterRenewal)}`);
    expect(await text(later, 'plan-price')).toBe(`$20.00 / month · next payment on ${formatDate(PERIOD_END)}`);
  });
});

describe('the banner after Checkout', () => {
  it('says what the stored subscription says', async () => {
    expect(
      await text(await render(account({ status: 'trialing', trialEnd: PERIOD_END }), { checkoutOutcome: 'success' }), 'checkout-banner'),
    ).toBe('Thank you! Your free trial has started.');
    expect(await text(await render(account({}), { checkoutOutcome: 'success' }), 'checkout-banner')).toBe(
      'Thank you! Your subscription is active.',
    );
    expect(await text(await render(account(null), { checkoutOutcome: 'success' }), 'checkout-banner')).toBe(
      'Thank you! Your subscription is being set up: reload this page in a moment.',
    );
  });
});

describe('the plan cards', () => {
  it("list each plan's features by their names, and its quotas and metered prices", async () => {
    const p = await render(account(null));
    expect(await p.locator('[data-plan=enterprise] ul.features li').allTextContents()).toEqual([
      'Dashboard',
      'API access',
      'Exports',
      'Advanced analytics',
      'Team seats',
      'Single sign-on (SSO)',
      'Priority support',
    ]);
    const team = await p.locator('[data-plan=team] ul.quotas li').allTextContents();
    expect(team).toContain('1,000,000 api calls a month');
    expect(team).toContain('API calls billed by use: $0.10 per 1,000');
    expect(team).toContain('AI tokens billed by use: $2.00 per 1,000,000');
    expect(await p.locator('[data-plan=free] ul.quotas li').allTextContents()).toContain('No exports');
  });

  it('offer monthly and yearly prices only (no day or week test price), with the yearly saving', async () => {
    const p = await render(account(null));
    expect(await p.locator('[data-lookup-key=pro_day], [data-lookup-key=pro_week]').count()).toBe(0);
    expect(await text(p, 'yearly-saving')).toBe('save up to 17%');
    // The toggle shows one interval at a time, without the script.
    expect(await p.isVisible('[data-plan=pro] [data-interval=month] button')).toBe(true);
    expect(await p.isVisible('[data-plan=pro] [data-interval=year] button')).toBe(false);
    await p.click('label[for=interval-year]');
    expect(await p.isVisible('[data-plan=pro] [data-interval=year] button')).toBe(true);
    expect(await p.isVisible('[data-plan=pro] [data-interval=month] button')).toBe(false);
  });

  it('name one action per plan for what it does, with a descriptive accessible name', async () => {
    const p = await render(account({}));
    const names = async (plan: string) =>
      p
        .locator(`[data-plan=${plan}] .price-option button`)
        .evaluateAll((bs) => bs.map((b) => `${b.textContent ?? ''} | ${b.getAttribute('aria-label') ?? ''}`));
    expect(await names('free')).toEqual(['Downgrade to Free | Downgrade to Free at the end of the billing period']);
    expect(await names('pro')).toEqual([
      'Current plan | Pro, $20.00 / month: your current plan',
      'Switch to yearly | Switch to yearly Pro, $200.00 / year',
    ]);
    expect(await names('team')).toEqual([
      'Upgrade | Upgrade to Team, $100.00 / seat / month',
      'Upgrade | Upgrade to Team, $1,000.00 / seat / year',
    ]);
    const onTeam = await render(account({ planId: 'team', priceId: 'price_team_year', interval: 'year', seats: 2 }));
    expect(await onTeam.locator('[data-plan=pro] [data-interval=month] button').textContent()).toBe('Downgrade');
    expect(await onTeam.locator('[data-plan=free] button').textContent()).toBe('Downgrade to Free');
    expect(await (await render(account(null))).locator('[data-plan=free] button').textContent()).toBe('Current plan');
  });

  it('send Enterprise to sales when a contact is configured', async () => {
    const p = await render(account(null), { salesContactUrl: 'mailto:sales@example.com' });
    expect(await p.locator('[data-plan=enterprise] [data-testid=contact-sales]').first().getAttribute('href')).toBe(
      'mailto:sales@example.com',
    );
    expect(await p.locator('[data-plan=enterprise] button[data-action=checkout]').count()).toBe(0);
    expect(await (await render(account(null))).locator('[data-plan=enterprise] button[data-action=checkout]').count()).toBe(1);
  });
});

const usage: AccountView['usage'] = [
  { feature: 'exports', used: 0, limit: 0, periodEnd: PERIOD_END, byMember: [] },
  {
    feature: 'api_calls',
    used: 250,
    limit: 1000,
    periodEnd: PERIOD_END,
    byMember: [],
    byDay: [
      { day: '2026-12-01', used: 40 },
      { day: '2026-12-02', used: 0 },
      { day: '2026-12-03', used: 160 },
      { day: '2026-12-04', used: 0 },
      { day: '2026-12-05', used: 50 },
    ],
  },
];

const openInvoice = {
  id: 'in_open',
  customerId: 'cus_1',
  number: 'ABCD-0002',
  status: 'open' as const,
  currency: 'usd',
  total: 2000,
  amountDue: 2000,
  amountPaid: 0,
  created: PERIOD_END - 86_400,
  hostedInvoiceUrl: 'https://invoice.example/2',
  invoicePdf: null,
};

describe('payment problems', () => {
  it('says what failed, when the features turn off, and offers Pay now and Update payment method', async () => {
    const graceEnd = PERIOD_END + 2 * 86_400;
    const failed = await render(
      { ...account({ status: 'past_due', paymentIssue: 'failed' }), inGracePeriod: true, graceEndsAt: graceEnd },
      { invoices: { invoices: [openInvoice], hasMore: false } },
    );
    expect(await text(failed, 'past-due')).toMatch(
      new RegExp(
        `^Your payment of \\$20\\.00 on ${formatDate(PERIOD_END - 86_400)} failed\\. Your Pro features stay on until ${formatDate(graceEnd)}; after that the account moves to the Free plan until it is paid\\.`,
      ),
    );
    expect(await failed.locator('[data-testid=pay-now]').getAttribute('href')).toBe('https://invoice.example/2');
    expect(await failed.locator('[data-testid=past-due] button[data-action=update-card]').count()).toBe(1);
    expect(await text(failed, 'plan-status')).toBe('Past due');
    // The invoice row says so too, with its Pay action.
    expect(await text(failed, 'invoice-status')).toBe('Past due');
    expect(await failed.locator('[data-testid=pay-invoice]').getAttribute('aria-label')).toBe('Pay invoice ABCD-0002, $20.00');
    // Past the grace: the features are off.
    const over = await render(
      { ...account({ status: 'past_due', paymentIssue: 'failed' }), plan: { id: 'free', name: 'Free' } },
      { invoices: { invoices: [openInvoice], hasMore: false } },
    );
    expect(await text(over, 'past-due')).toContain('Your paid features are off until it is paid.');
  });

  it('asks to confirm a payment the bank wants authenticated', async () => {
    const action = await render(account({ paymentIssue: 'action_required' }), { invoices: { invoices: [openInvoice], hasMore: false } });
    expect(await text(action, 'past-due')).toMatch(/needs your confirmation: your bank asks you to approve it\./);
    expect(await action.locator('[data-testid=pay-now]').textContent()).toBe('Confirm payment');
  });

  it('pays with the new card on the return from the card form, and tells a member whom to ask', async () => {
    const back = await render(account({ status: 'past_due', paymentIssue: 'failed' }), {
      invoices: { invoices: [openInvoice], hasMore: false },
      paymentMethodUpdated: true,
    });
    expect(await back.locator('[data-testid=past-due]').getAttribute('data-auto-pay')).toBe('in_open');
    const member = await render({
      ...account({ status: 'past_due', paymentIssue: 'failed' }),
      account: { id: 'team_1', kind: 'team', name: 'T', role: 'member', canManageBilling: false },
    });
    expect(await text(member, 'payment-problem')).toBe(
      "The last payment did not go through. The team's owners and admins can settle it on this page.",
    );
  });
});

describe('status badges', () => {
  it('say the state of a current subscription, and nothing for an ended one', async () => {
    expect(await text(await render(account({})), 'plan-status')).toBe('Active');
    expect(await text(await render(account({ status: 'trialing', trialEnd: PERIOD_END })), 'plan-status')).toBe(
      `Trial · ends ${formatDate(PERIOD_END)}`,
    );
    expect(await text(await render(account({ status: 'paused' })), 'plan-status')).toBe('Paused');
    const ended = await render({ ...account({ status: 'canceled' }), plan: { id: 'free', name: 'Free' } });
    expect(await text(ended, 'plan-name')).toBe('Free');
    expect(await text(ended, 'plan-status')).toBeNull(); // never "Free · Canceled"
  });

  it('offer Manage billing only to an account with a Stripe customer', async () => {
    expect(await (await render(account(null), { hasBillingAccount: false })).locator('button[data-action=portal]').count()).toBe(0);
    expect(await (await render(account({}))).locator('section.current button[data-action=portal]').count()).toBe(1);
  });
});

describe('what is coming', () => {
  it('shows the next invoice, the card on file with Update, and the credit balance', async () => {
    const p = await render(account({}), {
      outlook: {
        card: { brand: 'visa', last4: '4242', expMonth: 3, expYear: 2031 },
        balance: -500,
        currency: 'usd',
        upcoming: { currency: 'usd', amountDue: 2_350, periodEnd: PERIOD_END },
      },
    });
    expect(await text(p, 'next-invoice')).toBe(`$23.50 on ${formatDate(PERIOD_END)}`);
    expect(await text(p, 'card')).toMatch(/^Visa ending 4242, expires 03\/2031\s+Update/);
    expect(await text(p, 'credit-balance')).toBe('$5.00, taken off your next invoices');
    expect(await text(await render(account({}), { outlook: null }), 'outlook-unavailable')).toMatch(/could not be read from Stripe/);
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

  it('draws one bar a day of the month so far, days without usage at zero, with the same figures as a table for screen readers', async () => {
    for (const width of [1280, 390]) {
      const p = await render(account({}, usage), {}, width);
      const chart = p.locator('[data-feature=api_calls] figure[data-role=daily]');
      const bars = chart.locator('svg rect.day');
      expect(await bars.evaluateAll((rects) => rects.map((r) => [r.getAttribute('data-day'), Number(r.getAttribute('height'))]))).toEqual([
        ['2026-12-01', 10], // 40 of the busiest day's 160, in a chart 40 tall
        ['2026-12-02', 0],
        ['2026-12-03', 40],
        ['2026-12-04', 0],
        ['2026-12-05', 13],
      ]);
      // Drawn across the row, under the quota bar.
      const box = await chart.locator('svg').boundingBox();
      const row = await p.locator('[data-feature=api_calls].usage-row').boundingBox();
      expect(box?.height).toBeGreaterThan(20);
      expect(box?.width).toBeGreaterThan((row?.width ?? 0) * 0.9);
      expect(await chart.locator('svg').getAttribute('aria-hidden')).toBe('true');
      expect(await chart.locator('figcaption').textContent()).toBe('Per day, December 1 – December 5: busiest December 3, 160');
      const table = p.getByRole('table', { name: 'API calls per day, December 1 – December 5' });
      expect(await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.textContent))).toEqual([
        'December 140',
        'December 20',
        'December 3160',
        'December 40',
        'December 550',
      ]);
      expect(await scrollWidth(p)).toBeLessThanOrEqual(width);
    }
    // A feature the plan does not include has no chart; nothing used yet says so.
    const idle = {
      feature: 'api_calls',
      used: 0,
      limit: 1000,
      periodEnd: PERIOD_END,
      byMember: [],
      byDay: [{ day: '2026-12-01', used: 0 }],
    } as const;
    const none = await render(account({}, [idle, ...usage.filter((u) => u.feature === 'exports')]));
    expect(await none.locator('[data-feature=exports] figure').count()).toBe(0);
    expect(await none.locator('[data-feature=api_calls] figcaption').textContent()).toBe('Per day, December 1: nothing used yet');
  });
});

describe('operator overrides', () => {
  it('says where the usage bar is that support raised a limit and until when, and lists a feature granted beside the plan', async () => {
    const until = PERIOD_END - 10 * 86_400;
    const acc: AccountView = {
      ...account(null, [
        { feature: 'analyses', used: 7, limit: 50_000, periodEnd: PERIOD_END, byMember: [] },
        { feature: 'api_calls', used: 3, limit: 1000, periodEnd: PERIOD_END, byMember: [] },
        { feature: 'exports', used: 0, limit: 0, periodEnd: PERIOD_END, byMember: [] },
      ]),
      overrides: [
        { kind: 'quota', feature: 'analyses', limit: 50_000, expiresAt: until },
        { kind: 'quota', feature: 'exports', limit: 0, expiresAt: until },
        { kind: 'feature', feature: 'advanced_analytics', expiresAt: until },
      ],
    };
    for (const width of [1280, 390]) {
      const p = await render(acc, {}, width);
      expect(await p.locator('[data-feature=analyses] [data-testid=quota-override]').textContent()).toBe(
        `Limit raised to 50,000 by support until ${formatDate(until)} (your plan: 10).`,
      );
      expect(await p.locator('[data-feature=analyses] .count').textContent()).toBe('7 / 50,000');
      expect(await p.locator('[data-feature=exports] [data-testid=quota-override]').textContent()).toBe(
        `Limit set to 0 by support until ${formatDate(until)} (your plan: 0).`,
      );
      expect(await p.locator('[data-feature=api_calls] [data-testid=quota-override]').count()).toBe(0);
      expect(await text(p, 'feature-overrides')).toBe(`Advanced analytics: included by support until ${formatDate(until)}`);
      expect(await seriousAxeViolations(p)).toEqual([]);
      expect(await scrollWidth(p)).toBeLessThanOrEqual(width);
    }
    const none = await render(account(null, usage));
    expect(await none.locator('[data-testid=quota-override], [data-testid=feature-overrides]').count()).toBe(0);
  });
});

describe('the end of a trial', () => {
  it('says once when a trial set to cancel ends, and the cancellation date when it comes later', async () => {
    const once = await render(account({ status: 'trialing', trialEnd: PERIOD_END, cancelAtPeriodEnd: true, currentPeriodEnd: PERIOD_END }));
    expect(await text(once, 'plan-status')).toBe(`Trial · cancels on ${formatDate(PERIOD_END)}`);
    const later = PERIOD_END + 31 * 86_400;
    const both = await render(account({ status: 'trialing', trialEnd: PERIOD_END, cancelAtPeriodEnd: true, cancelAt: later }));
    expect(await text(both, 'plan-status')).toBe(`Trial · ends ${formatDate(PERIOD_END)}`);
    expect(await text(both, 'moves-to-free')).toBe(`Moves to Free on ${formatDate(later)}`);
  });
});

describe('usage levels', () => {
  it('turn amber at 80% and red at 100%, with an upgrade button', async () => {
    const p = await render(
      account({}, [
        { feature: 'api_calls', used: 100_000, limit: 100_000, periodEnd: PERIOD_END, byMember: [] },
        { feature: 'analyses', used: 850, limit: 1_000, periodEnd: PERIOD_END, byMember: [] },
        { feature: 'tokens', used: 5, limit: 1_000, periodEnd: PERIOD_END, byMember: [] },
      ]),
    );
    expect(await p.locator('[data-feature=api_calls].usage-row').getAttribute('data-level')).toBe('full');
    expect(await p.locator('[data-feature=api_calls] [data-testid=upgrade-quota]').getAttribute('href')).toBe('#plans');
    expect(await p.locator('[data-feature=analyses].usage-row').getAttribute('data-level')).toBe('warn');
    expect(await p.locator('[data-feature=tokens].usage-row').getAttribute('data-level')).toBe('ok');
    // A paying account sees its usage above the plans; a free one the plans first.
    const order = (page: Page): Promise<string[]> =>
      page.locator('main > section').evaluateAll((sections: Element[]) => sections.map((el) => el.className));
    expect((await order(p)).indexOf('usage')).toBeLessThan((await order(p)).indexOf('plans'));
    const free = await render(account(null, usage));
    expect((await order(free)).indexOf('usage')).toBeGreaterThan((await order(free)).indexOf('plans'));
  });
});

describe('a used-up quota', () => {
  it('says at the top that more is refused until the reset, for that feature only', async () => {
    const p = await render(
      account({}, [
        { feature: 'api_calls', used: 100_000, limit: 100_000, periodEnd: PERIOD_END, byMember: [] },
        { feature: 'analyses', used: 999, limit: 1_000, periodEnd: PERIOD_END, byMember: [] },
        { feature: 'exports', used: 5, limit: 'unlimited', periodEnd: PERIOD_END, byMember: [] },
      ]),
    );
    const banners = p.locator('[data-testid=quota-reached]');
    expect(await banners.count()).toBe(1);
    expect(await banners.getAttribute('data-feature')).toBe('api_calls');
    expect(await banners.textContent()).toBe(
      `API calls: you have used all 100,000 of this month. More are refused until the quota resets on ${formatDate(PERIOD_END)}; a larger plan raises the quota now.`,
    );
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
    expect(await rows.nth(0).locator('td').allTextContents()).toEqual([
      'CI "main"',
      'bk_abc123…',
      formatDate(PERIOD_END),
      'never',
      expect.stringMatching(/Rename\s+Revoke/) as unknown as string,
    ]);
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
    const invoice = {
      id: 'in_1',
      customerId: 'cus_1',
      number: 'ABCD-0001',
      status: 'paid' as const,
      currency: 'usd',
      total: 2000,
      amountDue: 2000,
      amountPaid: 2000,
      created: PERIOD_END,
      hostedInvoiceUrl: null,
      invoicePdf: null,
    };
    const more = await render(account({}), { invoices: { invoices: [invoice], hasMore: true } });
    expect(await text(more, 'older-invoices')).toBe('Older invoices are in Manage billing.');
    expect(await more.locator('[data-testid=older-invoices] button[data-action=portal]').count()).toBe(1);
    expect(await text(await render(account({}), { invoices: { invoices: [invoice], hasMore: false } }), 'older-invoices')).toBeNull();
  });
});

describe('on a phone', () => {
  it('fits 390 px without scrolling sideways, with invoices and API keys in the page', async () => {
    const invoices = {
      invoices: [
        {
          id: 'in_1',
          customerId: 'cus_1',
          number: 'ABCD-1234-0001',
          status: 'paid' as const,
          currency: 'usd',
          total: 2000,
          amountDue: 2000,
          amountPaid: 2000,
          created: PERIOD_END,
          hostedInvoiceUrl: 'https://invoice.example/1',
          invoicePdf: 'https://invoice.example/1.pdf',
        },
      ],
      hasMore: false,
    };
    const apiKeys = [{ id: 'key_1', name: 'production server', prefix: 'sk_live_abcdef', createdAt: PERIOD_END, lastUsedAt: null }];
    const p = await render(
      account({ status: 'trialing', trialEnd: PERIOD_END }, usage),
      { invoices, apiKeys, showAdminLink: true, devSignOut: true },
      390,
    );
    expect(await p.locator('[data-testid=invoices]').count()).toBe(1);
    expect(await scrollWidth(p)).toBeLessThanOrEqual(390);
    // The usage bar takes the row's width under the name and the count.
    const bar = await p.locator('[data-feature=api_calls] progress').boundingBox();
    expect(bar?.width ?? 0).toBeGreaterThan(300);
    // Tables become stacked rows: every action is on screen.
    for (const selector of [
      'button[data-action=rename-key]',
      'button[data-action=revoke-key]',
      '[data-testid=invoices] a:text("View")',
      '[data-testid=invoices] a:text("PDF")',
    ]) {
      const box = await p.locator(selector).boundingBox();
      expect(box, selector).not.toBeNull();
      expect((box?.x ?? 0) + (box?.width ?? 0), selector).toBeLessThanOrEqual(390);
    }
    expect(await p.locator('[data-testid=invoices] thead').isVisible()).toBe(false);
  });
});

describe('accessibility', () => {
  const states: [string, AccountView, Partial<BillingPageModel>][] = [
    ['free', account(null, usage), {}],
    ['trialing', account({ status: 'trialing', trialEnd: PERIOD_END }, usage), {}],
    [
      'active',
      account({}, usage),
      {
        outlook: {
          card: { brand: 'visa', last4: '4242', expMonth: 3, expYear: 2031 },
          balance: -500,
          currency: 'usd',
          upcoming: { currency: 'usd', amountDue: 2_000, periodEnd: PERIOD_END },
        },
      },
    ],
    [
      'past due',
      { ...account({ status: 'past_due', paymentIssue: 'failed' }), inGracePeriod: true, graceEndsAt: PERIOD_END },
      { invoices: { invoices: [openInvoice], hasMore: false } },
    ],
    ['canceling', account({ cancelAtPeriodEnd: true }), {}],
    ['paused', account({ status: 'paused' }), {}],
    ['ended', { ...account({ status: 'canceled' }), plan: { id: 'free', name: 'Free' }, trialAvailable: false }, {}],
    [
      'team seats',
      account({ planId: 'team', priceId: 'price_team_month', seats: 3 }),
      { apiKeys: [{ id: 'key_1', name: 'ci', prefix: 'bk_1', createdAt: PERIOD_END, lastUsedAt: null }] },
    ],
  ];
  for (const [state, acc, over] of states) {
    it(`has no serious or critical axe violation when ${state}, at desktop and phone widths`, async () => {
      expect(await seriousAxeViolations(await render(acc, over))).toEqual([]);
      const phone = await render(acc, over, 390);
      expect(await seriousAxeViolations(phone)).toEqual([]);
      expect(await scrollWidth(phone)).toBeLessThanOrEqual(390);
    });
  }

  it('starts with a skip link to the main content, and says the page needs JavaScript when it is off', async () => {
    const p = await render(account({}));
    expect(await p.locator('body > a').first().getAttribute('href')).toBe('#main');
    expect(await p.locator('main#main').count()).toBe(1);
    expect(await p.locator('noscript').count()).toBe(1);
    // No form sends a key name (or anything) in a URL: every form posts.
    expect(await p.locator('form:not([method=post]):not([method=dialog])').count()).toBe(0);
  });
});
