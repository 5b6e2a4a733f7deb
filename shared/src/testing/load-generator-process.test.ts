import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startLoadGenerator, type LoadGenerator } from './load-generator-process.js';

describe('startLoadGenerator', () => {
  let generator: LoadGenerator | undefined;
  afterEach(async () => generator?.stop());

  it('drives a server from its own process, counting 200s and other answers apart', async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push(body);
        res.statusCode = body === 'bad' ? 400 : 200;
        res.end();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
    try {
      generator = await startLoadGenerator();
      await generator.define('mixed', url, [
        { method: 'POST', headers: { 'content-length': 2 }, body: 'ok' },
        { method: 'POST', headers: { 'content-length': 3 }, body: 'bad' },
      ]);
      const sample = await generator.run('mixed', 2, 200);
      expect(sample.latencies.length).toBeGreaterThan(0);
      expect(sample.errors).toBeGreaterThan(0);
      // Round-robin over the requests: the two kinds alternate, so neither count runs away.
      expect(Math.abs(sample.latencies.length - sample.errors)).toBeLessThanOrEqual(2);
      expect(seen).toContain('ok');
    } finally {
      server.close();
    }
  });

  it('rejects a run of an undefined target with the reason, and keeps serving', async () => {
    generator = await startLoadGenerator();
    await expect(generator.run('never-defined', 1, 100)).rejects.toThrow('load generator: no target named never-defined');
    await expect(generator.define('after', 'http://127.0.0.1:9/', [])).resolves.toBeUndefined();
  });
});
