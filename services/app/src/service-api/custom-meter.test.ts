// A meter the team declared itself (`tokens`, added to METERS in the catalog with a quota on every
// plan and a metered price on Team): tracked by a host through /v1/track, counted in Firestore,
// reported by the usage reporter to a Stripe Billing Meter through the real SDK and the stand-in,
// and billed on the renewal invoice. No code outside the catalog names the meter.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '@billing/shared/firestore/store.js';
import { silentLogger } from '@billing/shared/logging/logger.js';
import { CheckableFeature } from '@billing/shared/access/check-decision.js';
import { allLookupKeys, Feature, METERS, MeteredFeature, PLANS } from '@billing/shared/plans/catalog.js';
import { resolvePlanPrices } from '@billing/shared/billing-ops/plan-prices.js';
import { createServiceClient } from '@billing/shared/service-api/client.js';
import { systemClock } from '@billing/shared/ports/clock.js';
import { createSdkMeterEventSender } from '@billing/shared/stripe/meter-event-sender-sdk.js';
import { accountDocFixture, billingSummaryFixture } from '@billing/shared/testing/billing-summary-fixture.js';
import { runUsageReport } from '@billing/shared/usage/reporting/run-usage-report.js';
import { startTestStack, type TestStack } from '../testing/stack.js';

const HOST = 'host@example-project.iam.gserviceaccount.com';
const DAY = 86_400;
const PRICE_IDS = Object.fromEntries(allLookupKeys().map((k) => [k, `price_${k}`]));
let stack: TestStack;

async function idToken(): Promise<string> {
  const res = await fetch(`${stack.baseUrl}/dev/service-token?email=${encodeURIComponent(HOST)}`);
  expect(res.status).toBe(200);
  return res.text();
}

/** A Team subscriber with a real customer and subscription on the stand-in (licensed seat price and both meters). */
async function teamSubscriber(accountId: string): Promise<{ customerId: string; subscriptionId: string }> {
  const customer = await stack.stripe.customers.create({ email: `${accountId}@example.com`, metadata: { accountId } });
  // Through Checkout, as a customer subscribes: the plan's licensed price and its metered prices.
  const target = resolvePlanPrices(PRICE_IDS, 'team_month');
  const session = await stack.stripe.checkout.sessions.create({
    mode: 'subscription',
    customer: customer.id,
    line_items: [{ price: target.priceId, quantity: 2 }, ...target.meteredPriceIds.map((price) => ({ price }))],
    success_url: `${stack.baseUrl}/billing`,
  });
  const subscriptionRef = stack.standIn.completeCheckout(session.id).subscription;
  const subscription = await stack.stripe.subscriptions.retrieve(
    typeof subscriptionRef === 'string' ? subscriptionRef : (subscriptionRef?.id ?? ''),
  );
  const billing = billingSummaryFixture({
    customerId: customer.id,
    subscriptionId: subscription.id,
    planId: 'team',
    priceId: 'price_team_month',
    quantity: 2,
    currentPeriodStart: subscription.items.data[0]?.current_period_start ?? 0,
    currentPeriodEnd: subscription.items.data[0]?.current_period_end ?? 0,
    billingCycleAnchor: subscription.billing_cycle_anchor,
  });
  await createStore(stack.firestore).accounts.doc(accountId).set(accountDocFixture(accountId, billing));
  return { customerId: customer.id, subscriptionId: subscription.id };
}

beforeAll(async () => {
  stack = await startTestStack({ env: { SERVICE_ACCOUNTS: HOST } });
});
afterAll(async () => {
  await stack?.close();
});

describe('a meter declared in the catalog', () => {
  it('is a Billing Meter with a metered price on the stand-in, seeded from the catalog alone', async () => {
    const meters = await stack.stripe.billing.meters.list({ limit: 100 });
    expect(meters.data.map((m) => m.event_name)).toContain(METERS.tokens.eventName);
    const [price] = (await stack.stripe.prices.list({ lookup_keys: ['team_tokens'] })).data;
    expect(price?.recurring?.usage_type).toBe('metered');
  });

  it('is tracked by a host, reported once to its Billing Meter, and billed at renewal', async () => {
    const { customerId, subscriptionId } = await teamSubscriber('acct_tokens');
    const client = createServiceClient({ baseUrl: stack.baseUrl, idToken });
    expect(await client.check({ account: 'acct_tokens', feature: 'tokens', units: 40_000 })).toMatchObject({
      allowed: true,
      plan: 'team',
      usage: { used: 0, limit: PLANS.team.quotas.tokens },
    });
    expect(await client.track({ account: 'acct_tokens', feature: 'tokens', units: 40_000, idempotencyKey: 'completion-1' })).toMatchObject({
      allowed: true,
      units: 40_000,
      replayed: false,
    });
    expect(await client.track({ account: 'acct_tokens', feature: 'tokens', units: 10_000, idempotencyKey: 'completion-2' })).toMatchObject({
      allowed: true,
      replayed: false,
    });
    // The host retried the first call: answered again, counted once.
    expect(await client.track({ account: 'acct_tokens', feature: 'tokens', units: 40_000, idempotencyKey: 'completion-1' })).toMatchObject({
      replayed: true,
    });

    await new Promise((r) => setTimeout(r, 1_100)); // one flush per counter per second
    await stack.composed.metering.recorder.flush();
    await runUsageReport({
      db: stack.firestore,
      sender: createSdkMeterEventSender(stack.stripe),
      clock: systemClock,
      logger: silentLogger(),
    });
    // A second run (the next minute's tick) sends nothing again.
    await runUsageReport({
      db: stack.firestore,
      sender: createSdkMeterEventSender(stack.stripe),
      clock: systemClock,
      logger: silentLogger(),
    });

    const reported = stack.standIn.meterEvents(customerId).filter((e) => e.eventName === 'tokens');
    expect(reported.reduce((sum, e) => sum + e.value, 0)).toBe(50_000);
    expect(stack.standIn.meterEvents(customerId).filter((e) => e.eventName !== 'tokens')).toEqual([]);
    expect((await client.account('acct_tokens')).usage.find((u) => u.feature === 'tokens')).toMatchObject({ used: 50_000 });

    // Renewal: 2 seats × $100 + 50,000 tokens × 0.0002¢ = 10¢ + no API calls.
    stack.standIn.advanceClock(32 * DAY);
    const [renewal] = (await stack.stripe.invoices.list({ subscription: subscriptionId, limit: 1 })).data;
    const byPrice = new Map(renewal?.lines.data.map((l) => [l.pricing?.price_details?.price ?? '', l.amount]));
    expect(byPrice.get('price_team_tokens')).toBe(10);
    expect(byPrice.get('price_team_api_calls')).toBe(0);
  });

  it('every catalog feature can be checked, on/off and metered alike', async () => {
    await teamSubscriber('acct_every');
    const client = createServiceClient({ baseUrl: stack.baseUrl, idToken });
    const every = [...Feature.options, ...MeteredFeature.options];
    expect(every.every((f) => CheckableFeature.safeParse(f).success)).toBe(true);
    for (const feature of every) {
      const answer = await client.check({ account: 'acct_every', feature });
      const inPlan =
        (PLANS.team.features as readonly string[]).includes(feature) ||
        (MeteredFeature.safeParse(feature).success && PLANS.team.quotas[feature as MeteredFeature] !== 0);
      expect([feature, answer.allowed, answer.reason]).toEqual([feature, inPlan, inPlan ? null : 'feature_not_in_plan']);
    }
  });
});
