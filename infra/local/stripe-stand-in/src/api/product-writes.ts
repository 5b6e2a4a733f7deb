// POST /v1/products (create) and POST /v1/products/:id (update): what a setup script needs to
// keep a catalog in Stripe. Products are never deleted here (Stripe refuses to delete a product
// that has prices; archiving is `active=false`). https://docs.stripe.com/api/products/create
import type Stripe from 'stripe';
import { z } from 'zod';
import { previousAttributes, structuredCloneJson } from '../billing/event-log.js';
import type { BillingContext } from '../billing/billing-context.js';
import { newId } from '../billing/object-ids.js';
import { emptyable, expandParam, formBool, metadataParam } from '../http/request-params.js';
import { invalidParam, noSuchResource } from '../http/stripe-error.js';
import { endpoint, pathParam, type ApiEndpoint } from './endpoint.js';
import { mergeMetadata } from './merge-metadata.js';
import { productObject } from '../billing/product-object.js';

const name = z.string().min(1).max(250);
const description = emptyable(z.string().max(40_000));

export function productOrThrow(ctx: BillingContext, id: string, param = 'id'): Stripe.Product {
  const product = ctx.state.products.get(id);
  if (!product) throw noSuchResource('product', id, param);
  return product;
}

const create = endpoint(
  'post',
  '/v1/products',
  z.strictObject({
    name,
    description: description.optional(),
    active: formBool.optional(),
    metadata: metadataParam.optional(),
    // Stripe lets the caller choose the id; an id already taken is refused.
    id: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,100}$/, 'must be letters, digits, _ or -')
      .optional(),
    expand: expandParam,
  }),
  (ctx, p) => {
    const id = p.id ?? newId('prod', 14);
    if (ctx.state.products.has(id)) throw invalidParam('id', `Product already exists.`, 'resource_already_exists');
    const now = ctx.clock.now();
    const product = productObject(
      {
        id,
        active: p.active ?? true,
        default_price: null,
        description: p.description === undefined || p.description === '' ? null : p.description,
        marketing_features: [],
        metadata: mergeMetadata({}, p.metadata),
        name: p.name,
      },
      now,
    );
    ctx.state.products.set(id, product);
    ctx.events.emit('product.created', product);
    return product;
  },
);

const update = endpoint(
  'post',
  '/v1/products/:id',
  z.strictObject({
    name: name.optional(),
    description: description.optional(),
    active: formBool.optional(),
    metadata: metadataParam.optional(),
    default_price: z.string().optional(),
    expand: expandParam,
  }),
  (ctx, p, path) => {
    const product = productOrThrow(ctx, pathParam(path, 'id'));
    if (p.default_price !== undefined) {
      const price = ctx.state.prices.get(p.default_price);
      if (!price) throw noSuchResource('price', p.default_price, 'default_price');
      if (price.product !== product.id) throw invalidParam('default_price', `The price '${price.id}' does not belong to this product.`);
    }
    const before = structuredCloneJson(product);
    if (p.name !== undefined) product.name = p.name;
    if (p.description !== undefined) product.description = p.description === '' ? null : p.description;
    if (p.active !== undefined) product.active = p.active;
    if (p.default_price !== undefined) product.default_price = p.default_price;
    product.metadata = mergeMetadata(product.metadata, p.metadata);
    const prev = previousAttributes(before, structuredCloneJson(product));
    if (prev) {
      product.updated = ctx.clock.now();
      ctx.events.emit('product.updated', product, prev);
    }
    return product;
  },
);

export const endpoints: ApiEndpoint[] = [create, update];
