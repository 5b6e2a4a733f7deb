// The webhook service and the event applier wired as their composition roots wire them, on a fresh
// demo-* project of the emulators, with their log lines captured: what the trace tests need to
// follow one Stripe delivery from the webhook request, through a real Pub/Sub push subscription,
// to the applier's lines. Start tracing (if at all) before calling startTracedPipeline, as the
// servers do: the Pub/Sub client picks it up when built.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import * as functions from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import type { Firestore } from '@google-cloud/firestore';
import type Stripe from 'stripe';
import { createCustomerLanes } from '@billing/shared/billing/customer-lanes.js';
import { createFakeStripeReader } from '@billing/shared/billing/testing/fake-stripe-reader.js';
import { createStore } from '@billing/shared/firestore/store.js';
import { createLogger, type Logger } from '@billing/shared/logging/logger.js';
import { systemClock } from '@billing/shared/ports/clock.js';
import { createPubSubDeadLetterPublisher } from '@billing/shared/pubsub/dead-letter-publisher.js';
import type { PubSub } from '@billing/shared/pubsub/pubsub-client.js';
import { createPubSubPublisher } from '@billing/shared/pubsub/pubsub-publisher.js';
import { createWebhookVerifier } from '@billing/shared/stripe/stripe-client.js';
import { testFirestore, testProjectId, testPubSub } from '@billing/shared/testing/emulator.js';
import { fixtureEvent, randomStripeId, signEvent } from '@billing/shared/testing/signed-event.js';
import type { Tracing } from '@billing/shared/tracing/start-tracing.js';
import { createStripeEventHandler } from '../../../functions/src/create-handler.js';
import { createWebhookApp, WEBHOOK_PATH } from '../../../services/webhook/src/app.js';
import { DEFAULT_BODY_LIMIT_BYTES } from '../../../services/webhook/src/config.js';
import { WEBHOOK_PUBLISH_BATCHING } from '../../../services/webhook/src/publish-batching.js';
import { freePort } from '../src/emulators.js';
import { createTopology, TOPOLOGY, type Topology } from '../src/pubsub-topology.js';

const SECRET = 'whsec_traced_pipeline';

export type LogLine = Record<string, unknown>;

export interface TracedPipeline {
  projectId: string;
  /** Every line each deployable wrote so far, parsed. */
  lines: { webhook: LogLine[]; applier: LogLine[] };
  /** Signs a fresh `customer.subscription.created` and POSTs it to the webhook with `headers`; resolves with its event id once answered. */
  deliver(headers: Record<string, string>): Promise<{ eventId: string; status: number }>;
  /** Resolves with the first applier line that matches, or throws after timeoutMs. */
  applierLine(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  close(): Promise<void>;
}

function capture(service: string): { logger: Logger; lines: LogLine[] } {
  const stream = new PassThrough();
  const lines: LogLine[] = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as LogLine);
  });
  return { logger: createLogger({ service, level: 'debug', destination: stream }), lines };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

export async function startTracedPipeline(label: string, tracing?: Tracing): Promise<TracedPipeline> {
  const projectId = testProjectId(label);
  const db: Firestore = testFirestore(projectId);
  const pubsub: PubSub = testPubSub(projectId);
  const webhookLogs = capture('webhook');
  const applierLogs = capture('event-applier');

  // The applier, as functions/src/index.ts builds it (a fake Stripe reader: these events need no refetch).
  const functionName = `applyStripeEvent_${projectId.replace(/-/g, '_')}`;
  functions.cloudEvent<unknown>(
    functionName,
    createStripeEventHandler({
      store: createStore(db),
      reader: createFakeStripeReader(),
      clock: systemClock,
      logger: applierLogs.logger,
      maxEventAgeSeconds: 30 * 86_400,
      deadLetter: createPubSubDeadLetterPublisher(pubsub, TOPOLOGY.deadLetterTopic),
      livemode: false,
      lanes: createCustomerLanes(),
      projectId,
      ...(tracing ? { tracing } : {}),
    }),
  );
  const functionServer = getTestServer(functionName);
  const functionPort = await freePort();
  functionServer.listen(functionPort, '127.0.0.1');
  await once(functionServer, 'listening');
  const topology: Topology = await createTopology(pubsub, {
    pushEndpoint: `http://127.0.0.1:${functionPort}/projects/${projectId}/topics/${TOPOLOGY.topic}`,
    minimumBackoffSeconds: 1,
    maximumBackoffSeconds: 2,
  });

  // The webhook service, as services/webhook/src/server.ts builds it.
  const publisher = createPubSubPublisher({ pubsub, topic: TOPOLOGY.topic, batching: WEBHOOK_PUBLISH_BATCHING, publishTimeoutMs: 5000 });
  const webhookServer = createWebhookApp({
    publisher,
    verifier: createWebhookVerifier(),
    secrets: [SECRET],
    livemode: false,
    orderByCustomer: false,
    bodyLimitBytes: DEFAULT_BODY_LIMIT_BYTES,
    logger: webhookLogs.logger,
    projectId,
  }).listen(0, '127.0.0.1');
  await once(webhookServer, 'listening');
  const webhookUrl = `http://127.0.0.1:${(webhookServer.address() as AddressInfo).port}${WEBHOOK_PATH}`;

  return {
    projectId,
    lines: { webhook: webhookLogs.lines, applier: applierLogs.lines },
    async deliver(headers) {
      const event = fixtureEvent('customer.subscription.created');
      event.id = randomStripeId('evt');
      event.created = Math.floor(Date.now() / 1000) - 5;
      (event.data.object as Stripe.Subscription).id = randomStripeId('sub');
      const { body, signature } = signEvent(event, SECRET);
      const res = await fetch(webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': signature, ...headers },
        body,
      });
      return { eventId: event.id, status: res.status };
    },
    async applierLine(match, timeoutMs = 25_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const line = applierLogs.lines.find(match);
        if (line) return line;
        if (Date.now() >= deadline)
          throw new Error(`no matching applier line in ${timeoutMs} ms; applier wrote: ${JSON.stringify(applierLogs.lines)}`);
        await sleep(100);
      }
    },
    async close() {
      await topology.applierSubscription.delete().catch(() => undefined);
      await closeServer(webhookServer);
      await closeServer(functionServer);
      await publisher.close();
      await pubsub.close();
      await db.terminate();
    },
  };
}
