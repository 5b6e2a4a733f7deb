// GET /api/usage: used / limit / period end (unix seconds) per metered feature, and its units per
// day (the billing page polls it for its bars and chart), behind IAP.
import { Router } from 'express';
import { requestAuth } from '../auth/request-identity.js';
import type { Metering } from './metering.js';

export function usageRouter(deps: { metering: Metering }): Router {
  const router = Router();
  router.get('/usage', async (_req, res) => {
    res.json({ usage: await deps.metering.usage.summary(requestAuth(res).accountId, { days: true }) });
  });
  return router;
}
