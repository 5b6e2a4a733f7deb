// The whole event pipeline in one test process, wired exactly as the deployables wire it, on a
// fresh demo-* project of the emulators started by the vitest global setup:
//   Stripe stand-in --signed webhook--> webhook app (createWebhookApp) --publish--> Pub/Sub emulator
//   --push subscription (retry + dead-letter policy)--> functions-framework server running the
//   applier (createStripeEventHandler) --transactions--> Firestore emulator,
// with the applier refetching from the stand-in (createSdkStripeReader), as it would from Stripe.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import * as functions from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import type { Firestore } from '@google-cloud/firestore';
import type Stripe from 'stripe';
import { createStore, type Store } from '@billing/shared/firestore/store.js';
import type { MessageResult } from '@billing/shared/billing/process-event-message.js';
import { createLogger, type Logger } from '@billing/shared/logging/logger.js';
import { systemClock } from '@billing/shared/ports/clock.js';
import { createPubSubDeadLetterPublisher } from '@billing/shared/pubsub/dead-letter-publisher.js';
import type { PubSub } from '@billing/shared/pubsub/pubsub-client.js';
import { createPubSubPublisher } from '@billing/shared/pubsub/pubsub-publisher.js';
import { createStripeClient, createWebhookVerifier } from '@billing/shared/stripe/stripe-client.js';
import { createSdkStripeReader } from '@billing/shared/stripe/stripe-reader-sdk.js';
import { testFirestore, testProjectId, testPubSub } from '@billing/shared/testing/emulator.js';
import { pullMessages, type PulledMessage } from '@billing/shared/testing/pull-messages.js';
import type { StandIn, StandInOptions } from '@billing/stripe-stand-in/stand-in.js';
import { startStandIn, TEST_WEBHOOK_SECRET } from '@billing/stripe-stand-in/testing/start-stand-in.js';
import { createStripeEventHandler, pushedMessage } from '../../../functions/src/create-handler.js';
import { createWebhookApp, WEBHOOK_PATH } from '../../../services/webhook/src/app.js';
import { DEFAULT_BODY_LIMIT_BYTES } from '../../../services/webhook/src/config.js';
import { WEBHOOK_PUBLISH_BATCHING } from '../../../services/webhook/src/publish-batching.js';
import { freePort } from '../src/emulators.js';
import { pubSubNotificationPublisher } from '@billing/shared/pubsub/notification-publisher.js';
import { createTopology, TOPOLOGY, type Topology } from '../src/pubsub-topology.js';
import { createCustomerLanes } from '@billing/shared/billing/customer-lanes.js';
import { TransientError } from '@billing/shared/errors/app-error.js';

/** The applier's production default (MAX_EVENT_AGE_DAYS=30). */
const MAX_EVENT_AGE_SECONDS = 30 * 86_400;

export interface PipelineOptions {
  /** Short label for the project id and the function name. */
  label: string;
  /** Seeded randomness for the stand-in's duplicates and shuffling. */
  random?: () => number;
  standIn?: Partial<StandInOptions>;
  /** Pub/Sub dead-letter policy of the push subscription (production: 5). */
  maxDeliveryAttempts?: number;
}

export interface Pipeline {
  projectId: string;
  standIn: StandIn;
  /** The real SDK, pointed at the stand-in (what the product's code uses). */
  stripe: Stripe;
  stripeUrl: string;
  db: Firestore;
  store: Store;
  pubsub: PubSub;
  topology: Topology;
  webhookUrl: string;
  /** Every result the applier returned (redeliveries included), in order. */
  results: MessageResult[];
  /** Every invocation that threw (Pub/Sub redelivers those): the error's message, in order. */
  failures: string[];
  /**
   * Makes every delivery of this event fail as an outage would (the function answers 500 before
   * applying it), so Pub/Sub retries it until its dead-letter policy gives up. The message of each
   * such failure names the event id.
   */
  failEveryAttempt(eventId: string): void;
  /** Resolves when `probe` returns a value (not undefined); else throws `describe()` after timeoutMs. */
  waitFor<T>(
    probe: () => Promise<T | undefined>,
    opts: { timeoutMs: number; intervalMs?: number; describe: () => string | Promise<string> },
  ): Promise<T>;
  /** Pulls (and acknowledges) what reached the dead-letter topic so far. */
  pullDeadLetters(): Promise<PulledMessage[]>;
  /** Pulls (and acknowledges) the notifications for hosts published so far (billing-notifications). */
  pullNotifications(): Promise<PulledMessage[]>;
  close(): Promise<void>;
}

