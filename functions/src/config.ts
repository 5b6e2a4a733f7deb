// The event applier's configuration, parsed once at the composition root (index.ts).
import { z } from 'zod';
import { envBool, envInt, parseEnv, stripeApiBase, LogLevel } from '@billing/shared/config/parse-env.js';

const Schema = z.object({
  GOOGLE_CLOUD_PROJECT: z.string().min(1),
  STRIPE_SECRET_KEY: z.string().regex(/^(sk|rk)_(test|live)_/, 'must be a Stripe secret or restricted key'),
  STRIPE_API_BASE: stripeApiBase,
  STRIPE_LIVEMODE: envBool.default(false),
  DEAD_LETTER_TOPIC: z.string().min(1).default('stripe-events-dead-letter'),
  MAX_EVENT_AGE_DAYS: envInt.pipe(z.number().int().min(1).max(365)).default(30),
  LOG_LEVEL: LogLevel.default('info'),
});

export interface FunctionConfig {
  projectId: string;
  stripeSecretKey: string;
  stripeApiBase: string | undefined;
  livemode: boolean;
  deadLetterTopic: string;
  maxEventAgeSeconds: number;
  logLevel: string;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): FunctionConfig {
  const c = parseEnv(Schema, env);
  if (c.STRIPE_LIVEMODE !== c.STRIPE_SECRET_KEY.includes('_live_')) {
    // A test key in a live deployment (or the reverse) would refetch from the wrong Stripe mode.
    parseEnv(z.never({ message: 'STRIPE_LIVEMODE does not match the mode of STRIPE_SECRET_KEY' }), env);
  }
  return {
    projectId: c.GOOGLE_CLOUD_PROJECT,
    stripeSecretKey: c.STRIPE_SECRET_KEY,
    stripeApiBase: c.STRIPE_API_BASE,
    livemode: c.STRIPE_LIVEMODE,
    deadLetterTopic: c.DEAD_LETTER_TOPIC,
    maxEventAgeSeconds: c.MAX_EVENT_AGE_DAYS * 86_400,
    logLevel: c.LOG_LEVEL,
  };
}
