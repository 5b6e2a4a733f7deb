// One API endpoint = one entry in a resource module's `endpoints` table: method, Express path,
// a strict zod schema for its parameters, and a synchronous handler over the billing context.
// `api-routes.ts` registers every table; adding an endpoint touches one module.
import { z } from 'zod';
import type { BillingContext } from '../billing/billing-context.js';
import { expandParam, parseParams } from '../http/request-params.js';
import { noSuchResource } from '../http/stripe-error.js';

export type HttpMethod = 'get' | 'post' | 'delete';

export interface ApiEndpoint {
  method: HttpMethod;
  path: string;
  /** Parses the raw parameters (query for GET/DELETE, form body for POST) and runs the handler. */
  run(ctx: BillingContext, raw: unknown, pathParams: Record<string, string>): unknown;
}

export function endpoint<S extends z.ZodType>(
  method: HttpMethod,
  path: string,
  schema: S,
  handle: (ctx: BillingContext, params: z.infer<S>, pathParams: Record<string, string>) => unknown,
): ApiEndpoint {
  return { method, path, run: (ctx, raw, pathParams) => handle(ctx, parseParams(schema, raw), pathParams) };
}

/** Path parameters are always present when Express matched the route. */
export function pathParam(pathParams: Record<string, string>, name: string): string {
  const value = pathParams[name];
  if (value === undefined) throw new Error(`route has no :${name}`);
  return value;
}

/** `GET <path>/:id` answering the object `find` returns, or Stripe's 404 `resource_missing`. */
export function retrieveEndpoint(path: string, resource: string, find: (ctx: BillingContext, id: string) => unknown): ApiEndpoint {
  return endpoint('get', `${path}/:id`, z.strictObject({ expand: expandParam }), (ctx, _p, pathParams) => {
    const id = pathParam(pathParams, 'id');
    const found = find(ctx, id);
    if (found === undefined) throw noSuchResource(resource, id);
    return found;
  });
}
