// With tracing on, a call to Stripe made while a request is handled is a client span under the
// request's span (from Node's http diagnostics channels: the Stripe SDK is not patched), and calls
// made outside any span record nothing.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStripeClient } from '../stripe/stripe-client.js';
import { runInScope } from './trace-scope.js';
import type { Tracing } from './tracing-handle.js';
import { startTracingSdk } from './tracing-sdk.js';

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let server: Server;
let apiBase: string;

beforeAll(async () => {
  tracing = await startTracingSdk({ service: 'tracing-sdk-test', exporter });
  // Answers like Stripe's GET /v1/customers/:id, a 500 for cus_broken.
  server = createServer((req, res) => {
    const broken = req.url?.includes('cus_broken') ?? false;
    res.writeHead(broken ? 500 : 200, { 'content-type': 'application/json', 'request-id': 'req_1' });
    res.end(
      broken ? JSON.stringify({ error: { type: 'api_error', message: 'boom' } }) : JSON.stringify({ id: 'cus_1', object: 'customer' }),
    );
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  apiBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await tracing?.shutdown();
  server?.close();
});

describe('tracing on', () => {
  it('records a Stripe call inside a request as a client span under the request span', async () => {
    const stripe = createStripeClient({ secretKey: 'sk_test_tracing', apiBase, maxNetworkRetries: 0 });
    const parent = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', sampled: true };
    await runInScope('demo-tracing', 'GET /billing', { kind: 'server', parent }, async (span) => {
      await stripe.customers.retrieve('cus_1');
      await expect(stripe.customers.retrieve('cus_broken')).rejects.toThrow();
      span.end();
    });
    await stripe.customers.retrieve('cus_1'); // outside any span: not recorded

    const spans = exporter.getFinishedSpans();
    const request = spans.find((s) => s.name === 'GET /billing');
    expect(request?.spanContext().traceId).toBe(parent.traceId);
    expect(request?.parentSpanContext?.spanId).toBe(parent.spanId);
    const calls = spans.filter((s) => s.kind === SpanKind.CLIENT);
    expect(calls.map((s) => [s.name, s.attributes['url.path'], s.attributes['http.response.status_code'], s.status.code])).toEqual([
      ['GET 127.0.0.1', '/v1/customers/cus_1', 200, 0],
      ['GET 127.0.0.1', '/v1/customers/cus_broken', 500, 2],
    ]);
    for (const call of calls) expect(call.parentSpanContext?.spanId).toBe(request?.spanContext().spanId);
  });
});
