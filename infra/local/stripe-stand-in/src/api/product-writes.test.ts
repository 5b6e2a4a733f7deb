// Products created and updated through the real SDK, and refused bad input (Stripe's 4xx shape).
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { emptyStandInPerTest, refusal } from '../testing/empty-stand-in.js';

const current = emptyStandInPerTest();

describe('POST /v1/products', () => {
  it('creates a product, lists it, and updates its name, description and metadata (a key sent as "" is removed)', async () => {
    const { stripe, standIn } = current();
    const created = await stripe.products.create({
      name: 'Pro',
      description: 'For professionals.',
      metadata: { planId: 'pro', team: 'billing' },
    });
    expect(created).toMatchObject({
      object: 'product',
      name: 'Pro',
      description: 'For professionals.',
      active: true,
      metadata: { planId: 'pro', team: 'billing' },
    });
    expect((await stripe.products.list()).data.map((p) => p.id)).toEqual([created.id]);
    const updated = await stripe.products.update(created.id, { name: 'Pro plan', description: '', metadata: { team: '' } });
    expect(updated).toMatchObject({ name: 'Pro plan', description: null, metadata: { planId: 'pro' } });
    expect(standIn.state.events.map((e) => e.type)).toEqual(['product.created', 'product.updated']);
  });

  it('refuses a missing name, an unknown parameter, a taken id and an unknown product with a 4xx naming the parameter', async () => {
    const { stripe } = current();
    const noName = await refusal(stripe.products.create({} as Stripe.ProductCreateParams));
    expect(noName).toMatchObject({ statusCode: 400, param: 'name', code: 'parameter_missing' });
    const unknown = await refusal(stripe.products.create({ name: 'x', colour: 'red' } as Stripe.ProductCreateParams));
    expect(unknown).toMatchObject({ statusCode: 400, param: 'colour' });
    await stripe.products.create({ name: 'x', id: 'prod_fixed' });
    expect(await refusal(stripe.products.create({ name: 'y', id: 'prod_fixed' }))).toMatchObject({ statusCode: 400, param: 'id' });
    expect(await refusal(stripe.products.update('prod_missing', { name: 'z' }))).toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
    });
    expect(current().standIn.state.products.size).toBe(1);
  });
});

describe('/v1/products/:id/features', () => {
  it('attaches features (entitling subscribers), lists and detaches them, and refuses a feature attached twice', async () => {
    const { stripe } = current();
    const product = await stripe.products.create({ name: 'Pro' });
    const sso = await stripe.entitlements.features.create({ name: 'SSO', lookup_key: 'sso' });
    const attached = await stripe.products.createFeature(product.id, { entitlement_feature: sso.id });
    expect(attached).toMatchObject({ object: 'product_feature', entitlement_feature: { id: sso.id, lookup_key: 'sso' } });
    const again = await refusal(stripe.products.createFeature(product.id, { entitlement_feature: sso.id }));
    expect(again).toMatchObject({ statusCode: 400, param: 'entitlement_feature' });
    expect((await stripe.products.listFeatures(product.id)).data.map((f) => f.id)).toEqual([attached.id]);
    await expect(stripe.products.deleteFeature(product.id, attached.id)).resolves.toMatchObject({ deleted: true });
    expect((await stripe.products.listFeatures(product.id)).data).toEqual([]);
    expect(await refusal(stripe.products.deleteFeature(product.id, attached.id))).toMatchObject({ statusCode: 404 });
    expect(await refusal(stripe.products.createFeature(product.id, { entitlement_feature: 'feat_missing' }))).toMatchObject({
      statusCode: 404,
      param: 'entitlement_feature',
    });
  });
});
