// The webhook service's Express app, built from injected dependencies; it never listens
// (server.ts does). It verifies Stripe deliveries at the edge and hands them to Pub/Sub: no
// Firestore, no Stripe API calls.
import express, { type Express } from 'express';
import { errorHandler, notFoundHandler } from '@billing/shared/http/error-handler.js';
import { requestLogging } from '@billing/shared/http/request-logging.js';
import type { Logger } from '@billing/shared/logging/logger.js';
import { systemClock, type Clock } from '@billing/shared/ports/clock.js';
import type { EventPublisher } from '@billing/shared/ports/event-bus.js';
import { receiveStripeEvent } from './receive-stripe-event.js';
import type { WebhookVerifier } from './verify-stripe-event.js';

export const WEBHOOK_PATH = '/stripe/webhook';
export const HEALTH_PATH = '/health';

export interface WebhookAppDeps {
  publisher: EventPublisher;
  verifier: WebhookVerifier;
  /** Accepted signing secrets (several while one is rolled). */
  secrets: readonly string[];
  livemode: boolean;
  /**
   * Publish with the Stripe customer id as ordering key, so the applier gets one customer's events
   * one at a time across all its instances. Off by default (PUBSUB_ORDER_BY_CUSTOMER): the client
   * then batches per key, a publish RPC per event, and the applier already queues one customer's
   * concurrent events per instance (customer-lanes.ts); correctness never depends on it.
   */
  orderByCustomer: boolean;
  /** Larger bodies answer 413 before they are read. */
  bodyLimitBytes: number;
  logger: Logger;
  /** For the trace field of log lines. */
  projectId?: string;
  clock?: Clock;
}

export function createWebhookApp(deps: WebhookAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(requestLogging({ logger: deps.logger, projectId: deps.projectId, skip: (req) => req.path === HEALTH_PATH }));

  app.get(HEALTH_PATH, (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.post(
    WEBHOOK_PATH,
    // Raw bytes whatever the content type: the signature covers them exactly as sent.
    express.raw({ type: () => true, limit: deps.bodyLimitBytes }),
    receiveStripeEvent({
      publisher: deps.publisher,
      verifier: deps.verifier,
      secrets: deps.secrets,
      livemode: deps.livemode,
      orderByCustomer: deps.orderByCustomer,
      logger: deps.logger,
      clock: deps.clock ?? systemClock,
    }),
  );

  app.use(notFoundHandler());
  app.use(errorHandler({ logger: deps.logger }));
  return app;
}
