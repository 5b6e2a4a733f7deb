// requestLogging: one access line per request unless turned off, and every line written while a
// request is handled (by the handler, or deep in a use case with the logger it was handed) carries
// the request's trace from its header.
import { PassThrough } from 'node:stream';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, type Logger } from '../logging/logger.js';
import { listenWithGracefulShutdown, type GracefulServer } from './graceful-shutdown.js';
import { requestLogger, requestLogging } from './request-logging.js';

const servers: GracefulServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.shutdown();
});

async function serve(accessLines: boolean | undefined): Promise<{ base: string; lines: Record<string, unknown>[] }> {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  const logger = createLogger({ service: 'request-logging-test', destination: stream });
  const app = express();
  app.use(requestLogging({ logger, projectId: 'demo-logs', ...(accessLines === undefined ? {} : { accessLines }) }));
  app.get('/quiet', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/hang', () => {
    // never answers: the client gives up first
  });
  app.get('/noted', (req, res) => {
    requestLogger(req, logger).info({ event: 'test.noted' }, 'noted');
    res.json({ ok: true });
  });
  // A handler calling a use case that logs with the plain logger it was given, after awaits.
  app.post('/domain', express.json(), async (req, res) => {
    requestLogger(req, logger).info({ event: 'test.handler' }, 'handler');
    await domainStep(logger);
    res.json({ ok: true });
  });
  const server = await listenWithGracefulShutdown(app, 0, () => Promise.resolve(), { signals: [] });
  servers.push(server);
  return { base: `http://127.0.0.1:${server.port}`, lines };
}

async function domainStep(log: Logger): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 5));
  await Promise.resolve();
  log.info({ event: 'test.domain' }, 'domain step');
}

const trace = { 'x-cloud-trace-context': 'abc123/1;o=1' };
const settle = () => new Promise((resolve) => setTimeout(resolve, 50)); // the log stream delivers lines asynchronously

describe('requestLogging', () => {
  it('writes one access line per request with the trace, and the handler logger carries the trace', async () => {
    const { base, lines } = await serve(undefined);
    await fetch(`${base}/quiet`, { headers: trace });
    await fetch(`${base}/noted`, { headers: trace });
    await settle();
    const access = lines.filter((l) => l['event'] === 'http.request');
    expect(access.map((l) => (l['httpRequest'] as { requestUrl: string }).requestUrl)).toEqual(['/quiet', '/noted']);
    expect(access.every((l) => l['logging.googleapis.com/trace'] === 'projects/demo-logs/traces/abc123')).toBe(true);
    expect(lines.find((l) => l['event'] === 'test.noted')).toMatchObject({
      'logging.googleapis.com/trace': 'projects/demo-logs/traces/abc123',
    });
  });

  it('puts the trace of the incoming traceparent on the handler line, a domain line and the access line, and none on a request without one', async () => {
    const { base, lines } = await serve(undefined);
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const post = (headers: Record<string, string>) =>
      fetch(`${base}/domain`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"a":1}' });
    await Promise.all([post({ traceparent: `00-${traceId}-00f067aa0ba902b7-01` }), post({})]);
    await settle();
    const traced = lines.filter((l) => l['logging.googleapis.com/trace'] === `projects/demo-logs/traces/${traceId}`);
    expect(traced.map((l) => l['event']).sort()).toEqual(['http.request', 'test.domain', 'test.handler']);
    for (const line of traced)
      expect(line).toMatchObject({ 'logging.googleapis.com/spanId': '00f067aa0ba902b7', 'logging.googleapis.com/trace_sampled': true });
    expect(
      lines
        .filter((l) => !('logging.googleapis.com/trace' in l))
        .map((l) => l['event'])
        .sort(),
    ).toEqual(['http.request', 'test.domain', 'test.handler']);
  });

  it('with accessLines false writes only what handlers log', async () => {
    const { base, lines } = await serve(false);
    await fetch(`${base}/quiet`, { headers: trace });
    await fetch(`${base}/noted`, { headers: trace });
    await settle();
    expect(lines.map((l) => l['event'])).toEqual(['test.noted']);
    expect(lines[0]).toMatchObject({ 'logging.googleapis.com/trace': 'projects/demo-logs/traces/abc123' });
  });

  it('writes one 200 line for a completed request and a 499 line for a client that went away first', async () => {
    const { base, lines } = await serve(undefined);
    await fetch(`${base}/quiet`);
    await expect(fetch(`${base}/hang`, { signal: AbortSignal.timeout(100) })).rejects.toThrow();
    await settle();
    const access = lines
      .filter((l) => l['event'] === 'http.request')
      .map((l) => l['httpRequest'] as { requestUrl: string; status: number });
    expect(access).toEqual([
      expect.objectContaining({ requestUrl: '/quiet', status: 200 }),
      expect.objectContaining({ requestUrl: '/hang', status: 499 }),
    ]);
  });
});
