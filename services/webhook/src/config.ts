// The webhook service's whole configuration, parsed once at start-up (server.ts). A bad or
// missing value stops the process with every problem listed; secrets have no default.
import { z } from 'zod';
import { envBool, envInt, parseEnv, LogLevel, Revision, type Env } from '@billing/shared/config/parse-env.js';
import { StripeLivemode } from '@billing/shared/config/stripe-mode.js';
import { TracingMode } from '@billing/shared/tracing/start-tracing.js';

/** 1 MiB. Stripe events are a few KiB; the largest (invoices with many lines) stay well below. */
export const DEFAULT_BODY_LIMIT_BYTES = 1_048_576;

/**
 * One or more signing secrets, comma-separated. While a secret is rolled in the Stripe dashboard
 * both the old and the new one sign deliveries for a while, so an event verifying against any of
 * them is accepted: https://docs.stripe.com/webhooks#roll-endpoint-secrets
 */
const WebhookSecrets = z
  .string()
  .transform((raw) =>
    raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
  )
  .pipe(
    z.array(z.string().regex(/^whsec_\S+$/, 'each secret must look like whsec_...')).min(1, 'at least one whsec_... secret is required'),
  );

export const WebhookConfigSchema = z
  .object({
    PORT: envInt.min(1).max(65_535).default(8080),
    GOOGLE_CLOUD_PROJECT: z.string().min(1),
    PUBSUB_TOPIC: z.string().min(1).default('stripe-events'),
    STRIPE_WEBHOOK_SECRETS: WebhookSecrets,
    STRIPE_LIVEMODE: StripeLivemode,
    PUBSUB_ORDER_BY_CUSTOMER: envBool.default(false),
    WEBHOOK_BODY_LIMIT_BYTES: envInt.min(1024).default(DEFAULT_BODY_LIMIT_BYTES),
    LOG_LEVEL: LogLevel.default('info'),
    K_REVISION: Revision,
    /** OpenTelemetry traces: off, console, cloud-trace (shared/src/tracing/start-tracing.ts). */
    TRACING: TracingMode.default('off'),
  })
  .transform((env) => ({
    port: env.PORT,
    projectId: env.GOOGLE_CLOUD_PROJECT,
    topic: env.PUBSUB_TOPIC,
    webhookSecrets: env.STRIPE_WEBHOOK_SECRETS,
    /** Only events whose `livemode` equals this are accepted (a test key must not feed production). */
    livemode: env.STRIPE_LIVEMODE,
    /** Publish with the customer id as Pub/Sub ordering key (see app.ts). */
    orderByCustomer: env.PUBSUB_ORDER_BY_CUSTOMER,
    bodyLimitBytes: env.WEBHOOK_BODY_LIMIT_BYTES,
    logLevel: env.LOG_LEVEL,
    revision: env.K_REVISION,
    tracing: env.TRACING,
  }));

export type WebhookConfig = z.output<typeof WebhookConfigSchema>;

export function loadConfig(env: Env = process.env): WebhookConfig {
  return parseEnv(WebhookConfigSchema, env);
}
