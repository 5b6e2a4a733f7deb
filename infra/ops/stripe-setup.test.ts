// `stripe-setup` against the Stripe stand-in: a new (empty) account gets the catalog's features,
// products, meters, prices and the webhook endpoint; a second run changes nothing; a dry run
// changes nothing and lists what the real run then does; a changed price takes the lookup key
// with transfer_lookup_key; and the stand-in's own seeded catalog needs nothing.
import { describe, expect, it } from 'vitest';
import { allLookupKeys, Feature } from '@billing/shared/plans/catalog.js';
import { PINNED_API_VERSION } from '@billing/shared/stripe/api-version.js';
import { HandledEventType } from '@billing/shared/stripe/event-types.js';
import { emptyStandInPerTest } from '@billing/stripe-stand-in/testing/empty-stand-in.js';
import { startStandIn } from '@billing/stripe-stand-in/testing/start-stand-in.js';
import { stripeSetup } from './stripe-setup.js';

const current = emptyStandInPerTest();
const WEBHOOK = 'https://billing.example.com/stripe/webhook';
const summary = (actions: { action: string; object: string }[]) => actions.map((a) => `${a.action} ${a.object}`).sort();

describe('npm run ops -- stripe-setup', () => {
  it('sets up an empty account; a dry run first changes nothing and lists exactly what the run does; a second run does nothing', async () => {
    const { stripe, standIn } = current();
    const dry = await stripeSetup({ stripe, dryRun: true, webhookUrl: WEBHOOK });
    expect(standIn.state.products.size + standIn.state.prices.size + standIn.state.meters.size + standIn.state.webhookEndpoints.size).toBe(
      0,
    );

    const done = await stripeSetup({ stripe, dryRun: false, webhookUrl: WEBHOOK });
    expect(summary(done.actions)).toEqual(summary(dry.actions));
    expect(
      done.actions
        .filter((a) => a.object === 'feature')
        .map((a) => a.key)
        .sort(),
    ).toEqual([...Feature.options].sort());
    expect(Object.keys(done.priceIds).sort()).toEqual(allLookupKeys().sort());
    expect(Object.values(done.priceIds).every((id) => id.startsWith('price_'))).toBe(true);
    expect(done.webhookSecret).toMatch(/^whsec_/);
    const endpoint = [...standIn.state.webhookEndpoints.values()][0];
    expect(endpoint).toMatchObject({ url: WEBHOOK, api_version: PINNED_API_VERSION });
    expect([...(endpoint?.enabled_events ?? [])].sort()).toEqual([...HandledEventType.options].sort());
    const teamApiCalls = await stripe.prices.retrieve(done.priceIds['team_api_calls'] ?? '');
    expect(teamApiCalls.recurring).toMatchObject({ usage_type: 'metered', meter: [...standIn.state.meters.values()][0]?.id });

    const again = await stripeSetup({ stripe, dryRun: false, webhookUrl: WEBHOOK });
    expect(again.actions).toEqual([]);
    expect(again.priceIds).toEqual(done.priceIds);
  });

  it('a price that differs from the catalog hands its lookup key to a new price (the old one keeps its subscribers)', async () => {
    const { stripe } = current();
    const first = await stripeSetup({ stripe, dryRun: false });
    const old = first.priceIds['pro_month'] ?? '';
    const product = (await stripe.prices.retrieve(old)).product as string;
    // Someone edited the plan in the Dashboard: a 9.99 price took the key.
    const edited = await stripe.prices.create({
      product,
      currency: 'usd',
      unit_amount: 999,
      recurring: { interval: 'month' },
      lookup_key: 'pro_month',
      transfer_lookup_key: true,
    });
    const fixed = await stripeSetup({ stripe, dryRun: false });
    expect(fixed.actions).toEqual([{ action: 'transfer', object: 'price', key: 'pro_month', detail: `replaces ${edited.id}` }]);
    const now = await stripe.prices.retrieve(fixed.priceIds['pro_month'] ?? '');
    expect(now).toMatchObject({ unit_amount: 2_000, lookup_key: 'pro_month' });
    expect((await stripe.prices.retrieve(edited.id)).lookup_key).toBeNull();
  });

  it('an endpoint with other events is updated; one on another API version is reported', async () => {
    const { stripe } = current();
    await stripe.webhookEndpoints.create({ url: WEBHOOK, enabled_events: ['invoice.paid'], api_version: '2024-06-20' });
    const result = await stripeSetup({ stripe, dryRun: false, webhookUrl: WEBHOOK });
    expect(result.actions.filter((a) => a.object === 'webhook_endpoint').map((a) => a.action)).toEqual(['update', 'report']);
  });

  it('the stand-in seeded from the catalog needs nothing', async () => {
    const seeded = await startStandIn();
    try {
      const result = await stripeSetup({ stripe: seeded.stripe, dryRun: true });
      expect(result.actions).toEqual([]);
      expect(result.priceIds).toEqual(Object.fromEntries(allLookupKeys().map((k) => [k, `price_${k}`])));
    } finally {
      await seeded.close();
    }
  });
});
