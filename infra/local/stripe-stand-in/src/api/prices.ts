// /v1/prices: the seeded catalog, listable by lookup_keys (how the product resolves price ids).
import { z } from 'zod';
import { newestFirst } from '../billing/stand-in-state.js';
import { formBool, listParams } from '../http/request-params.js';
import { endpoint, retrieveEndpoint, type ApiEndpoint } from './endpoint.js';
import { listPage } from './list-page.js';

const list = endpoint(
  'get',
  '/v1/prices',
  z.strictObject({
    ...listParams,
    lookup_keys: z.array(z.string()).max(10).optional(),
    active: formBool.optional(),
    product: z.string().optional(),
    type: z.enum(['recurring', 'one_time']).optional(),
  }),
  (ctx, p) =>
    listPage(
      newestFirst(ctx.state.prices).filter(
        (price) =>
          (p.lookup_keys === undefined || (price.lookup_key !== null && p.lookup_keys.includes(price.lookup_key))) &&
          (p.active === undefined || price.active === p.active) &&
          (p.product === undefined || price.product === p.product) &&
          (p.type === undefined || price.type === p.type),
      ),
      p,
      '/v1/prices',
    ),
);

const retrieve = retrieveEndpoint('/v1/prices', 'price', (ctx, id) => ctx.state.prices.get(id));

export const endpoints: ApiEndpoint[] = [list, retrieve];
