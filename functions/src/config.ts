// The event applier's configuration, parsed once at the composition root (index.ts).
import { z } from 'zod';
import { crossChecks, envInt, parseEnv, stripeApiBase, LogLevel, Revision, type Env } from '@billing/shared/config/parse-env.js';
import { checkKeyMatchesLivemode, StripeLivemode, StripeSecretKey } from '@billing/shared/config/stripe-mode.js';
import { TracingMode } from '@billing/shared/tracing/start-tracing.js';

export const FunctionConfigSchema = z
  .object({
    GOOGLE_CLOUD_PROJECT: z.string().min(1),
    STRIPE_SECRET_KEY: StripeSecretKey,
    STRIPE_API_BASE: stripeApiBase,
    STRIPE_LIVEMODE: StripeLivemode,
    DEAD_LETTER_TOPIC: z.string().min(1).default('stripe-events-dead-letter'),
    MAX_EVENT_AGE_DAYS: envInt.min(1).max(365).default(30),
    /** Where notifications for hosts are published (notifications/messages.ts). */
    NOTIFICATIONS_TOPIC: z.string().min(1).default('billing-notifications'),
    LOG_LEVEL: LogLevel.default('info'),
    K_REVISION: Revision,
    /** OpenTelemetry traces: off, console, cloud-trace (shared/src/tracing/start-tracing.ts). */
    TRACING: TracingMode.default('off'),
  })
  // A key of the other mode would refetch objects from the wrong Stripe mode.
  .superRefine(checkKeyMatchesLivemode, crossChecks)
  .transform((env) => ({
    projectId: env.GOOGLE_CLOUD_PROJECT,
    stripeSecretKey: env.STRIPE_SECRET_KEY,
    stripeApiBase: env.STRIPE_API_BASE,
    /** Only events of this mode are applied; the others are dead-lettered. */
    livemode: env.STRIPE_LIVEMODE,
    deadLetterTopic: env.DEAD_LETTER_TOPIC,
    maxEventAgeSeconds: env.MAX_EVENT_AGE_DAYS * 86_400,
    notificationsTopic: env.NOTIFICATIONS_TOPIC,
    logLevel: env.LOG_LEVEL,
    revision: env.K_REVISION,
    tracing: env.TRACING,
  }));

export type FunctionConfig = z.output<typeof FunctionConfigSchema>;

export function loadConfig(env: Env = process.env): FunctionConfig {
  return parseEnv(FunctionConfigSchema, env);
}
