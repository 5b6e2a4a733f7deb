// How fast the Pub/Sub emulator pushes, whatever the endpoint does: a push subscription to a local
// endpoint that answers 204 at once, N messages published at once, timed from the first push to the
// last. The emulator keeps at most a couple of pushes in flight per subscription, so on the local
// stack the applier's throughput is that many messages per apply time; Pub/Sub in production grows
// the pushes in flight with the endpoint's success rate, and Cloud Run adds instances. The latency
// bench reports this beside its figures: it is the local stack's ceiling, not the product's.
// The caller provides PUBSUB_EMULATOR_HOST.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import { createPubSubClient } from '@billing/shared/pubsub/pubsub-client.js';

export interface PushCeiling {
  messages: number;
  /** Pushes answered per second, first to last. */
  perSecond: number;
  /** The most pushes the emulator had in flight at once. */
  maxInFlight: number;
}

export async function measureEmulatorPushCeiling(messages = 1000, timeoutMs = 30_000): Promise<PushCeiling> {
  let answered = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let first = 0;
  let last = 0;
  const server = createServer((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    req.resume();
    req.on('end', () => {
      inFlight--;
      answered++;
      last = performance.now();
      if (first === 0) first = last;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const pubsub = createPubSubClient({ projectId: `demo-push-${randomUUID().slice(0, 8)}` });
  try {
    const [topic] = await pubsub.createTopic('push-ceiling');
    const { port } = server.address() as AddressInfo;
    await topic.createSubscription('push-ceiling', { pushConfig: { pushEndpoint: `http://127.0.0.1:${port}/` }, ackDeadlineSeconds: 60 });
    await Promise.all(Array.from({ length: messages }, (_, i) => topic.publishMessage({ data: Buffer.from(String(i)) })));
    const deadline = performance.now() + timeoutMs;
    while (answered < messages && performance.now() < deadline) await sleep(20);
    if (answered < messages) throw new Error(`the emulator pushed ${answered} of ${messages} messages in ${timeoutMs} ms`);
    return { messages, perSecond: Math.round(messages / Math.max(0.001, (last - first) / 1000)), maxInFlight };
  } finally {
    await pubsub.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
