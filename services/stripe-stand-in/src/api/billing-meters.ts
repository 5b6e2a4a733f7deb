// /v1/billing/meters: the seeded meters (`mtr_<event_name>`).
import { z } from 'zod';
import { newestFirst } from '../billing/stand-in-state.js';
import { expandParam, listParams } from '../http/request-params.js';
import { noSuchResource } from '../http/stripe-error.js';
import { endpoint, pathParam, type ApiEndpoint } from './endpoint.js';
import { listPage } from './list-page.js';

const list = endpoint('get', '/v1/billing/meters', z.strictObject({ ...listParams, status: z.enum(['active', 'inactive']).optional() }), (ctx, p) =>
  listPage(
    newestFirst(ctx.state.meters).filter((m) => p.status === undefined || m.status === p.status),
    p,
    '/v1/billing/meters',
  ),
);

const retrieve = endpoint('get', '/v1/billing/meters/:id', z.strictObject({ expand: expandParam }), (ctx, _p, path) => {
  const id = pathParam(path, 'id');
  const meter = ctx.state.meters.get(id);
  if (!meter) throw noSuchResource('billing.meter', id);
  return meter;
});

export const endpoints: ApiEndpoint[] = [list, retrieve];
