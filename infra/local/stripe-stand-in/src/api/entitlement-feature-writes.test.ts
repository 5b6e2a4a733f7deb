// Entitlements features created, read and updated through the real SDK; lookup keys unique among
// active features.
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { emptyStandInPerTest, refusal } from '../testing/empty-stand-in.js';

const current = emptyStandInPerTest();

describe('/v1/entitlements/features', () => {
  it('creates a feature, finds it by lookup key, renames it, and frees the key once archived', async () => {
    const { stripe } = current();
    const sso = await stripe.entitlements.features.create({ name: 'SSO', lookup_key: 'sso' });
    expect(sso).toMatchObject({ object: 'entitlements.feature', active: true, lookup_key: 'sso', name: 'SSO' });
    expect((await stripe.entitlements.features.list({ lookup_key: 'sso' })).data.map((f) => f.id)).toEqual([sso.id]);
    await expect(stripe.entitlements.features.update(sso.id, { name: 'Single sign-on' })).resolves.toMatchObject({
      name: 'Single sign-on',
    });
    await expect(stripe.entitlements.features.retrieve(sso.id)).resolves.toMatchObject({ name: 'Single sign-on' });
    expect(await refusal(stripe.entitlements.features.create({ name: 'SSO 2', lookup_key: 'sso' }))).toMatchObject({
      statusCode: 400,
      param: 'lookup_key',
    });
    await stripe.entitlements.features.update(sso.id, { active: false });
    expect(await refusal(stripe.entitlements.features.update(sso.id, { name: 'x' }))).toMatchObject({ statusCode: 400 });
    await expect(stripe.entitlements.features.create({ name: 'SSO again', lookup_key: 'sso' })).resolves.toMatchObject({ active: true });
  });

  it('refuses a missing lookup key, an over-long name, a changed lookup key and an unknown feature', async () => {
    const { stripe, standIn } = current();
    expect(await refusal(stripe.entitlements.features.create({ name: 'x' } as Stripe.Entitlements.FeatureCreateParams))).toMatchObject({
      statusCode: 400,
      param: 'lookup_key',
    });
    expect(await refusal(stripe.entitlements.features.create({ name: 'x'.repeat(81), lookup_key: 'k' }))).toMatchObject({
      statusCode: 400,
      param: 'name',
    });
    const f = await stripe.entitlements.features.create({ name: 'x', lookup_key: 'k' });
    const relabel = { lookup_key: 'other' } as unknown as Stripe.Entitlements.FeatureUpdateParams;
    expect(await refusal(stripe.entitlements.features.update(f.id, relabel))).toMatchObject({ statusCode: 400, param: 'lookup_key' });
    expect(await refusal(stripe.entitlements.features.retrieve('feat_nope'))).toMatchObject({ statusCode: 404 });
    expect(standIn.state.features.size).toBe(1);
  });
});
