// /v1/billing/meters: the seeded meters (`mtr_<event_name>`).
import { z } from 'zod';
import { newestFirst } from '../billing/stand-in-state.js';
import { listParams } from '../http/request-params.js';
import { endpoint, retrieveEndpoint, type ApiEndpoint } from './endpoint.js';
import { listPage } from './list-page.js';

const list = endpoint(
  'get',
  '/v1/billing/meters',
  z.strictObject({ ...listParams, status: z.enum(['active', 'inactive']).optional() }),
  (ctx, p) =>
    listPage(
      newestFirst(ctx.state.meters).filter((m) => p.status === undefined || m.status === p.status),
      p,
      '/v1/billing/meters',
    ),
);

const retrieve = retrieveEndpoint('/v1/billing/meters', 'billing.meter', (ctx, id) => ctx.state.meters.get(id));

export const endpoints: ApiEndpoint[] = [list, retrieve];
