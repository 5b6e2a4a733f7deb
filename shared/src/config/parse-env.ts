// Each deployable has one `loadConfig(env = process.env)` built on this: it parses the whole
// environment once, at the composition root, and fails listing every bad key at once.
import { z } from 'zod';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function parseEnv<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
}

/** Reusable env value schemas. */
export const envBool = z.enum(['true', 'false']).transform((v) => v === 'true');
export const envInt = z.coerce.number().int();
export const envJson = <S extends z.ZodType>(schema: S) =>
  z.string().transform((raw, ctx): z.infer<S> => {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is not valid JSON' });
      return z.NEVER;
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: `${issue.path.join('.')}: ${issue.message}` });
      return z.NEVER;
    }
    return parsed.data;
  });
/** A Stripe API base URL override (the local stand-in); absent means api.stripe.com. */
export const stripeApiBase = z.url({ protocol: /^https?$/ }).optional();
/** LOG_LEVEL, the same closed set (pino's levels) for every deployable. */
export const LogLevel = z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']);
export type LogLevel = z.infer<typeof LogLevel>;
