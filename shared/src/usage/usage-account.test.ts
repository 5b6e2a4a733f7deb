// The account a user is metered under, pure (no emulators): quotas are monthly whatever the billing
// interval, anchored on the billing-cycle anchor, and follow the access decision's past-due grace.
import { describe, expect, it } from 'vitest';
import type { BillingSummary } from '../model/documents.js';
import { AccountId } from '../model/ids.js';
import { billingSummaryFixture } from '../testing/billing-summary-fixture.js';
import { usageAccount } from './usage-account.js';

const DAY = 86_400;
const GRACE = 3 * DAY;
const user = AccountId.parse('u-1');
const at = (iso: string) => Date.parse(iso) / 1000;
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

/** The account at `now` (ISO), as the period's ISO bounds and the plan. */
function account(billing: BillingSummary | null, now: string) {
  const a = usageAccount(user, billing, Date.parse(now), { pastDueGraceSeconds: GRACE });
  return { plan: a.plan.id, subscribed: a.subscribed, start: iso(a.periodStart), end: iso(a.periodEnd), validUntil: iso(a.validUntil) };
}

const subscription = (over: Partial<BillingSummary>) => billingSummaryFixture({ status: 'active', planId: 'pro', ...over });

describe('usageAccount: the quota month, whatever the billing interval', () => {
  it('a yearly subscriber gets a new month on the anchor’s day every month of the year', () => {
    const anchor = at('2026-01-31T10:00:00Z');
    const yearly = subscription({
      interval: 'year',
      currentPeriodStart: anchor,
      currentPeriodEnd: at('2027-01-31T10:00:00Z'),
      billingCycleAnchor: anchor,
    });
    expect(account(yearly, '2026-02-01T00:00:00Z')).toMatchObject({
      plan: 'pro',
      start: '2026-01-31T10:00:00.000Z',
      end: '2026-02-28T10:00:00.000Z',
    });
    expect(account(yearly, '2026-03-15T00:00:00Z')).toMatchObject({ start: '2026-02-28T10:00:00.000Z', end: '2026-03-31T10:00:00.000Z' });
    expect(account(yearly, '2026-12-31T10:00:00Z')).toMatchObject({ start: '2026-12-31T10:00:00.000Z', end: '2027-01-31T10:00:00.000Z' });
  });

  it('a daily or weekly subscriber gets the quota once a month, not at every renewal', () => {
    const anchor = at('2026-05-04T12:00:00Z');
    for (const [interval, length, renewals] of [
      ['day', DAY, 30],
      ['week', 7 * DAY, 4],
    ] as const) {
      // Each renewal inside the month, as the applier stores it: the same month and counter throughout.
      for (let n = 0; n <= renewals; n++) {
        const billing = subscription({
          interval,
          currentPeriodStart: anchor + n * length,
          currentPeriodEnd: anchor + (n + 1) * length,
          billingCycleAnchor: anchor,
        });
        expect(account(billing, iso(anchor + n * length + 3_600))).toMatchObject({
          start: '2026-05-04T12:00:00.000Z',
          end: '2026-06-04T12:00:00.000Z',
        });
      }
      const next = subscription({
        interval,
        currentPeriodStart: anchor + (renewals + 1) * length,
        currentPeriodEnd: anchor + (renewals + 2) * length,
        billingCycleAnchor: anchor,
      });
      expect(account(next, iso(anchor + (renewals + 1) * length + 3_600))).toMatchObject({ start: '2026-06-04T12:00:00.000Z' });
    }
  });

  it('a late renewal event neither extends the month nor resets it early', () => {
    const anchor = at('2026-11-05T08:00:00Z');
    const stale = subscription({
      interval: 'week',
      currentPeriodStart: anchor,
      currentPeriodEnd: anchor + 7 * DAY,
      billingCycleAnchor: anchor,
    });
    // Three weeks after the stored period ended, no renewal applied: still November's month.
    expect(account(stale, '2026-12-01T00:00:00Z')).toMatchObject({ start: '2026-11-05T08:00:00.000Z', end: '2026-12-05T08:00:00.000Z' });
    expect(account(stale, '2026-12-05T08:00:00Z')).toMatchObject({ start: '2026-12-05T08:00:00.000Z', end: '2027-01-05T08:00:00.000Z' });
  });

  it('a trialing subscriber’s months count back from the trial end (Stripe’s anchor then)', () => {
    const trialEnd = at('2026-07-31T08:00:00Z');
    const trialing = subscription({
      status: 'trialing',
      currentPeriodStart: at('2026-07-17T08:00:00Z'),
      currentPeriodEnd: trialEnd,
      trialEnd,
      billingCycleAnchor: trialEnd,
    });
    expect(account(trialing, '2026-07-20T00:00:00Z')).toMatchObject({
      plan: 'pro',
      start: '2026-06-30T08:00:00.000Z',
      end: '2026-07-31T08:00:00.000Z',
    });
  });

  it('a summary stored before the anchor was kept anchors on its period start', () => {
    const old = subscription({
      currentPeriodStart: at('2026-11-05T08:00:00Z'),
      currentPeriodEnd: at('2026-12-05T08:00:00Z'),
      billingCycleAnchor: null,
    });
    expect(account(old, '2026-11-20T00:00:00Z')).toMatchObject({ start: '2026-11-05T08:00:00.000Z', end: '2026-12-05T08:00:00.000Z' });
  });

  it('a user without a paid plan counts by the calendar month', () => {
    expect(account(null, '2026-11-20T00:00:00Z')).toMatchObject({
      plan: 'free',
      subscribed: false,
      start: '2026-11-01T00:00:00.000Z',
      end: '2026-12-01T00:00:00.000Z',
    });
    const canceled = subscription({ status: 'canceled', billingCycleAnchor: at('2026-10-05T00:00:00Z') });
    expect(account(canceled, '2026-11-20T00:00:00Z')).toMatchObject({ plan: 'free', start: '2026-11-01T00:00:00.000Z' });
  });
});

describe('usageAccount: past due follows the access decision', () => {
  const renewal = at('2026-11-05T08:00:00Z');
  const pastDue = subscription({
    status: 'past_due',
    currentPeriodStart: renewal,
    currentPeriodEnd: at('2026-12-05T08:00:00Z'),
    billingCycleAnchor: renewal,
  });

  it('keeps the paid quotas within the grace period, and says when that ends', () => {
    expect(account(pastDue, '2026-11-07T00:00:00Z')).toMatchObject({
      plan: 'pro',
      subscribed: true,
      start: '2026-11-05T08:00:00.000Z',
      validUntil: '2026-11-08T08:00:00.000Z',
    });
  });

  it('meters the user as free once the grace period is over, however long the payment stays due', () => {
    expect(account(pastDue, '2026-11-08T08:00:00Z')).toMatchObject({ plan: 'free', subscribed: false, start: '2026-11-01T00:00:00.000Z' });
    expect(account(pastDue, '2026-11-30T00:00:00Z')).toMatchObject({ plan: 'free', subscribed: false });
  });
});
