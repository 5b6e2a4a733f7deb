// Idempotency keys as Stripe honours them: the first result for a key is saved and replayed for
// a retry with the same parameters (header `Idempotent-Replayed: true`); reusing the key with
// different parameters or another endpoint is a 400 idempotency_error. As at Stripe, nothing is
// saved when the request never ran (parameter validation, 429, 5xx), so such a retry runs anew.
// https://docs.stripe.com/api/idempotent_requests
import type { RequestHandler } from 'express';
import { StripeApiError } from './stripe-error.js';

interface SavedResult {
  fingerprint: string;
  status: number;
  body: unknown;
}

export class IdempotencyStore {
  readonly #saved = new Map<string, SavedResult>();

  middleware(): RequestHandler {
    return (req, res, next) => {
      const key = req.get('idempotency-key');
      if (req.method !== 'POST' || !key) {
        next();
        return;
      }
      const fingerprint = `${req.method} ${req.path} ${JSON.stringify(req.body ?? {})}`;
      const saved = this.#saved.get(key);
      if (saved) {
        if (saved.fingerprint !== fingerprint) {
          next(
            new StripeApiError(
              400,
              'idempotency_error',
              `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
            ),
          );
          return;
        }
        res.set('Idempotent-Replayed', 'true').status(saved.status).json(saved.body);
        return;
      }
      const send = res.json.bind(res);
      res.json = (body: unknown) => {
        const ran = res.locals['requestRan'] !== false;
        if (ran && res.statusCode < 500 && res.statusCode !== 429)
          this.#saved.set(key, { fingerprint, status: res.statusCode, body: JSON.parse(JSON.stringify(body)) as unknown });
        return send(body);
      };
      next();
    };
  }
}
