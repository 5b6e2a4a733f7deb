// The billing page of a team account, read back in chromium with the page's CSS: the account
// switcher, the seats in use, the members and invitations with the controls each role gets, what a
// plain member does not see, escaping of names people type, and the layout on a phone.
// (The whole journey, with the API behind the buttons, is browser/team-page.browser.test.ts.)
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { TeamView } from '@billing/shared/accounts/teams.js';
import type { Role } from '@billing/shared/model/account-documents.js';
import { allLookupKeys } from '@billing/shared/plans/catalog.js';
import type { AccountView } from '../routes/account-view.js';
import { plansView } from '../routes/plans-view.js';
import { pageBrowserForFile, scrollWidth } from '../testing/page-in-browser.js';
import { renderBillingPage, type BillingPageModel } from './billing-page.js';
import { formatDate } from './format.js';

const plans = plansView(Object.fromEntries(allLookupKeys().map((k) => [k, `price_${k}`])));
const PERIOD_END = 1_798_675_200; // 2026-12-31
const JOINED = '2026-11-02T10:00:00.000Z';
const EXPIRES = '2026-12-09T10:00:00.000Z';
const TEAM = 'team_abcdefghijklmnop';

/** Acme, on the Team plan with 5 seats: Olga owns it, Adam is an admin, Mia a member; one invitation is pending. */
function teamAccount(role: Role, viewer = { id: 'u_olga', email: 'olga@example.com' }, name = 'Acme'): AccountView {
  return {
    user: viewer,
    account: { id: TEAM, kind: 'team', name, role, canManageBilling: role !== 'member' },
    plan: { id: 'team', name: 'Team' },
    subscription: {
      id: 'sub_1',
      status: 'active',
      planId: 'team',
      priceId: 'price_team_month',
      interval: 'month',
      currentPeriodEnd: PERIOD_END,
      cancelAtPeriodEnd: false,
      cancelAt: null,
      trialEnd: null,
      paymentIssue: null,
      seats: 5,
    },
    inGracePeriod: false,
    graceEndsAt: null,
    trialAvailable: false,
    entitlements: [],
    usage: [],
  };
}

function team(role: Role, over: Partial<TeamView> = {}): TeamView {
  return {
    seats: { paid: 5, used: 4, members: 3, pendingInvitations: 1 },
    members: [
      { userId: 'u_olga', email: 'olga@example.com', role: 'owner', joinedAt: JOINED },
      { userId: 'u_adam', email: 'adam@example.com', role: 'admin', joinedAt: JOINED },
      { userId: 'u_mia', email: 'mia@example.com', role: 'member', joinedAt: JOINED },
    ],
    invitations:
      role === 'member'
        ? null
        : [
            {
              id: 'inv_aaaaaaaaaaaaaaaaaaaaaaaa',
              email: 'nina@example.com',
              role: 'member',
              status: 'pending',
              invitedBy: 'olga@example.com',
              expiresAt: EXPIRES,
            },
          ],
    ...over,
  };
}

const ACCOUNTS: BillingPageModel['accounts'] = [
  { id: 'u_olga', kind: 'personal', name: null, role: 'owner' },
  { id: 'team_other', kind: 'team', name: 'Beta', role: 'member' },
  { id: TEAM, kind: 'team', name: 'Acme', role: 'owner' },
];

const browser = pageBrowserForFile();

function render(account: AccountView, teamView: TeamView | null, over: Partial<BillingPageModel> = {}, width?: number): Promise<Page> {
  const invoice = {
    id: 'in_1',
    customerId: 'cus_1',
    number: 'ACME-0001',
    status: 'paid' as const,
    currency: 'usd',
    total: 50000,
    amountDue: 50000,
    amountPaid: 50000,
    created: PERIOD_END,
    hostedInvoiceUrl: null,
    invoicePdf: null,
  };
  return browser().show(
    renderBillingPage({
      account,
      plans,
      invoices: account.account.canManageBilling ? { invoices: [invoice], hasMore: false } : null,
      apiKeys: [],
      hasBillingAccount: true,
      checkoutOutcome: null,
      devSignOut: true,
      showAdminLink: false,
      accounts: ACCOUNTS,
      team: teamView,
      publicBaseUrl: 'https://billing.example',
      ...over,
    }),
    width,
  );
}

