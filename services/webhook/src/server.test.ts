// The real composition root as a child process: config from the environment, the Pub/Sub
// emulator publisher, and a SIGTERM drain that flushes the publisher and exits 0.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { testProjectId, testPubSub } from '@billing/shared/testing/emulator.js';
import { pullAtLeast } from '@billing/shared/testing/pull-messages.js';
import { fixtureEvent, randomStripeId, signEvent } from '@billing/shared/testing/signed-event.js';

const SERVER = fileURLToPath(new URL('./server.ts', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

describe('webhook server.ts', () => {
  it('refuses to start with bad configuration: one CRITICAL config.invalid line naming every bad key, exit 1', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', SERVER], {
      env: { PATH: process.env['PATH'], STRIPE_WEBHOOK_SECRETS: 'nope' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    const line = JSON.parse(stderr.trim().split('\n').at(-1) ?? '{}') as {
      severity?: string;
      event?: string;
      service?: string;
      problems?: string[];
    };
    expect(line).toMatchObject({ severity: 'CRITICAL', event: 'config.invalid', service: 'webhook' });
    expect(line.problems?.map((p) => p.split(/[.:]/)[0]).sort()).toEqual([
      'GOOGLE_CLOUD_PROJECT',
      'STRIPE_LIVEMODE',
      'STRIPE_WEBHOOK_SECRETS',
    ]);
  }, 60_000);

  it('serves, then drains on SIGTERM: publishes what it accepted and exits 0', async () => {
    const projectId = testProjectId('webhook-server');
    const pubsub = testPubSub(projectId);
    const [topic] = await pubsub.createTopic('stripe-events');
    const [subscription] = await topic.createSubscription('inspect');
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', SERVER], {
      env: {
        PATH: process.env['PATH'],
        PUBSUB_EMULATOR_HOST: process.env['PUBSUB_EMULATOR_HOST'],
        METADATA_SERVER_DETECTION: 'none',
        PORT: String(port),
        GOOGLE_CLOUD_PROJECT: projectId,
        STRIPE_WEBHOOK_SECRETS: 'whsec_server_test',
        STRIPE_LIVEMODE: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: Record<string, unknown>[] = [];
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      const parts = stdout.split('\n');
      stdout = parts.pop() ?? '';
      for (const p of parts) if (p) lines.push(JSON.parse(p) as Record<string, unknown>);
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const deadline = Date.now() + 45_000; // tsx compiles on start; slow on a loaded machine
      while (!lines.some((l) => l['event'] === 'webhook.started') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(lines.some((l) => l['event'] === 'webhook.started')).toBe(true);

      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(health.status).toBe(200);

      const event = fixtureEvent('invoice.paid');
      event.id = randomStripeId('evt');
      const { body, signature } = signEvent(event, 'whsec_server_test');
      const res = await fetch(`http://127.0.0.1:${port}/stripe/webhook`, {
        method: 'POST',
        body,
        headers: { 'stripe-signature': signature, 'content-type': 'application/json' },
      });
      expect(res.status).toBe(200);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      const events = lines.map((l) => l['event']);
      expect(events).toEqual(expect.arrayContaining(['server.signal', 'server.draining', 'server.closed']));
      expect(events.indexOf('server.closed')).toBeGreaterThan(events.indexOf('webhook.event_published'));

      const [message] = await pullAtLeast(pubsub, subscription, 1);
      expect(message?.attributes['eventId']).toBe(event.id);
      expect(message?.data.toString('utf8')).toBe(body);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await pubsub.close();
    }
  }, 60_000);
});
