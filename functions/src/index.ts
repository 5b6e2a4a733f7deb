// Composition root of the event applier (Cloud Run functions gen2, Pub/Sub trigger). Config is
// read and clients are built on the first invocation, never at import time, so importing this
// module (tests, the dev server) has no side effect beyond registering the functions: this one
// and reportUsage (report-usage/register.ts), the deployable's second entry point, which drains
// the usage outbox into Stripe meter events.
import * as functions from '@google-cloud/functions-framework';
import { createStore } from '@billing/shared/firestore/store.js';
import { createCustomerLanes } from '@billing/shared/billing/customer-lanes.js';
import { exitOnConfigError } from '@billing/shared/config/exit-on-config-error.js';
import { createFirestore } from '@billing/shared/firestore/firestore-client.js';
import { createLogger } from '@billing/shared/logging/logger.js';
import { systemClock } from '@billing/shared/ports/clock.js';
import { createPubSubDeadLetterPublisher } from '@billing/shared/pubsub/dead-letter-publisher.js';
import { pubSubNotificationPublisher } from '@billing/shared/pubsub/notification-publisher.js';
import { createPubSubClient } from '@billing/shared/pubsub/pubsub-client.js';
import { createPubSubPublisher } from '@billing/shared/pubsub/pubsub-publisher.js';
import { createStripeClient } from '@billing/shared/stripe/stripe-client.js';
import { createSdkStripeReader } from '@billing/shared/stripe/stripe-reader-sdk.js';
import { startTracing } from '@billing/shared/tracing/start-tracing.js';
import { loadConfig } from './config.js';
import { createStripeEventHandler, type StripeEventHandler } from './create-handler.js';
import './report-usage/register.js';

export const FUNCTION_NAME = 'applyStripeEvent';

async function buildHandler(env: Record<string, string | undefined> = process.env): Promise<StripeEventHandler> {
  // A bad variable: one CRITICAL config.invalid line and the instance exits (the message is redelivered).
  const config = exitOnConfigError('event-applier', () => loadConfig(env));
  const logger = createLogger({ service: 'event-applier', level: config.logLevel, version: config.revision });
  // Before the clients, which pick up the tracer provider when built; loads nothing when off.
  const tracing = await startTracing({ mode: config.tracing, service: 'event-applier', projectId: config.projectId });
  const stripe = createStripeClient({ secretKey: config.stripeSecretKey, apiBase: config.stripeApiBase });
  const pubsub = createPubSubClient({ projectId: config.projectId });
  return createStripeEventHandler({
    store: createStore(createFirestore(config.projectId)),
    reader: createSdkStripeReader(stripe),
    clock: systemClock,
    logger,
    maxEventAgeSeconds: config.maxEventAgeSeconds,
    deadLetter: createPubSubDeadLetterPublisher(pubsub, config.deadLetterTopic),
    notifications: pubSubNotificationPublisher(createPubSubPublisher({ pubsub, topic: config.notificationsTopic })),
    livemode: config.livemode,
    lanes: createCustomerLanes(),
    projectId: config.projectId,
    tracing,
  });
}

let handler: Promise<StripeEventHandler> | undefined;
const lazyHandler: StripeEventHandler = async (event) => {
  handler ??= buildHandler();
  return (await handler)(event);
};
functions.cloudEvent<unknown>(FUNCTION_NAME, lazyHandler);