const MIA = { id: 'u_mia', email: 'mia@example.com' };
const ADAM = { id: 'u_adam', email: 'adam@example.com' };
const row = (p: Page, userId: string) => p.locator(`[data-testid=members] tr[data-user-id=${userId}]`);

describe('the account switcher', () => {
  it('lists the personal account as the email and the teams by name, with the active one selected', async () => {
    const p = await render(teamAccount('owner'), team('owner'));
    const switcher = p.locator('[data-testid=account-switcher]');
    expect(await switcher.locator('option').allTextContents()).toEqual(['olga@example.com', 'Beta', 'Acme']);
    expect(await switcher.locator('option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value))).toEqual([
      'u_olga',
      'team_other',
      TEAM,
    ]);
    expect(await switcher.inputValue()).toBe(TEAM);
    expect(await p.locator('[data-testid=create-team] input[name=name]').getAttribute('maxlength')).toBe('80');
  });
});

describe("a team's seats and members", () => {
  it('says how many of the paid seats are used, by members and pending invitations', async () => {
    const p = await render(teamAccount('owner'), team('owner'));
    expect(await p.textContent('[data-testid=seats-used]')).toBe('4 of 5 seats used');
    expect(await p.locator('[data-testid=team] p').first().textContent()).toMatch(/\(3 members, 1 pending invitation\)$/);
    const one = await render(teamAccount('owner'), team('owner', { seats: { paid: 1, used: 1, members: 1, pendingInvitations: 0 } }));
    expect(await one.locator('[data-testid=team] p').first().textContent()).toMatch(
      /^1 of 1 seat used\s+\(1 member, 0 pending invitations\)$/,
    );
  });

  it('gives an owner a role select on every row, Remove on the others and Leave on their own', async () => {
    const p = await render(teamAccount('owner'), team('owner'));
    expect(await row(p, 'u_mia').locator('td').first().textContent()).toBe('mia@example.com');
    expect(await row(p, 'u_mia').locator('td').nth(2).textContent()).toBe(formatDate(Date.parse(JOINED) / 1000));
    expect(await row(p, 'u_mia').locator('select[data-role=member-role]').inputValue()).toBe('member');
    expect(await row(p, 'u_mia').locator('select option').allTextContents()).toEqual(['Owner', 'Admin', 'Member']);
    expect(await row(p, 'u_adam').locator('select').inputValue()).toBe('admin');
    expect(await row(p, 'u_olga').locator('select').getAttribute('data-self')).toBe('true');
    expect(await row(p, 'u_olga').locator('td').first().textContent()).toBe('olga@example.com (you)');
    expect(await row(p, 'u_olga').locator('button').allTextContents()).toEqual(['Leave']);
    expect(await row(p, 'u_mia').locator('button').allTextContents()).toEqual(['Remove']);
    expect(await row(p, 'u_mia').locator('button[data-action=remove-member]').getAttribute('data-user-id')).toBe('u_mia');
  });

  it('lets an admin manage admins and members but not the owner, and never offers to make an owner', async () => {
    const p = await render(teamAccount('admin', ADAM), team('admin'));
    expect(await row(p, 'u_olga').locator('select').count()).toBe(0);
    expect(await row(p, 'u_olga').locator('td').nth(1).textContent()).toBe('Owner');
    expect(await row(p, 'u_olga').locator('button').count()).toBe(0);
    expect(await row(p, 'u_mia').locator('select option').allTextContents()).toEqual(['Admin', 'Member']);
    expect(await row(p, 'u_mia').locator('button').allTextContents()).toEqual(['Remove']);
    expect(await row(p, 'u_adam').locator('button').allTextContents()).toEqual(['Leave']);
  });

  it('shows a member the members and their roles, with Leave on their own row only', async () => {
    const p = await render(teamAccount('member', MIA), team('member'));
    expect(await p.locator('[data-testid=members] select').count()).toBe(0);
    expect(await p.locator('[data-testid=members] td:nth-child(2)').allTextContents()).toEqual(['Owner', 'Admin', 'Member']);
    expect(await p.locator('[data-testid=members] button').allTextContents()).toEqual(['Leave']);
    expect(await row(p, 'u_mia').locator('button[data-action=leave-team]').count()).toBe(1);
    expect(await p.locator('[data-testid=invitations], [data-testid=invite-form], [data-testid=seats-exhausted]').count()).toBe(0);
  });
});

