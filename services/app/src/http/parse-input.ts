// `unknown` at the edge: request bodies and queries are parsed once with zod; a bad input is a
// 400 whose body lists the field errors (never the raw input back).
import { z } from 'zod';
import { badRequest } from '@billing/shared/errors/app-error.js';

export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const { formErrors, fieldErrors } = z.flattenError(result.error);
  throw badRequest('Invalid request', { fields: fieldErrors, ...(formErrors.length ? { form: formErrors } : {}) });
}
