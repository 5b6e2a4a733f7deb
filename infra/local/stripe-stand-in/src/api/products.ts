// /v1/products: the seeded catalog (`prod_<planId>`).
import { z } from 'zod';
import { newestFirst } from '../billing/stand-in-state.js';
import { formBool, listParams } from '../http/request-params.js';
import { endpoint, retrieveEndpoint, type ApiEndpoint } from './endpoint.js';
import { listPage } from './list-page.js';

const list = endpoint('get', '/v1/products', z.strictObject({ ...listParams, active: formBool.optional() }), (ctx, p) =>
  listPage(
    newestFirst(ctx.state.products).filter((x) => p.active === undefined || x.active === p.active),
    p,
    '/v1/products',
  ),
);

const retrieve = retrieveEndpoint('/v1/products', 'product', (ctx, id) => ctx.state.products.get(id));

export const endpoints: ApiEndpoint[] = [list, retrieve];