describe('usage by member', () => {
  it("lists this month's units of each metered feature by whoever made them: members by email, a service, a former member by id", async () => {
    const account = teamAccount('member', MIA);
    account.usage = [
      {
        feature: 'api_calls',
        used: 130,
        limit: 100_000,
        periodEnd: PERIOD_END,
        byMember: [
          { userId: 'u_mia', used: 100 },
          { userId: 'service:host@p.iam.gserviceaccount.com', used: 20 },
          { userId: 'u_gone', used: 10 },
        ],
      },
      { feature: 'exports', used: 0, limit: 1_000, periodEnd: PERIOD_END, byMember: [] },
      { feature: 'analyses', used: 7, limit: 1_000, periodEnd: PERIOD_END, byMember: [{ userId: 'u_olga', used: 7 }] },
    ];
    const page = await render(account, team('member'));
    const table = page.locator('[data-testid=usage-by-member]');
    expect(await table.locator('thead th').allTextContents()).toEqual(['Member', 'API calls', 'Analyses']);
    expect(
      await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => Array.from(r.querySelectorAll('td'), (td) => td.textContent))),
    ).toEqual([
      ['mia@example.com', '100', '0'],
      ['Service host@p.iam.gserviceaccount.com', '20', '0'],
      ['u_gone', '10', '0'],
      ['olga@example.com', '0', '7'],
    ]);
  });

  it('is left out when nobody used anything', async () => {
    const page = await render(teamAccount('owner'), team('owner'));
    expect(await page.locator('[data-testid=usage-by-member]').count()).toBe(0);
  });
});

