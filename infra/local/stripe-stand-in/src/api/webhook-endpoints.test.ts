// Webhook endpoints registered through the real SDK: the secret only at creation, the API version
// fixed at creation, bad input refused with Stripe's 400.
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { emptyStandInPerTest, refusal } from '../testing/empty-stand-in.js';

const current = emptyStandInPerTest();
const url = 'https://billing.example.com/stripe/webhook';

describe('/v1/webhook_endpoints', () => {
  it('creates an endpoint with its API version and returns the secret only then; lists, updates and deletes it', async () => {
    const { stripe } = current();
    const we = await stripe.webhookEndpoints.create({ url, enabled_events: ['invoice.paid'], api_version: Stripe.API_VERSION });
    expect(we).toMatchObject({
      object: 'webhook_endpoint',
      url,
      enabled_events: ['invoice.paid'],
      api_version: Stripe.API_VERSION,
      status: 'enabled',
    });
    expect(we.secret).toMatch(/^whsec_/);
    const [listed] = (await stripe.webhookEndpoints.list()).data;
    expect(listed?.id).toBe(we.id);
    expect(listed?.secret).toBeUndefined();
    expect((await stripe.webhookEndpoints.retrieve(we.id)).secret).toBeUndefined();
    const updated = await stripe.webhookEndpoints.update(we.id, { enabled_events: ['invoice.paid', 'customer.created'], disabled: true });
    expect(updated).toMatchObject({
      enabled_events: ['invoice.paid', 'customer.created'],
      status: 'disabled',
      api_version: Stripe.API_VERSION,
    });
    await expect(stripe.webhookEndpoints.del(we.id)).resolves.toMatchObject({ deleted: true });
    expect(await refusal(stripe.webhookEndpoints.retrieve(we.id))).toMatchObject({ statusCode: 404, code: 'resource_missing' });
  });

  it('refuses a bad URL, no events, a malformed event type or API version, and a version change, creating nothing', async () => {
    const { stripe, standIn } = current();
    const create = (params: object) => refusal(stripe.webhookEndpoints.create({ url, enabled_events: ['invoice.paid'], ...params }));
    expect(await create({ url: 'not a url' })).toMatchObject({ statusCode: 400, param: 'url' });
    expect(await create({ url: 'ftp://example.com/x' })).toMatchObject({ statusCode: 400, param: 'url' });
    expect(await create({ enabled_events: [] })).toMatchObject({ statusCode: 400 });
    expect(await create({ enabled_events: ['invoice paid'] })).toMatchObject({ statusCode: 400, param: 'enabled_events[0]' });
    expect(await create({ api_version: 'latest' })).toMatchObject({ statusCode: 400, param: 'api_version' });
    expect(standIn.state.webhookEndpoints.size).toBe(0);
    const we = await stripe.webhookEndpoints.create({ url, enabled_events: ['*'] });
    expect(we.api_version).toBeNull();
    const bump = { api_version: Stripe.API_VERSION } as unknown as Stripe.WebhookEndpointUpdateParams;
    expect(await refusal(stripe.webhookEndpoints.update(we.id, bump))).toMatchObject({ statusCode: 400, param: 'api_version' });
  });

  it('refuses a seventeenth endpoint, as Stripe limits an account to sixteen', async () => {
    const { stripe } = current();
    for (let i = 0; i < 16; i++) await stripe.webhookEndpoints.create({ url: `${url}/${i}`, enabled_events: ['*'] });
    expect(await refusal(stripe.webhookEndpoints.create({ url, enabled_events: ['*'] }))).toMatchObject({ statusCode: 400 });
  });
});
