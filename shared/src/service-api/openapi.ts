// The service API's OpenAPI 3.1 document, generated from the contract's zod schemas (contract.ts),
// never written by hand: served at /v1/openapi.json, and checked against the app's routes by the
// service API tests. OpenAPI 3.1 schemas are JSON Schema 2020-12, which zod emits.
import { z } from 'zod';
import { ErrorResponse, SERVICE_ROUTES, type ServiceRoute } from './contract.js';

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return rest;
};

/** `/v1/accounts/:id` → `/v1/accounts/{id}`. */
export const openApiPath = (expressPath: string): string => expressPath.replace(/:(\w+)/g, '{$1}');

function operation(route: ServiceRoute) {
  const params = route.params ? (jsonSchema(route.params, 'input') as { properties?: Record<string, unknown> }) : null;
  return {
    summary: route.summary,
    operationId: `${route.method}${openApiPath(route.path).replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    security: [{ googleIdToken: [] }, { serverKey: [] }],
    ...(params
      ? { parameters: Object.entries(params.properties ?? {}).map(([name, schema]) => ({ name, in: 'path', required: true, schema })) }
      : {}),
    ...(route.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } }
      : {}),
    responses: {
      200: { description: 'OK', content: { 'application/json': { schema: jsonSchema(route.response, 'output') } } },
      ...Object.fromEntries(route.errors.map((status) => [status, { $ref: '#/components/responses/Error' }])),
    },
  };
}

export function serviceOpenApi(serverUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of SERVICE_ROUTES) (paths[openApiPath(route.path)] ??= {})[route.method] = operation(route);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Billing service API',
      version: '1',
      description:
        'Gate on a plan and meter usage from the team’s own services. Authenticate with a Google-signed ID token whose audience is the app’s URL, of a service account listed in SERVICE_ACCOUNTS.',
    },
    servers: [{ url: serverUrl }],
    paths,
    components: {
      securitySchemes: {
        googleIdToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'A Google-signed OIDC ID token (Cloud Run service-to-service) of a service account in SERVICE_ACCOUNTS: every route.',
        },
        serverKey: {
          type: 'http',
          scheme: 'bearer',
          description:
            'A server key (`bsk_...`, `npm run ops -- service-key create`) for callers outside Google Cloud: the routes of its scopes (check, track, read).',
        },
      },
      responses: {
        Error: {
          description: 'An error: `{error: {code, message, ...}}`. 429 carries Retry-After.',
          content: { 'application/json': { schema: jsonSchema(ErrorResponse, 'output') } },
        },
      },
    },
  };
}