describe('pending invitations', () => {
  it('lists each with its full acceptance link to copy and Revoke, beside the invite form', async () => {
    const p = await render(teamAccount('owner'), team('owner'));
    const inv = p.locator('[data-testid=invitations] tr[data-invitation-id=inv_aaaaaaaaaaaaaaaaaaaaaaaa]');
    expect(await inv.locator('td').nth(0).textContent()).toBe('nina@example.com');
    expect(await inv.locator('td').nth(1).textContent()).toBe('Member');
    expect(await inv.locator('td').nth(2).textContent()).toBe(formatDate(Date.parse(EXPIRES) / 1000));
    expect(await inv.locator('input[data-role=invite-link]').inputValue()).toBe(
      'https://billing.example/invitations/inv_aaaaaaaaaaaaaaaaaaaaaaaa',
    );
    expect(await inv.locator('button[data-role=copy-link]').textContent()).toBe('Copy');
    expect(await inv.locator('button[data-action=revoke-invitation]').getAttribute('data-invitation-id')).toBe(
      'inv_aaaaaaaaaaaaaaaaaaaaaaaa',
    );
    const form = p.locator('[data-testid=invite-form]');
    expect(
      await form.locator('select[name=role] option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value)),
    ).toEqual(['member', 'admin']);
    expect(await form.locator('select[name=role]').inputValue()).toBe('member');
    expect(await p.isVisible('[data-testid=seats-exhausted]')).toBe(false); // shown by the script, after a refusal
  });

  it('says when there is none', async () => {
    const p = await render(teamAccount('owner'), team('owner', { invitations: [] }));
    expect(await p.textContent('[data-testid=no-invitations]')).toBe('No pending invitations.');
  });
});

describe('what a plain member sees of billing', () => {
  it('the plan and its price, and who manages billing: no billing action, no plans to buy, no invoices', async () => {
    const p = await render(teamAccount('member', MIA), team('member'));
    expect(await p.textContent('[data-testid=plan-name]')).toBe('Team');
    expect(await p.textContent('[data-testid=managed-by]')).toBe("Billing is managed by the team's owners and admins.");
    for (const action of ['checkout', 'change-plan', 'cancel', 'resume', 'portal'])
      expect(await p.locator(`[data-action=${action}]`).count(), action).toBe(0);
    expect(await p.locator('[data-testid=seats-form], section.plans, section.invoices').count()).toBe(0);
    expect(await p.isVisible('section.usage')).toBe(true);
  });

  it("is told a payment problem is for the team's owners and admins, without the portal", async () => {
    const failing = teamAccount('member', MIA);
    const p = await render(
      { ...failing, subscription: failing.subscription && { ...failing.subscription, status: 'past_due', paymentIssue: 'failed' } },
      team('member'),
    );
    expect(await p.textContent('[data-testid=payment-problem]')).toBe(
      "The last payment did not go through. The team's owners and admins can settle it on this page.",
    );
    expect(await p.locator('[data-testid=past-due], [data-action=portal]').count()).toBe(0);
  });

  it('while an owner or an admin of the same team has every billing action and the invoices', async () => {
    for (const [role, viewer] of [
      ['owner', undefined],
      ['admin', ADAM],
    ] as const) {
      const p = await render(teamAccount(role, viewer), team(role));
      expect(await p.locator('[data-testid=managed-by]').count(), role).toBe(0);
      expect(await p.locator('section.current [data-action=portal]').count(), role).toBe(1);
      expect(await p.locator('section.current [data-action=cancel]').count(), role).toBe(1);
      expect(await p.locator('[data-testid=seats-form]#seats').count(), role).toBe(1); // where "Add seats" goes
      expect(await p.locator('[data-action=change-plan]').count(), role).toBeGreaterThan(0);
      expect(await p.locator('[data-testid=invoices] tbody tr').count(), role).toBe(1);
    }
  });
});

describe('names people type', () => {
  it('are text, in the switcher, the members and the invitations', async () => {
    const evil = '<script>window.pwned = 1</script><b>Bold</b>';
    const p = await render(
      teamAccount('owner', undefined, evil),
      team('owner', {
        members: [
          { userId: 'u_olga', email: 'olga@example.com', role: 'owner', joinedAt: JOINED },
          { userId: 'u_x', email: `"><img src=x onerror=alert(1)>@example.com`, role: 'member', joinedAt: JOINED },
        ],
      }),
      { accounts: [ACCOUNTS[0]!, { id: TEAM, kind: 'team', name: evil, role: 'owner' }] },
    );
    expect(await p.locator('[data-testid=account-switcher] option').nth(1).textContent()).toBe(evil);
    expect(await row(p, 'u_x').locator('td').first().textContent()).toBe(`"><img src=x onerror=alert(1)>@example.com`);
    expect(await row(p, 'u_x').locator('button[data-action=remove-member]').getAttribute('data-member')).toBe(
      `"><img src=x onerror=alert(1)>@example.com`,
    );
    expect(await p.locator('script, b, img').count()).toBe(0);
  });
});

describe('on a phone and on a desktop', () => {
  it('the team section fits without scrolling sideways, long emails and links included', async () => {
    const long = team('owner', {
      members: [
        { userId: 'u_olga', email: 'olga@example.com', role: 'owner', joinedAt: JOINED },
        { userId: 'u_long', email: 'a.very.long.name.of.someone.in.accounting@subsidiary.example.com', role: 'admin', joinedAt: JOINED },
      ],
      invitations: [
        {
          id: 'inv_aaaaaaaaaaaaaaaaaaaaaaaa',
          email: 'another.very.long.address.for.an.invitee@example.com',
          role: 'admin',
          status: 'pending',
          invitedBy: 'olga@example.com',
          expiresAt: EXPIRES,
        },
      ],
    });
    for (const width of [390, 1280]) {
      const p = await render(teamAccount('owner'), long, {}, width);
      expect(await scrollWidth(p), `${width}`).toBeLessThanOrEqual(width);
      const overflowing = await p
        .locator('[data-testid=team], [data-testid=team] .table-wrap')
        .evaluateAll((els) => els.filter((el) => el.scrollWidth > el.clientWidth).length);
      expect(overflowing, `${width}`).toBe(0);
      expect(await p.isVisible('[data-testid=invitations] button[data-role=copy-link]'), `${width}`).toBe(true);
    }
  });
});
