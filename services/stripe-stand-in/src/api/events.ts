// /v1/events: everything the stand-in emitted, newest first (for reconciliation jobs and tests).
import { z } from 'zod';
import { expandParam, formInt, listParams } from '../http/request-params.js';
import { noSuchResource } from '../http/stripe-error.js';
import { endpoint, pathParam, type ApiEndpoint } from './endpoint.js';
import { listPage } from './list-page.js';

const range = z.union([formInt, z.strictObject({ gt: formInt.optional(), gte: formInt.optional(), lt: formInt.optional(), lte: formInt.optional() })]);

const list = endpoint('get', '/v1/events', z.strictObject({ ...listParams, type: z.string().optional(), types: z.array(z.string()).max(20).optional(), created: range.optional() }), (ctx, p) => {
  const inRange = (t: number) => {
    const c = p.created;
    if (c === undefined) return true;
    if (typeof c === 'number') return t === c;
    return (c.gt === undefined || t > c.gt) && (c.gte === undefined || t >= c.gte) && (c.lt === undefined || t < c.lt) && (c.lte === undefined || t <= c.lte);
  };
  // `type` accepts a * wildcard in Stripe (e.g. customer.subscription.*).
  const typeMatches = (type: string) => p.type === undefined || (p.type.endsWith('*') ? type.startsWith(p.type.slice(0, -1)) : type === p.type);
  const events = [...ctx.state.events].reverse().filter((e) => typeMatches(e.type) && (p.types === undefined || p.types.includes(e.type)) && inRange(e.created));
  return listPage(events, p, '/v1/events');
});

const retrieve = endpoint('get', '/v1/events/:id', z.strictObject({ expand: expandParam }), (ctx, _p, path) => {
  const id = pathParam(path, 'id');
  const event = ctx.state.events.find((e) => e.id === id);
  if (!event) throw noSuchResource('event', id);
  return event;
});

export const endpoints: ApiEndpoint[] = [list, retrieve];
