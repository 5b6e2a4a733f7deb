// The webhook service's whole configuration, parsed once at start-up (server.ts). A bad or
// missing value stops the process with every problem listed; secrets have no default.
import { z } from 'zod';
import { envBool, envInt, parseEnv, LogLevel } from '@billing/shared/config/parse-env.js';

/** 1 MiB. Stripe events are a few KiB; the largest (invoices with many lines) stay well below. */
export const DEFAULT_BODY_LIMIT_BYTES = 1_048_576;


/**
 * One or more signing secrets, comma-separated. While a secret is rolled in the Stripe dashboard
 * both the old and the new one sign deliveries for a while, so an event verifying against any of
 * them is accepted: https://docs.stripe.com/webhooks#roll-endpoint-secrets
 */
const WebhookSecrets = z
  .string()
  .transform((raw) => raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0))
  .pipe(z.array(z.string().regex(/^whsec_\S+$/, 'each secret must look like whsec_...')).min(1, 'at least one whsec_... secret is required'));

const WebhookEnv = z.object({
  PORT: envInt.min(1).max(65_535).default(8080),
  GOOGLE_CLOUD_PROJECT: z.string().min(1),
  PUBSUB_TOPIC: z.string().min(1).default('stripe-events'),
  STRIPE_WEBHOOK_SECRETS: WebhookSecrets,
  STRIPE_LIVEMODE: envBool,
  PUBSUB_ORDER_BY_CUSTOMER: envBool.default(false),
  WEBHOOK_BODY_LIMIT_BYTES: envInt.min(1024).default(DEFAULT_BODY_LIMIT_BYTES),
  LOG_LEVEL: LogLevel.default('info'),
});

export interface WebhookConfig {
  port: number;
  projectId: string;
  topic: string;
  webhookSecrets: string[];
  /** Only events whose `livemode` equals this are accepted (a test key must not feed production). */
  livemode: boolean;
  /** Publish with the customer id as Pub/Sub ordering key (see app.ts). */
  orderByCustomer: boolean;
  bodyLimitBytes: number;
  logLevel: z.infer<typeof LogLevel>;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): WebhookConfig {
  const e = parseEnv(WebhookEnv, env);
  return {
    port: e.PORT,
    projectId: e.GOOGLE_CLOUD_PROJECT,
    topic: e.PUBSUB_TOPIC,
    webhookSecrets: e.STRIPE_WEBHOOK_SECRETS,
    livemode: e.STRIPE_LIVEMODE,
    orderByCustomer: e.PUBSUB_ORDER_BY_CUSTOMER,
    bodyLimitBytes: e.WEBHOOK_BODY_LIMIT_BYTES,
    logLevel: e.LOG_LEVEL,
  };
}
