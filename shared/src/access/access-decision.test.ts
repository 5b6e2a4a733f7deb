import { Timestamp } from '@google-cloud/firestore';
import { describe, expect, it } from 'vitest';
import type { BillingSummary } from '../model/documents.js';
import { decideAccess } from './access-decision.js';

const DAY = 86_400;
const NOW = 1_800_000_000;
const GRACE = 3 * DAY;

function billing(over: Partial<BillingSummary>): BillingSummary {
  return {
    customerId: 'cus_1',
    subscriptionId: 'sub_1',
    status: 'active',
    planId: 'pro',
    priceId: 'price_pro_month',
    interval: 'month',
    currentPeriodStart: NOW - 10 * DAY,
    currentPeriodEnd: NOW + 20 * DAY,
    billingCycleAnchor: NOW - 10 * DAY,
    cancelAtPeriodEnd: false,
    cancelAt: null,
    trialEnd: null,
    quantity: 1,
    entitlements: [],
    paymentIssue: null,
    updatedAt: Timestamp.fromMillis(NOW * 1000),
    ...over,
  };
}

const decide = (b: BillingSummary | null, feature: Parameters<typeof decideAccess>[0]['feature'] = 'advanced_analytics') =>
  decideAccess({ billing: b, feature, now: NOW, pastDueGraceSeconds: GRACE });

describe('decideAccess', () => {
  it('allows an active subscription whose plan has the feature', () => {
    expect(decide(billing({}))).toEqual({ allow: true, planId: 'pro', inGracePeriod: false });
  });

  it('allows a trialing subscription', () => {
    expect(decide(billing({ status: 'trialing', trialEnd: NOW + 5 * DAY }))).toMatchObject({ allow: true, planId: 'pro' });
  });

  it('allows past_due within the grace period after the unpaid period began', () => {
    expect(decide(billing({ status: 'past_due', currentPeriodStart: NOW - 2 * DAY }))).toEqual({
      allow: true,
      planId: 'pro',
      inGracePeriod: true,
    });
  });

  it('refuses past_due after the grace period with 402', () => {
    expect(decide(billing({ status: 'past_due', currentPeriodStart: NOW - GRACE - 1 }))).toMatchObject({
      allow: false,
      code: 'payment_required',
      planId: 'free',
    });
  });

  it('refuses canceled, unpaid and incomplete subscriptions with 402', () => {
    for (const status of ['canceled', 'unpaid', 'incomplete', 'incomplete_expired', 'paused'] as const) {
      expect(decide(billing({ status }))).toMatchObject({ allow: false, code: 'payment_required' });
    }
  });

  it('refuses with 402 when there is no subscription', () => {
    expect(decide(null)).toMatchObject({ allow: false, code: 'payment_required', planId: 'free' });
  });

  it('refuses with 403 when the paid plan lacks the feature', () => {
    expect(decide(billing({}), 'sso')).toMatchObject({ allow: false, code: 'forbidden', planId: 'pro' });
  });

  it('allows a free-plan feature without any subscription', () => {
    expect(decide(null, 'dashboard')).toMatchObject({ allow: true, planId: 'free' });
  });

  it('honours a Stripe entitlement beside the plan, only while the subscription grants access', () => {
    expect(decide(billing({ entitlements: ['sso'] }), 'sso')).toMatchObject({ allow: true });
    expect(decide(billing({ entitlements: ['sso'], status: 'canceled' }), 'sso')).toMatchObject({ allow: false, code: 'payment_required' });
  });

  it('grants nothing for a plan the catalog does not know', () => {
    expect(decide(billing({ planId: 'legacy_gold' }))).toMatchObject({ allow: false, code: 'payment_required' });
  });

  it('keeps access while canceled at period end until Stripe ends the subscription', () => {
    expect(decide(billing({ cancelAtPeriodEnd: true, cancelAt: NOW + DAY }))).toMatchObject({ allow: true });
  });
});
