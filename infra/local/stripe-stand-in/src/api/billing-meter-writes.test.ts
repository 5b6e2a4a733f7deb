// Billing Meters created and renamed through the real SDK; one active meter per event name.
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { emptyStandInPerTest, refusal } from '../testing/empty-stand-in.js';

const current = emptyStandInPerTest();

describe('POST /v1/billing/meters', () => {
  it('creates a meter with Stripe defaults that accepts meter events, and renames it', async () => {
    const { stripe, standIn } = current();
    const meter = await stripe.billing.meters.create({
      display_name: 'API calls',
      event_name: 'api_calls',
      default_aggregation: { formula: 'sum' },
    });
    expect(meter).toMatchObject({
      object: 'billing.meter',
      status: 'active',
      customer_mapping: { type: 'by_id', event_payload_key: 'stripe_customer_id' },
      value_settings: { event_payload_key: 'value' },
    });
    const customer = await stripe.customers.create({});
    await stripe.billing.meterEvents.create({ event_name: 'api_calls', payload: { stripe_customer_id: customer.id, value: '3' } });
    expect(standIn.meterEvents(customer.id).map((e) => e.value)).toEqual([3]);
    await expect(stripe.billing.meters.update(meter.id, { display_name: 'Calls' })).resolves.toMatchObject({
      display_name: 'Calls',
      event_name: 'api_calls',
    });
    expect((await stripe.billing.meters.list()).data.map((m) => m.id)).toEqual([meter.id]);
  });

  it('refuses a second active meter for an event name, a bad formula, a missing display name and a changed event name', async () => {
    const { stripe, standIn } = current();
    const meter = await stripe.billing.meters.create({
      display_name: 'API calls',
      event_name: 'api_calls',
      default_aggregation: { formula: 'sum' },
    });
    expect(
      await refusal(
        stripe.billing.meters.create({ display_name: 'Again', event_name: 'api_calls', default_aggregation: { formula: 'sum' } }),
      ),
    ).toMatchObject({ statusCode: 400, param: 'event_name' });
    const badFormula = {
      display_name: 'x',
      event_name: 'x',
      default_aggregation: { formula: 'median' },
    } as unknown as Stripe.Billing.MeterCreateParams;
    expect(await refusal(stripe.billing.meters.create(badFormula))).toMatchObject({
      statusCode: 400,
      param: 'default_aggregation[formula]',
    });
    const noName = { event_name: 'y', default_aggregation: { formula: 'sum' } } as unknown as Stripe.Billing.MeterCreateParams;
    expect(await refusal(stripe.billing.meters.create(noName))).toMatchObject({ statusCode: 400, param: 'display_name' });
    const rename = { event_name: 'other' } as unknown as Stripe.Billing.MeterUpdateParams;
    expect(await refusal(stripe.billing.meters.update(meter.id, rename))).toMatchObject({ statusCode: 400, param: 'event_name' });
    expect(await refusal(stripe.billing.meters.update('mtr_nope', { display_name: 'z' }))).toMatchObject({ statusCode: 404 });
    expect(standIn.state.meters.size).toBe(1);
  });
});
