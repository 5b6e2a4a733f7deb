// An example host: a small service of the team's own product that bills through the product. It
// gates a route on the plan with `check` and meters another with `track`, through the typed client
// (shared/src/service-api/client.ts), authenticated with a Google ID token for the billing app's URL.
//   GET  /reports/:account   the account's plan must include advanced_analytics (check)
//   POST /exports/:account   one unit of `exports` per call (track; Idempotency-Key header honoured)
import { randomUUID } from 'node:crypto';
import express, { type Express, type Response } from 'express';
import { createServiceClient, ServiceApiError } from '@billing/shared/service-api/client.js';

export interface HostOptions {
  /** The billing app's URL: the ID tokens' audience and the API's base. */
  billingUrl: string;
  /** A Google ID token for `billingUrl` (see idTokenSource in server.ts). */
  idToken: () => Promise<string>;
}

/** A refusal from billing, passed on to our caller with its status, code and Retry-After. */
function relay(res: Response, err: unknown): void {
  if (!(err instanceof ServiceApiError)) throw err;
  if (err.retryAfterSeconds !== null) res.set('Retry-After', String(err.retryAfterSeconds));
  res
    .status(err.status >= 500 ? 503 : err.status)
    .json({ error: err.body?.error ?? { code: 'billing_unavailable', message: 'Billing did not answer' } });
}

export function createHostApp(opts: HostOptions): Express {
  const billing = createServiceClient({ baseUrl: opts.billingUrl, idToken: opts.idToken });
  const app = express();
  app.disable('x-powered-by');

  app.get('/reports/:account', async (req, res) => {
    try {
      const decision = await billing.check({ account: req.params.account, feature: 'advanced_analytics' });
      if (!decision.allowed) {
        res.status(402).json({
          error: { code: decision.reason, message: 'Your plan does not include advanced reports', upgradeUrl: decision.upgradeUrl },
        });
        return;
      }
      res.json({ report: 'advanced', account: req.params.account, plan: decision.plan });
    } catch (err) {
      relay(res, err);
    }
  });

  app.post('/exports/:account', async (req, res) => {
    try {
      const tracked = await billing.track({
        account: req.params.account,
        feature: 'exports',
        units: 1,
        idempotencyKey: req.get('idempotency-key') ?? randomUUID(),
      });
      res.json({ export: 'started', remaining: tracked.usage.remaining, replayed: tracked.replayed });
    } catch (err) {
      relay(res, err);
    }
  });

  app.get('/health', (_req, res) => {
    res.json({ ok: true });
  });
  return app;
}
