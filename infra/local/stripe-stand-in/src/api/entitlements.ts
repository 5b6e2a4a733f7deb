// /v1/entitlements: the features (from the catalog) and a customer's active entitlements.
import { z } from 'zod';
import { activeEntitlementsOf } from '../billing/entitlements.js';
import { newestFirst } from '../billing/stand-in-state.js';
import { listParams } from '../http/request-params.js';
import { customerOrThrow } from './customers.js';
import { endpoint, type ApiEndpoint } from './endpoint.js';
import { listPage } from './list-page.js';

const active = endpoint(
  'get',
  '/v1/entitlements/active_entitlements',
  z.strictObject({ ...listParams, customer: z.string() }),
  (ctx, p) => {
    customerOrThrow(ctx, p.customer, 'customer');
    // Catalog order rather than newest first: entitlements have no creation order worth keeping.
    return listPage(activeEntitlementsOf(ctx.state, p.customer), p, '/v1/entitlements/active_entitlements');
  },
);

const features = endpoint(
  'get',
  '/v1/entitlements/features',
  z.strictObject({ ...listParams, lookup_key: z.string().optional() }),
  (ctx, p) =>
    listPage(
      newestFirst(ctx.state.features).filter((f) => p.lookup_key === undefined || f.lookup_key === p.lookup_key),
      p,
      '/v1/entitlements/features',
    ),
);

export const endpoints: ApiEndpoint[] = [active, features];
