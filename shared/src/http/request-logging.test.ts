// requestLogging: one access line per request unless turned off, and a handler's request logger
// (made on first use) carries the Cloud Logging trace field.
import { PassThrough } from 'node:stream';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logging/logger.js';
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
  const server = await listenWithGracefulShutdown(app, 0, () => Promise.resolve(), { signals: [] });
  servers.push(server);
  return { base: `http://127.0.0.1:${server.port}`, lines };
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
    expect(lines.find((l) => l['event'] === 'test.noted')).toMatchObject({ 'logging.googleapis.com/trace': 'projects/demo-logs/traces/abc123' });
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
    const access = lines.filter((l) => l['event'] === 'http.request').map((l) => (l['httpRequest'] as { requestUrl: string; status: number }));
    expect(access).toEqual([expect.objectContaining({ requestUrl: '/quiet', status: 200 }), expect.objectContaining({ requestUrl: '/hang', status: 499 })]);
  });
});
