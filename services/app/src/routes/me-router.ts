import { Router } from 'express';
import { nowSeconds } from '@billing/shared/ports/clock.js';
import type { PriceIdMap } from '@billing/shared/plans/catalog.js';
import { requestAuth } from '../auth/request-identity.js';
import type { AccessPolicy } from '../access/require-feature.js';
import type { UsageView } from '../ports/usage-view.js';
import { accountView } from './account-view.js';
import { plansView } from './plans-view.js';

export function meRouter(deps: { policy: AccessPolicy; usage: UsageView; priceIds: PriceIdMap }): Router {
  const router = Router();
  router.get('/me', async (_req, res) => {
    const auth = requestAuth(res);
    const usage = await deps.usage.summary(auth.accountId);
    res.json(accountView(auth, usage, nowSeconds(deps.policy.clock), deps.policy.pastDueGraceSeconds));
  });
  const plans = plansView(deps.priceIds);
  router.get('/plans', (_req, res) => {
    res.json({ plans });
  });
  return router;
}
