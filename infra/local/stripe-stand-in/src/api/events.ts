// /v1/events: everything the stand-in emitted, newest first (for reconciliation jobs and tests).
import { z } from 'zod';
import { listParams } from '../http/request-params.js';
import { CreatedRange, inCreatedRange } from './created-range.js';
import { endpoint, retrieveEndpoint, type ApiEndpoint } from './endpoint.js';
import { listPage } from './list-page.js';

const list = endpoint(
  'get',
  '/v1/events',
  z.strictObject({
    ...listParams,
    type: z.string().optional(),
    types: z.array(z.string()).max(20).optional(),
    created: CreatedRange.optional(),
  }),
  (ctx, p) => {
    // `type` accepts a * wildcard in Stripe (e.g. customer.subscription.*).
    const typeMatches = (type: string) =>
      p.type === undefined || (p.type.endsWith('*') ? type.startsWith(p.type.slice(0, -1)) : type === p.type);
    const events = [...ctx.state.events]
      .reverse()
      .filter((e) => typeMatches(e.type) && (p.types === undefined || p.types.includes(e.type)) && inCreatedRange(p.created, e.created));
    return listPage(events, p, '/v1/events');
  },
);

const retrieve = retrieveEndpoint('/v1/events', 'event', (ctx, id) => ctx.state.events.find((e) => e.id === id));

export const endpoints: ApiEndpoint[] = [list, retrieve];
