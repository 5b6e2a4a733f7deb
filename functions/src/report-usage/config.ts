// The reportUsage function's configuration, parsed once at its composition root (register.ts).
import { z } from 'zod';
import { envInt, parseEnv, stripeApiBase, LogLevel } from '@billing/shared/config/parse-env.js';

const Schema = z.object({
  GOOGLE_CLOUD_PROJECT: z.string().min(1),
  STRIPE_SECRET_KEY: z.string().regex(/^(sk|rk)_(test|live)_/, 'must be a Stripe secret or restricted key'),
  STRIPE_API_BASE: stripeApiBase,
  USAGE_REPORT_CONCURRENCY: envInt.pipe(z.number().int().min(1).max(20)).default(4),
  LOG_LEVEL: LogLevel.default('info'),
});

export interface ReportUsageConfig {
  projectId: string;
  stripeSecretKey: string;
  stripeApiBase: string | undefined;
  concurrency: number;
  logLevel: string;
}

export function loadReportUsageConfig(env: Record<string, string | undefined> = process.env): ReportUsageConfig {
  const c = parseEnv(Schema, env);
  return {
    projectId: c.GOOGLE_CLOUD_PROJECT,
    stripeSecretKey: c.STRIPE_SECRET_KEY,
    stripeApiBase: c.STRIPE_API_BASE,
    concurrency: c.USAGE_REPORT_CONCURRENCY,
    logLevel: c.LOG_LEVEL,
  };
}
