// Composition root of the local Stripe stand-in: `tsx infra/local/stripe-stand-in/src/server.ts`.
// Never deployed. Env: STAND_IN_PORT (12111), STAND_IN_HOST, STAND_IN_PUBLIC_URL,
// STRIPE_WEBHOOK_SECRET, STAND_IN_WEBHOOK_URL, LOG_LEVEL.
import { exitOnConfigError } from '@billing/shared/config/exit-on-config-error.js';
import { createLogger } from '@billing/shared/logging/logger.js';
import { loadConfig } from './config.js';
import { createStandIn } from './stand-in.js';

const config = exitOnConfigError('stripe-stand-in', () => loadConfig());
const logger = createLogger({ service: 'stripe-stand-in', level: config.logLevel });
const standIn = createStandIn({ webhookSecret: config.webhookSecret, webhookUrl: config.webhookUrl, publicUrl: config.publicUrl, logger });
const { url, close } = await standIn.listen(config.port, config.host);
logger.info(
  { event: 'stand_in.listening', apiBase: url, webhookDelivery: config.webhookUrl !== undefined },
  `Stripe stand-in listening on ${url} (STRIPE_API_BASE=${url})`,
);

let closing = false;
const shutdown = (signal: string) => {
  if (closing) return;
  closing = true;
  logger.info({ event: 'stand_in.stopping', signal }, 'Stripe stand-in stopping');
  close().then(
    () => process.exit(0),
    (err: unknown) => {
      logger.error({ event: 'stand_in.stop_failed', err }, 'Stripe stand-in did not stop cleanly');
      process.exit(1);
    },
  );
};
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
