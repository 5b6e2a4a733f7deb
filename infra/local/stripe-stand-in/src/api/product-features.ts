// /v1/products/:id/features: attaching Entitlements features to a product (list, attach, detach).
// A customer subscribed to the product is entitled to the features attached to it
// (billing/entitlements.ts). A product feature's id is derived from the feature's, which keeps
// the state one list of feature ids per product. https://docs.stripe.com/api/product-feature
import type Stripe from 'stripe';
import { z } from 'zod';
import type { BillingContext } from '../billing/billing-context.js';
import { listParams } from '../http/request-params.js';
import { invalidParam, noSuchResource } from '../http/stripe-error.js';
import { endpoint, pathParam, type ApiEndpoint } from './endpoint.js';
import { listPage } from './list-page.js';
import { productOrThrow } from './product-writes.js';

const productFeatureId = (featureId: string) => `prodft_${featureId.replace(/^feat_/, '')}`;

function productFeatureObject(ctx: BillingContext, featureId: string): Stripe.ProductFeature {
  const feature = ctx.state.features.get(featureId);
  if (!feature) throw new Error(`attached feature ${featureId} is unknown`);
  return { id: productFeatureId(featureId), object: 'product_feature', entitlement_feature: feature, livemode: false };
}

const list = endpoint('get', '/v1/products/:id/features', z.strictObject(listParams), (ctx, p, path) => {
  const product = productOrThrow(ctx, pathParam(path, 'id'));
  const attached = (ctx.state.productFeatures.get(product.id) ?? []).map((f) => productFeatureObject(ctx, f)).reverse();
  return listPage(attached, p, `/v1/products/${product.id}/features`);
});

const attach = endpoint(
  'post',
  '/v1/products/:id/features',
  z.strictObject({ entitlement_feature: z.string().min(1), expand: listParams.expand }),
  (ctx, p, path) => {
    const product = productOrThrow(ctx, pathParam(path, 'id'));
    const feature = ctx.state.features.get(p.entitlement_feature);
    if (!feature) throw noSuchResource('entitlements.feature', p.entitlement_feature, 'entitlement_feature');
    if (!feature.active) throw invalidParam('entitlement_feature', `The feature '${feature.id}' is archived.`);
    const attached = ctx.state.productFeatures.get(product.id) ?? [];
    if (attached.includes(feature.id))
      throw invalidParam(
        'entitlement_feature',
        `The feature '${feature.id}' is already attached to this product.`,
        'resource_already_exists',
      );
    ctx.state.productFeatures.set(product.id, [...attached, feature.id]);
    return productFeatureObject(ctx, feature.id);
  },
);

const detach = endpoint('delete', '/v1/products/:id/features/:featureId', z.strictObject({}), (ctx, _p, path) => {
  const product = productOrThrow(ctx, pathParam(path, 'id'));
  const id = pathParam(path, 'featureId');
  const attached = ctx.state.productFeatures.get(product.id) ?? [];
  const featureId = attached.find((f) => productFeatureId(f) === id);
  if (featureId === undefined) throw noSuchResource('product_feature', id);
  ctx.state.productFeatures.set(
    product.id,
    attached.filter((f) => f !== featureId),
  );
  return { id, object: 'product_feature', deleted: true } satisfies Stripe.DeletedProductFeature;
});

export const endpoints: ApiEndpoint[] = [list, attach, detach];
