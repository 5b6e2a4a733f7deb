// Failure injection for the product's tests: the next `count` API calls matching a method and
// path (a prefix, or a regular expression when it starts with ^) answer 429 or 500 in Stripe's
// shape, or (`holdMs`) run as usual but have their answer held that long: a Stripe that did the
// work and answers late, so a test can kill the caller while it waits (the crash tests of usage
// reporting). Note the SDK retries some of these itself (maxNetworkRetries), each retry counting.
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { StripeApiError } from './stripe-error.js';

const Match = {
  method: z.string().toUpperCase().default('*'),
  path: z.string().min(1),
  count: z.number().int().min(1).default(1),
};

export const FailureRule = z.union([
  z.strictObject({ ...Match, status: z.union([z.literal(429), z.literal(500)]) }),
  z.strictObject({ ...Match, holdMs: z.number().int().min(1).max(600_000) }),
]);
export type FailureRule = z.infer<typeof FailureRule>;

/** What a matching call gets: an error status, or its (real) answer held for `holdMs`. */
export type InjectedFailure = { status: 429 | 500 } | { holdMs: number };

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
  take(method: string, path: string): InjectedFailure | null {
    const rule = this.#rules.find(
      (r) =>
        r.remaining > 0 &&
        (r.method === '*' || r.method === method) &&
        (r.path.startsWith('^') ? new RegExp(r.path).test(path) : path.startsWith(r.path)),
    );
    if (!rule) return null;
    rule.remaining -= 1;
    return 'holdMs' in rule ? { holdMs: rule.holdMs } : { status: rule.status };
  }

  middleware(): RequestHandler {
    return (req, res, next) => {
      const failure = this.take(req.method, req.originalUrl.split('?')[0] ?? '');
      if (failure === null) {
        next();
        return;
      }
      if ('holdMs' in failure) {
        // Every answer of the API is res.json (results and errors alike). A caller that goes away
        // (killed, timed out) closes the response, which drops the held answer.
        const send = res.json.bind(res);
        res.json = (body: unknown) => {
          const timer = setTimeout(() => send(body), failure.holdMs);
          res.once('close', () => clearTimeout(timer));
          return res;
        };
        next();
        return;
      }
      res.locals['requestRan'] = false;
      next(
        failure.status === 429
          ? new StripeApiError(
              429,
              'invalid_request_error',
              'Too many requests hit the API too quickly (injected by the Stripe stand-in).',
              undefined,
              'rate_limit',
            )
          : new StripeApiError(500, 'api_error', 'An unknown error occurred (injected by the Stripe stand-in).'),
      );
    };
  }
}
