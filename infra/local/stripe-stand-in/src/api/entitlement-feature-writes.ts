// POST /v1/entitlements/features (create), GET and POST /v1/entitlements/features/:id (retrieve,
// update). A lookup key is unique among active features and never changes; archiving
// (`active=false`) frees it, and an archived feature cannot be edited.
// https://docs.stripe.com/api/entitlements/feature/create
import type Stripe from 'stripe';
import { z } from 'zod';
import { newId } from '../billing/object-ids.js';
import { expandParam, formBool, metadataParam } from '../http/request-params.js';
import { badState, invalidParam, noSuchResource } from '../http/stripe-error.js';
import { endpoint, pathParam, retrieveEndpoint, type ApiEndpoint } from './endpoint.js';
import { mergeMetadata } from './merge-metadata.js';

const name = z.string().min(1).max(80);

const create = endpoint(
  'post',
  '/v1/entitlements/features',
  z.strictObject({ name, lookup_key: z.string().min(1).max(80), metadata: metadataParam.optional(), expand: expandParam }),
  (ctx, p) => {
    const taken = [...ctx.state.features.values()].find((f) => f.lookup_key === p.lookup_key && f.active);
    if (taken)
      throw invalidParam(
        'lookup_key',
        `A feature with lookup_key '${p.lookup_key}' already exists (${taken.id}).`,
        'resource_already_exists',
      );
    const feature: Stripe.Entitlements.Feature = {
      id: newId('feat', 24),
      object: 'entitlements.feature',
      active: true,
      livemode: false,
      lookup_key: p.lookup_key,
      metadata: mergeMetadata({}, p.metadata),
      name: p.name,
    };
    ctx.state.features.set(feature.id, feature);
    return feature;
  },
);

const retrieve = retrieveEndpoint('/v1/entitlements/features', 'entitlements.feature', (ctx, id) => ctx.state.features.get(id));

const update = endpoint(
  'post',
  '/v1/entitlements/features/:id',
  z.strictObject({ name: name.optional(), active: formBool.optional(), metadata: metadataParam.optional(), expand: expandParam }),
  (ctx, p, path) => {
    const id = pathParam(path, 'id');
    const feature = ctx.state.features.get(id);
    if (!feature) throw noSuchResource('entitlements.feature', id);
    if (!feature.active) throw badState(`The feature '${id}' is archived and cannot be updated.`);
    if (p.name !== undefined) feature.name = p.name;
    if (p.active !== undefined) feature.active = p.active;
    feature.metadata = mergeMetadata(feature.metadata, p.metadata);
    return feature;
  },
);

export const endpoints: ApiEndpoint[] = [create, retrieve, update];
