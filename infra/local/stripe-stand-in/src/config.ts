// The stand-in's configuration, parsed once at start-up from the environment.
import { z } from 'zod';
import { envInt, parseEnv, LogLevel, type Env } from '@billing/shared/config/parse-env.js';

const StandInConfigSchema = z
  .object({
    STAND_IN_PORT: envInt.pipe(z.number().min(1).max(65_535)).default(12_111),
    STAND_IN_HOST: z.string().min(1).default('127.0.0.1'),
    /** Base of hosted page URLs, when the stand-in is reached under another name. */
    STAND_IN_PUBLIC_URL: z.url().optional(),
    STRIPE_WEBHOOK_SECRET: z.string().regex(/^whsec_/, 'must start with whsec_'),
    /** e.g. http://127.0.0.1:8787/webhooks/stripe; unset = no webhook delivery. */
    STAND_IN_WEBHOOK_URL: z.url().optional(),
    LOG_LEVEL: LogLevel.default('info'),
  })
  .transform((env) => ({
    port: env.STAND_IN_PORT,
    host: env.STAND_IN_HOST,
    publicUrl: env.STAND_IN_PUBLIC_URL,
    webhookSecret: env.STRIPE_WEBHOOK_SECRET,
    webhookUrl: env.STAND_IN_WEBHOOK_URL,
    logLevel: env.LOG_LEVEL,
  }));

export type StandInConfig = z.output<typeof StandInConfigSchema>;

export function loadConfig(env: Env = process.env): StandInConfig {
  return parseEnv(StandInConfigSchema, env);
}
