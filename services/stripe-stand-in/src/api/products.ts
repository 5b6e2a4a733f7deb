// /v1/products: the seeded catalog (`prod_<planId>`).
import { z } from 'zod';
import { newestFirst } from '../billing/stand-in-state.js';
import { expandParam, formBool, listParams } from '../http/request-params.js';
import { noSuchResource } from '../http/stripe-error.js';
import { endpoint, pathParam, type ApiEndpoint } from './endpoint.js';
import { listPage } from './list-page.js';

const list = endpoint('get', '/v1/products', z.strictObject({ ...listParams, active: formBool.optional() }), (ctx, p) =>
  listPage(
    newestFirst(ctx.state.products).filter((x) => p.active === undefined || x.active === p.active),
    p,
    '/v1/products',
  ),
);

const retrieve = endpoint('get', '/v1/products/:id', z.strictObject({ expand: expandParam }), (ctx, _p, path) => {
  const id = pathParam(path, 'id');
  const product = ctx.state.products.get(id);
  if (!product) throw noSuchResource('product', id);
  return product;
});

export const endpoints: ApiEndpoint[] = [list, retrieve];
