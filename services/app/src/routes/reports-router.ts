// A gated demo route: what a paid feature looks like behind `requireFeature`.
import { Router } from 'express';
import { requireFeature, type AccessPolicy } from '../access/require-feature.js';
import { requestAuth } from '../auth/request-identity.js';

export function reportsRouter(deps: { policy: AccessPolicy }): Router {
  const router = Router();
  router.get('/reports/advanced', requireFeature('advanced_analytics', deps.policy), (_req, res) => {
    const { accountId } = requestAuth(res);
    res.json({ report: 'advanced', accountId, generatedAt: new Date(deps.policy.clock.now()).toISOString() });
  });
  return router;
}
