// Composition root of the webhook Cloud Run service: config once, real adapters, listen on PORT,
// drain on SIGTERM (stop accepting, finish in-flight requests, flush the publisher, exit).
import { exitOnConfigError } from '@billing/shared/config/exit-on-config-error.js';
import { listenWithGracefulShutdown } from '@billing/shared/http/graceful-shutdown.js';
import { createLogger } from '@billing/shared/logging/logger.js';
import { createPubSubClient } from '@billing/shared/pubsub/pubsub-client.js';
import { createPubSubPublisher } from '@billing/shared/pubsub/pubsub-publisher.js';
import { createWebhookVerifier } from '@billing/shared/stripe/stripe-client.js';
import { startTracing } from '@billing/shared/tracing/start-tracing.js';
import { createWebhookApp } from './app.js';
import { loadConfig } from './config.js';
import { WEBHOOK_PUBLISH_BATCHING } from './publish-batching.js';

const config = exitOnConfigError('webhook', () => loadConfig());
const logger = createLogger({ service: 'webhook', level: config.logLevel, version: config.revision });
// Before the Pub/Sub client, which picks up the tracer provider when built; loads nothing when off.
const tracing = await startTracing({ mode: config.tracing, service: 'webhook', projectId: config.projectId });

const pubsub = createPubSubClient({ projectId: config.projectId });
const publisher = createPubSubPublisher({
  pubsub,
  topic: config.topic,
  batching: WEBHOOK_PUBLISH_BATCHING,
  // Well under the time Stripe waits for an answer: a publish that cannot complete answers 503.
  publishTimeoutMs: 5000,
  closeClient: true,
});

const app = createWebhookApp({
  publisher,
  verifier: createWebhookVerifier(),
  secrets: config.webhookSecrets,
  livemode: config.livemode,
  orderByCustomer: config.orderByCustomer,
  bodyLimitBytes: config.bodyLimitBytes,
  logger,
  projectId: config.projectId,
});

await listenWithGracefulShutdown(
  app,
  config.port,
  async () => {
    await publisher.close();
    await tracing.shutdown();
  },
  { logger },
);
logger.info(
  { event: 'webhook.started', topic: config.topic, livemode: config.livemode, secretCount: config.webhookSecrets.length },
  'webhook service ready',
);
