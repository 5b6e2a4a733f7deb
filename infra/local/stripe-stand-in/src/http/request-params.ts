// Request parameters as the Stripe SDK sends them: form-encoded (`items[0][price]=…`, decoded by
// qs into nested objects and arrays), every scalar a string, `''` meaning "unset". Each endpoint
// declares a strict zod schema with the helpers below; `parseParams` turns the first problem into
// the 400 Stripe answers, naming the parameter the way Stripe does (`items[0][price]`).
import { z } from 'zod';
import { invalidParam, missingParam, unknownParam } from './stripe-error.js';

export const formInt = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d+$/, 'must be an integer')
    .transform(Number),
]);
export const formBool = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);
/** Stripe's way to clear a field: send it as an empty string. */
export const emptyable = <S extends z.ZodType>(schema: S) => z.union([z.literal(''), schema]);
export const metadataParam = z.record(z.string().max(40), z.string().max(500));
export const expandParam = z.array(z.string()).optional();
export const idParam = (prefix: string) => z.string().regex(new RegExp(`^${prefix}_[A-Za-z0-9_]+$`), `must be a ${prefix}_ id`);

/** `limit`, `starting_after`, `ending_before`, as on every Stripe list endpoint. */
export const listParams = {
  limit: formInt.pipe(z.number().min(1).max(100)).optional(),
  starting_after: z.string().optional(),
  ending_before: z.string().optional(),
  expand: expandParam,
};

export function paramName(path: readonly PropertyKey[]): string {
  const [head, ...rest] = path.map(String);
  return `${head ?? ''}${rest.map((p) => `[${p}]`).join('')}`;
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let cur = raw;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

export function parseParams<S extends z.ZodType>(schema: S, raw: unknown): z.infer<S> {
  const result = schema.safeParse(raw ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw invalidParam('', 'Invalid request');
  if (issue.code === 'unrecognized_keys') throw unknownParam(paramName([...issue.path, issue.keys[0] ?? '']));
  const name = paramName(issue.path);
  if (valueAt(raw, issue.path) === undefined) throw missingParam(name);
  throw invalidParam(name, `Invalid ${name}: ${issue.message}`);
}
