// The reportUsage function's configuration, parsed once at its composition root (register.ts).
import { z } from 'zod';
import { crossChecks, envInt, parseEnv, stripeApiBase, LogLevel, Revision, type Env } from '@billing/shared/config/parse-env.js';
import { checkKeyMatchesLivemode, StripeLivemode, StripeSecretKey } from '@billing/shared/config/stripe-mode.js';
import { TracingMode } from '@billing/shared/tracing/start-tracing.js';

export const ReportUsageConfigSchema = z
  .object({
    GOOGLE_CLOUD_PROJECT: z.string().min(1),
    STRIPE_SECRET_KEY: StripeSecretKey,
    STRIPE_API_BASE: stripeApiBase,
    STRIPE_LIVEMODE: StripeLivemode,
    USAGE_REPORT_CONCURRENCY: envInt.min(1).max(20).default(4),
    /** Where notifications for hosts are published (notifications/messages.ts). */
    NOTIFICATIONS_TOPIC: z.string().min(1).default('billing-notifications'),
    LOG_LEVEL: LogLevel.default('info'),
    K_REVISION: Revision,
    /** OpenTelemetry traces: off, console, cloud-trace (shared/src/tracing/start-tracing.ts). */
    TRACING: TracingMode.default('off'),
  })
  // A key of the other mode would send meter events where these customers do not exist: unbilled usage.
  .superRefine(checkKeyMatchesLivemode, crossChecks)
  .transform((env) => ({
    projectId: env.GOOGLE_CLOUD_PROJECT,
    stripeSecretKey: env.STRIPE_SECRET_KEY,
    stripeApiBase: env.STRIPE_API_BASE,
    concurrency: env.USAGE_REPORT_CONCURRENCY,
    notificationsTopic: env.NOTIFICATIONS_TOPIC,
    logLevel: env.LOG_LEVEL,
    revision: env.K_REVISION,
    tracing: env.TRACING,
  }));

export type ReportUsageConfig = z.output<typeof ReportUsageConfigSchema>;

export function loadReportUsageConfig(env: Env = process.env): ReportUsageConfig {
  return parseEnv(ReportUsageConfigSchema, env);
}
