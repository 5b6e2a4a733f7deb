// Express face of the one access decision (shared/src/access/access-decision.ts): 402 when the
// user has no subscription granting the feature, 403 when their plan lacks it. Reads only the
// state `authenticate` attached (from the per-instance cache): no Firestore read per request.
import type { RequestHandler } from 'express';
import { decideAccess, plansWithFeature } from '@billing/shared/access/access-decision.js';
import { AppError } from '@billing/shared/errors/app-error.js';
import type { Feature } from '@billing/shared/plans/catalog.js';
import { nowSeconds, type Clock } from '@billing/shared/ports/clock.js';
import { requestAuth } from '../auth/request-identity.js';

export interface AccessPolicy {
  clock: Clock;
  pastDueGraceSeconds: number;
}

export function requireFeature(feature: Feature, policy: AccessPolicy): RequestHandler {
  return (_req, res, next) => {
    const { user } = requestAuth(res);
    const decision = decideAccess({ billing: user?.billing ?? null, feature, now: nowSeconds(policy.clock), pastDueGraceSeconds: policy.pastDueGraceSeconds });
    if (decision.allow) {
      next();
      return;
    }
    next(new AppError(decision.code, decision.reason, { feature, plan: decision.planId, upgradeTo: plansWithFeature(feature), billingUrl: '/billing' }));
  };
}
