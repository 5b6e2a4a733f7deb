// Each deployable has one `loadConfig(env = process.env)` built on this: one zod schema that
// declares every variable once and transforms straight into the config object (its type is the
// schema's `z.output`), parsed once at the composition root, failing with every problem listed
// at once. exit-on-config-error.ts turns that failure into one CRITICAL log line and an exit.
import { z } from 'zod';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

export function parseEnv<S extends z.ZodType>(schema: S, env: Env): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
}

/**
 * Params for the one `.superRefine(check, crossChecks)` of a schema. zod skips a refinement once
 * any key failed to parse, so a cross-field problem would only show after the others were fixed;
 * with these the check always runs, and reads only the keys `parsedKeys(ctx)` vouches for.
 */
export const crossChecks = { when: () => true };

/** In a cross-field check: whether every one of `keys` parsed (only those may be read). */
export function parsedKeys(ctx: { issues: readonly { path?: readonly PropertyKey[] | undefined }[] }): (...keys: string[]) => boolean {
  const bad = new Set(ctx.issues.map((issue) => issue.path?.[0]));
  return (...keys) => keys.every((key) => !bad.has(key));
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
/**
 * K_REVISION: the revision the platform runs this instance as (`app-00042-xyz`); Cloud Run sets it,
 * and so do Cloud Run functions, which are Cloud Run services. Absent (or empty) locally. Error lines
 * name it as `serviceContext.version`, so Error Reporting tells deploys apart.
 * https://cloud.google.com/run/docs/container-contract#env-vars
 */
export const Revision = z
  .string()
  .optional()
  .transform((v) => v || undefined);
/** LOG_LEVEL, the same closed set (pino's levels) for every deployable. */
export const LogLevel = z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']);
export type LogLevel = z.infer<typeof LogLevel>;
