// GET /api/me and the billing page list the features the account can use: exactly what the access
// decision (the API's requireFeature) allows, in every billing state, never a second reading of it.
import { describe, expect, it } from 'vitest';
import { decideAccess } from '@billing/shared/access/access-decision.js';
import type { BillingSummary } from '@billing/shared/model/documents.js';
import { AccountId, UserId } from '@billing/shared/model/ids.js';
import { Feature } from '@billing/shared/plans/catalog.js';
import { billingSummaryFixture, accountDocFixture } from '@billing/shared/testing/billing-summary-fixture.js';
import { accountView } from './account-view.js';

const NOW = 1_800_000_000;
const GRACE = 3 * 86_400;
const identity = { userId: UserId.parse('accounts.google.com:1'), email: 'u1@example.com' };
const auth = (billing: BillingSummary | null) => ({
  identity,
  accountId: AccountId.parse('accounts.google.com:1'),
  role: 'owner' as const,
  account: accountDocFixture('u1', billing),
});

const states: [string, BillingSummary | null][] = [
  ['never subscribed', null],
  ['active pro', billingSummaryFixture({ planId: 'pro' })],
  ['active pro with Stripe entitlements, one unknown', billingSummaryFixture({ planId: 'pro', entitlements: ['sso', 'not_a_feature'] })],
  [
    'past due within the grace',
    billingSummaryFixture({ planId: 'team', status: 'past_due', currentPeriodStart: NOW - 86_400, entitlements: ['sso'] }),
  ],
  [
    'past due after the grace',
    billingSummaryFixture({ planId: 'team', status: 'past_due', currentPeriodStart: NOW - 2 * GRACE, entitlements: ['sso'] }),
  ],
  ['canceled, with entitlements left', billingSummaryFixture({ planId: 'pro', status: 'canceled', entitlements: ['sso'] })],
  ['a price outside the catalog', billingSummaryFixture({ planId: null, entitlements: ['sso'] })],
];

describe('accountView entitlements', () => {
  it.each(states)('%s: lists exactly the features the access decision allows', (_name, billing) => {
    const view = accountView(auth(billing), [], NOW, GRACE);
    const allowed = Feature.options.filter((feature) => decideAccess({ billing, feature, now: NOW, pastDueGraceSeconds: GRACE }).allow);
    expect(view.entitlements).toEqual(allowed);
  });

  it('adds a Stripe entitlement to a paid plan, never to free', () => {
    const pro = accountView(auth(billingSummaryFixture({ planId: 'pro', entitlements: ['sso'] })), [], NOW, GRACE);
    expect(pro.entitlements).toContain('sso');
    const ended = accountView(auth(billingSummaryFixture({ planId: 'pro', status: 'canceled', entitlements: ['sso'] })), [], NOW, GRACE);
    expect(ended.entitlements).not.toContain('sso');
  });
});
