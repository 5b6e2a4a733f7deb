import { PassThrough } from 'node:stream';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, TransientError, badRequest } from '../errors/app-error.js';
import { createLogger } from '../logging/logger.js';
import { errorHandler, notFoundHandler } from './error-handler.js';
import { listenWithGracefulShutdown, type GracefulServer } from './graceful-shutdown.js';
import { requestLogging } from './request-logging.js';

function captureLogs() {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  return { stream, lines };
}

describe('errorHandler', () => {
  const logs = captureLogs();
  const logger = createLogger({ service: 'http-test', destination: logs.stream });
  let server: GracefulServer;
  let base: string;

  beforeAll(async () => {
    const app = express();
    app.use(requestLogging({ logger, projectId: 'demo-http' }));
    app.get('/bad', () => {
      throw badRequest('Plan is required', { field: 'plan' });
    });
    app.get('/unavailable', () => {
      throw new AppError('upstream_unavailable', 'Try again later', {}, { cause: new Error('db down') });
    });
    app.get('/stripe-down', () => {
      throw new TransientError('Stripe unavailable for invoice list (500 api_error)', {
        cause: new Error('stripe says 500'),
        retryAfterSeconds: 7,
      });
    });
    app.get('/items/:id', (_req, res) => {
      res.json({ ok: true });
    });
    app.get('/boom', async () => {
      await Promise.resolve();
      throw new Error('secret internal detail');
    });
    app.post('/echo', express.json({ limit: 64 }), (req, res) => {
      res.json(req.body);
    });
    app.use(notFoundHandler());
    app.use(errorHandler({ logger }));
    server = await listenWithGracefulShutdown(app, 0, () => Promise.resolve(), { signals: [] });
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server.shutdown();
  });

  it('answers an AppError with its status and body', async () => {
    const res = await fetch(`${base}/bad`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: 'bad_request', message: 'Plan is required', field: 'plan' } });
  });

  it('answers a 5xx AppError with its own status', async () => {
    const res = await fetch(`${base}/unavailable`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: { code: 'upstream_unavailable', message: 'Try again later' } });
  });

  it('hides unknown errors behind a generic 500 and logs the stack for Error Reporting with the trace', async () => {
    const res = await fetch(`${base}/boom`, { headers: { 'x-cloud-trace-context': 'abc123/1;o=1' } });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('secret internal detail');
    expect(JSON.parse(text)).toEqual({ error: { code: 'internal', message: 'Internal error' } });
    const entry = logs.lines.find((l) => l['event'] === 'http.unhandled_error');
    expect(entry?.['severity']).toBe('ERROR');
    expect(entry?.['logging.googleapis.com/trace']).toBe('projects/demo-http/traces/abc123');
    expect(JSON.stringify(entry?.['err'])).toContain('secret internal detail'); // stack is in the log, not the answer
    // What Error Reporting reads: the stack as V8 wrote it, and the service it belongs to.
    expect(entry?.['stack_trace']).toMatch(/^Error: secret internal detail\n\s+at /);
    expect(entry?.['serviceContext']).toEqual({ service: 'http-test' });
  });

  it('maps body-parser errors: 413 above the limit, 400 for malformed JSON', async () => {
    const big = await fetch(`${base}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ x: 'y'.repeat(100) }),
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toEqual({ error: { code: 'payload_too_large', message: 'Request body too large' } });
    const malformed = await fetch(`${base}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({ error: { code: 'bad_request', message: 'Malformed request body' } });
  });

  it('answers a TransientError with 503 upstream_unavailable and its Retry-After, logged at WARNING', async () => {
    const res = await fetch(`${base}/stripe-down`);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('7');
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({
      error: { code: 'upstream_unavailable', message: 'Temporarily unavailable, retry later', retryAfterSeconds: 7 },
    });
    expect(text).not.toContain('Stripe'); // what failed upstream stays in the log
    const entries = logs.lines.filter((l) => JSON.stringify(l['err'] ?? null).includes('invoice list'));
    expect(entries.map((l) => [l['event'], l['code'], l['severity']])).toEqual([['http.app_error', 'upstream_unavailable', 'WARNING']]);
  });

  it('answers a path parameter that cannot be percent-decoded with 400, not 500', async () => {
    for (const id of ['%ZZ', '%ED%A0%80']) {
      const res = await fetch(`${base}/items/${id}`);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: { code: 'bad_request', message: 'Malformed URL' } });
    }
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await fetch(`${base}/nowhere?token=abc`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'Route not found' } });
    await new Promise((r) => setTimeout(r, 20));
    const access = logs.lines.filter((l) => l['event'] === 'http.request').map((l) => l['httpRequest'] as Record<string, unknown>);
    const nowhere = access.find((h) => h['requestUrl'] === '/nowhere');
    expect(nowhere?.['status']).toBe(404); // logged without its query string
    expect(JSON.stringify(logs.lines)).not.toContain('token=abc');
  });
});
