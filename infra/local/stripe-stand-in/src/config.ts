// The stand-in's configuration, parsed once at start-up from the environment.
import { z } from 'zod';
import { envInt, parseEnv, LogLevel } from '@billing/shared/config/parse-env.js';

const Env = z.object({
  STAND_IN_PORT: envInt.pipe(z.number().min(1).max(65_535)).default(12_111),
  STAND_IN_HOST: z.string().min(1).default('127.0.0.1'),
  /** Base of hosted page URLs, when the stand-in is reached under another name. */
  STAND_IN_PUBLIC_URL: z.url().optional(),
  STRIPE_WEBHOOK_SECRET: z.string().regex(/^whsec_/, 'must start with whsec_'),
  /** e.g. http://127.0.0.1:8787/webhooks/stripe; unset = no webhook delivery. */
  STAND_IN_WEBHOOK_URL: z.url().optional(),
  LOG_LEVEL: LogLevel.default('info'),
});

export interface StandInConfig {
  port: number;
  host: string;
  publicUrl: string | undefined;
  webhookSecret: string;
  webhookUrl: string | undefined;
  logLevel: string;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): StandInConfig {
  const e = parseEnv(Env, env);
  return { port: e.STAND_IN_PORT, host: e.STAND_IN_HOST, publicUrl: e.STAND_IN_PUBLIC_URL, webhookSecret: e.STRIPE_WEBHOOK_SECRET, webhookUrl: e.STAND_IN_WEBHOOK_URL, logLevel: e.LOG_LEVEL };
}
