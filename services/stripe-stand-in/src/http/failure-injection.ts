// Failure injection for the product's tests: the next `count` API calls matching a method and
// path (a prefix, or a regular expression when it starts with ^) answer 429 or 500 in Stripe's
// shape. Note the SDK retries some of these itself (maxNetworkRetries), each retry counting.
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { StripeApiError } from './stripe-error.js';

export const FailureRule = z.strictObject({
  method: z.string().toUpperCase().default('*'),
  path: z.string().min(1),
  status: z.union([z.literal(429), z.literal(500)]),
  count: z.number().int().min(1).default(1),
});
export type FailureRule = z.infer<typeof FailureRule>;

export class FailureInjector {
  readonly #rules: (FailureRule & { remaining: number })[] = [];

  add(rule: z.input<typeof FailureRule>): void {
    const parsed = FailureRule.parse(rule);
    this.#rules.push({ ...parsed, remaining: parsed.count });
  }

  clear(): void {
    this.#rules.length = 0;
  }

  /** Consumes one matching failure, if any. */
  take(method: string, path: string): 429 | 500 | null {
    const rule = this.#rules.find((r) => r.remaining > 0 && (r.method === '*' || r.method === method) && (r.path.startsWith('^') ? new RegExp(r.path).test(path) : path.startsWith(r.path)));
    if (!rule) return null;
    rule.remaining -= 1;
    return rule.status;
  }

  middleware(): RequestHandler {
    return (req, res, next) => {
      const status = this.take(req.method, req.originalUrl.split('?')[0] ?? '');
      if (status === null) {
        next();
        return;
      }
      res.locals['requestRan'] = false;
      next(
        status === 429
          ? new StripeApiError(429, 'invalid_request_error', 'Too many requests hit the API too quickly (injected by the Stripe stand-in).', undefined, 'rate_limit')
          : new StripeApiError(500, 'api_error', 'An unknown error occurred (injected by the Stripe stand-in).'),
      );
    };
  }
}
