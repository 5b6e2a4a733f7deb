// /v1/invoices: list (by customer, subscription, status; newest first, paginated) and retrieve.
import { z } from 'zod';
import { newestFirst } from '../billing/stand-in-state.js';
import { listParams } from '../http/request-params.js';
import { endpoint, retrieveEndpoint, type ApiEndpoint } from './endpoint.js';
import { listPage } from './list-page.js';

const list = endpoint(
  'get',
  '/v1/invoices',
  z.strictObject({ ...listParams, customer: z.string().optional(), subscription: z.string().optional(), status: z.enum(['draft', 'open', 'paid', 'uncollectible', 'void']).optional() }),
  (ctx, p) =>
    listPage(
      newestFirst(ctx.state.invoices).filter(
        (inv) =>
          (p.customer === undefined || inv.customer === p.customer) &&
          (p.subscription === undefined || inv.parent?.subscription_details?.subscription === p.subscription) &&
          (p.status === undefined || inv.status === p.status),
      ),
      p,
      '/v1/invoices',
    ),
);

const retrieve = retrieveEndpoint('/v1/invoices', 'invoice', (ctx, id) => ctx.state.invoices.get(id));

export const endpoints: ApiEndpoint[] = [list, retrieve];
