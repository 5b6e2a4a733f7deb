import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { listenWithGracefulShutdown } from './graceful-shutdown.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('listenWithGracefulShutdown', () => {
  it('finishes in-flight requests, refuses new connections, then runs onClose once', async () => {
    const events: string[] = [];
    let slowResponse: ServerResponse | undefined;
    const handle = await listenWithGracefulShutdown(
      (req, res) => {
        if (req.url === '/slow')
          slowResponse = res; // answered by the test, after shutdown began
        else res.end('fast');
      },
      0,
      () => {
        events.push('onClose');
        return Promise.resolve();
      },
      { signals: [] },
    );
    const base = `http://127.0.0.1:${handle.port}`;

    expect(await (await fetch(`${base}/fast`)).text()).toBe('fast'); // leaves an idle keep-alive connection
    const slow = fetch(`${base}/slow`).then((r) => r.text());
    while (!slowResponse) await sleep(5);

    const shutdown = handle.shutdown().then(() => events.push('drained'));
    await sleep(50);
    expect(events).toEqual([]); // still waiting for the in-flight request
    await expect(fetch(`${base}/fast`)).rejects.toThrow(); // no new connections

    slowResponse.end('slow done');
    expect(await slow).toBe('slow done');
    await shutdown;
    expect(events).toEqual(['onClose', 'drained']);
    await handle.shutdown(); // idempotent
    expect(events).toEqual(['onClose', 'drained']);
  });

  it('cuts connections still open after the drain timeout so onClose runs before SIGKILL', async () => {
    let closedAt = 0;
    const handle = await listenWithGracefulShutdown(
      () => {
        /* never answers */
      },
      0,
      () => {
        closedAt = Date.now();
        return Promise.resolve();
      },
      { signals: [], drainTimeoutMs: 200 },
    );
    const hanging = fetch(`http://127.0.0.1:${handle.port}/hang`).catch(() => 'cut');
    await sleep(50);
    const started = Date.now();
    await handle.shutdown();
    expect(closedAt - started).toBeGreaterThanOrEqual(150);
    expect(await hanging).toBe('cut');
  });
});
