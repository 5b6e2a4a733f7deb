// Express face of the one access decision (shared/src/access/access-decision.ts): 402 when the
// user has no subscription granting the feature, 403 when their plan lacks it. By default it
// reads only the state `authenticate` attached (from the per-instance cache): no Firestore read
// per request. Routes with their own authentication (/v1 by API key) pass where their account's
// billing state comes from. Either way an operator's overrides (console) come with it.
import type { RequestHandler, Response } from 'express';
import { decideAccess, plansWithFeature } from '@billing/shared/access/access-decision.js';
import { AppError } from '@billing/shared/errors/app-error.js';
import type { Feature } from '@billing/shared/plans/catalog.js';
import { nowSeconds, type Clock } from '@billing/shared/ports/clock.js';
import { NO_ACCOUNT, type AccountBilling } from '@billing/shared/usage/usage-account.js';
import { requestAuth } from '../auth/request-identity.js';

export interface AccessPolicy {
  clock: Clock;
  pastDueGraceSeconds: number;
}

/** The billing summary and overrides of the request's account (billing null: never subscribed). */
export type RequestBilling = (res: Response) => AccountBilling | Promise<AccountBilling>;

/** The account `authenticate` attached, as the per-instance cache last saw it. */
const authenticatedBilling: RequestBilling = (res) => requestAuth(res).account ?? NO_ACCOUNT;

export function requireFeature(feature: Feature, policy: AccessPolicy, billingOf: RequestBilling = authenticatedBilling): RequestHandler {
  return async (_req, res, next) => {
    const { billing, overrides } = await billingOf(res);
    const decision = decideAccess({
      billing,
      feature,
      now: nowSeconds(policy.clock),
      pastDueGraceSeconds: policy.pastDueGraceSeconds,
      overrides,
    });
    if (decision.allow) {
      next();
      return;
    }
    next(
      new AppError(decision.code, decision.reason, {
        feature,
        plan: decision.planId,
        upgradeTo: plansWithFeature(feature),
        billingUrl: '/billing',
      }),
    );
  };
}