/** Logs are off unless E2E_LOG_LEVEL (e.g. `warn`) asks for them: the convergence test is loud. */
function e2eLogger(service: string): Logger {
  // process.stderr, not fd 1: vitest captures what goes through the stream and shows it per test.
  return createLogger({ service, level: process.env['E2E_LOG_LEVEL'] ?? 'silent', destination: process.stderr });
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

export async function startPipeline(opts: PipelineOptions): Promise<Pipeline> {
  const projectId = testProjectId(opts.label);
  const db = testFirestore(projectId);
  const store = createStore(db);
  const pubsub = testPubSub(projectId);
  const results: MessageResult[] = [];
  const failures: string[] = [];
  const failing = new Set<string>();

  // Stripe stand-in first: the applier refetches from it. Webhooks are pointed at the webhook
  // service once that listens.
  const running = await startStandIn({ ...opts.standIn, ...(opts.random ? { random: opts.random } : {}), maxNetworkRetries: 2 });

  // The event applier, as functions/src/index.ts builds it, served by functions-framework.
  const notificationsPublisher = createPubSubPublisher({ pubsub, topic: TOPOLOGY.notificationsTopic });
  const functionName = `applyStripeEvent_${projectId.replace(/-/g, '_')}`;
  const handler = createStripeEventHandler(
    {
      store,
      reader: createSdkStripeReader(createStripeClient({ secretKey: 'sk_test_e2e', apiBase: running.url })),
      clock: systemClock,
      logger: e2eLogger('event-applier'),
      maxEventAgeSeconds: MAX_EVENT_AGE_SECONDS,
      deadLetter: createPubSubDeadLetterPublisher(pubsub, TOPOLOGY.deadLetterTopic),
      notifications: pubSubNotificationPublisher(notificationsPublisher),
      livemode: false,
      lanes: createCustomerLanes(),
    },
    (result) => results.push(result),
  );
  // Deliveries still being applied when close() cuts their connections: awaited before the
  // clients they use are closed.
  const inFlight = new Set<Promise<void>>();
  functions.cloudEvent<unknown>(functionName, async (event: functions.CloudEvent<unknown>) => {
    const eventId = pushedMessage(event.data)?.attributes['eventId'];
    const attempt =
      eventId !== undefined && failing.has(eventId) ? Promise.reject(new TransientError(`injected outage for ${eventId}`)) : handler(event);
    const work = attempt.catch((err: unknown) => {
      failures.push(err instanceof Error ? err.message : String(err));
      throw err;
    });
    inFlight.add(work);
    try {
      await work;
    } finally {
      inFlight.delete(work);
    }
  });
  const functionServer = getTestServer(functionName);
  const functionPort = await freePort();
  await new Promise<void>((resolve, reject) => {
    functionServer.once('error', reject);
    functionServer.listen(functionPort, '127.0.0.1', () => resolve());
  });
  const topology = await createTopology(pubsub, {
    // The path names the topic: functions-framework takes the CloudEvent's source from the push path.
    pushEndpoint: `http://127.0.0.1:${functionPort}/projects/${projectId}/topics/${TOPOLOGY.topic}`,
    maxDeliveryAttempts: opts.maxDeliveryAttempts ?? 5,
    minimumBackoffSeconds: 1,
    maximumBackoffSeconds: 2,
  });

  // The webhook service, as services/webhook/src/server.ts builds it.
  const publisher = createPubSubPublisher({ pubsub, topic: TOPOLOGY.topic, batching: WEBHOOK_PUBLISH_BATCHING, publishTimeoutMs: 5000 });
  const webhookApp = createWebhookApp({
    publisher,
    verifier: createWebhookVerifier(),
    secrets: [TEST_WEBHOOK_SECRET],
    livemode: false,
    // With E2E_ORDERED the messages carry ordering keys; the local subscription still delivers them
    // unordered (pubsub-topology.ts says why).
    orderByCustomer: process.env['E2E_ORDERED'] === 'true',
    bodyLimitBytes: DEFAULT_BODY_LIMIT_BYTES,
    logger: e2eLogger('webhook'),
    projectId,
  });
  const webhookServer = webhookApp.listen(0, '127.0.0.1');
  await once(webhookServer, 'listening');
  const webhookUrl = `http://127.0.0.1:${(webhookServer.address() as AddressInfo).port}${WEBHOOK_PATH}`;
  running.standIn.delivery.configure({ url: webhookUrl });

  return {
    projectId,
    standIn: running.standIn,
    stripe: running.stripe,
    stripeUrl: running.url,
    db,
    store,
    pubsub,
    topology,
    webhookUrl,
    results,
    failures,
    failEveryAttempt: (eventId) => void failing.add(eventId),
    async waitFor(probe, o) {
      const deadline = Date.now() + o.timeoutMs;
      for (;;) {
        const value = await probe();
        if (value !== undefined) return value;
        if (Date.now() >= deadline) throw new Error(`timed out after ${o.timeoutMs} ms: ${await o.describe()}`);
        await sleep(o.intervalMs ?? 200);
      }
    },
    pullDeadLetters: () => pullMessages(pubsub, topology.deadLetterInspect, { maxMessages: 1000 }),
    pullNotifications: () => pullMessages(pubsub, topology.notifications, { maxMessages: 1000 }),
    async close() {
      // No new deliveries, then let the ones being applied finish while Stripe and Firestore are
      // still up (a delivery cut short would only log a retryable failure), then upstream first.
      await topology.applierSubscription.delete().catch(() => undefined);
      await Promise.allSettled([...inFlight]);
      await running.close();
      await closeServer(webhookServer);
      await publisher.close();
      await closeServer(functionServer);
      await notificationsPublisher.close();
      await pubsub.close();
      await db.terminate();
    },
  };
}
