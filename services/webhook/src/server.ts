// Composition root of the webhook Cloud Run service: config once, real adapters, listen on PORT,
// drain on SIGTERM (stop accepting, finish in-flight requests, flush the publisher, exit).
import { ConfigError } from '@billing/shared/config/parse-env.js';
import { listenWithGracefulShutdown } from '@billing/shared/http/graceful-shutdown.js';
import { createLogger } from '@billing/shared/logging/logger.js';
import { createPubSubClient } from '@billing/shared/pubsub/pubsub-client.js';
import { createPubSubPublisher } from '@billing/shared/pubsub/pubsub-publisher.js';
import { createWebhookVerifier } from '@billing/shared/stripe/stripe-client.js';
import { createWebhookApp } from './app.js';
import { loadConfig, type WebhookConfig } from './config.js';
import { WEBHOOK_PUBLISH_BATCHING } from './publish-batching.js';

function loadConfigOrExit(): WebhookConfig {
  try {
    return loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    // No logger yet (its level is configuration): one Cloud Logging line, then stop.
    process.stderr.write(`${JSON.stringify({ severity: 'CRITICAL', event: 'webhook.config_invalid', message: err.message, problems: err.problems })}\n`);
    process.exit(1);
  }
}

const config = loadConfigOrExit();
const logger = createLogger({ service: 'webhook', level: config.logLevel });

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

await listenWithGracefulShutdown(app, config.port, () => publisher.close(), { logger });
logger.info({ event: 'webhook.started', topic: config.topic, livemode: config.livemode, secretCount: config.webhookSecrets.length }, 'webhook service ready');
