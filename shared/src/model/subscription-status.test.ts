import { describe, expect, it } from 'vitest';
import {
  hasLiveSubscription,
  isCurrentSubscriptionStatus,
  isInGoodStanding,
  isPaymentFailedStatus,
  SubscriptionStatus,
  trialAvailable,
} from './subscription-status.js';

describe('subscription status predicates', () => {
  it('a current subscription is one to change, not to buy again; an ended or unfinished one is not', () => {
    const current = SubscriptionStatus.options.filter(isCurrentSubscriptionStatus);
    expect(current).toEqual(['trialing', 'active', 'past_due', 'unpaid', 'paused']);
    for (const status of SubscriptionStatus.options)
      expect(hasLiveSubscription({ status, subscriptionId: 'sub_1' })).toBe(current.includes(status));
    expect(hasLiveSubscription(null)).toBe(false);
    expect(hasLiveSubscription({ status: null, subscriptionId: null })).toBe(false);
  });

  it('in good standing is paid up or in trial (what grants features without a grace, and renews)', () => {
    expect(SubscriptionStatus.options.filter(isInGoodStanding)).toEqual(['trialing', 'active']);
    expect(isInGoodStanding(null)).toBe(false);
  });

  it('a failed payment is past_due (Stripe retrying) or unpaid (Stripe stopped)', () => {
    expect(SubscriptionStatus.options.filter(isPaymentFailedStatus)).toEqual(['past_due', 'unpaid']);
    expect(isPaymentFailedStatus(null)).toBe(false);
  });

  it('offers a trial only to a user who never had a subscription', () => {
    expect(trialAvailable(null)).toBe(true);
    expect(trialAvailable({ status: null, subscriptionId: null })).toBe(true);
    expect(trialAvailable({ status: 'canceled', subscriptionId: 'sub_1' })).toBe(false);
  });
});
