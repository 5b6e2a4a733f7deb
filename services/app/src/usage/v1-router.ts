// The programmatic API under /v1 (mounted there: its paths are relative): authenticated by API
// key (or IAP), gated on the plan's `api_access` by the one access decision, rate limited,
// metered. Each route checks its input before charging its feature, and charges before doing the
// work, so a refused call (401, 402/403, 415, 400, 429) costs nothing and does nothing.
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { UserText } from '@billing/shared/model/user-text.js';
import type { Clock } from '@billing/shared/ports/clock.js';
import type { IapVerifier } from '../auth/iap-verifier.js';
import { requireFeature } from '../access/require-feature.js';
import { apiKeyOrIap, requestPrincipal } from '../api-keys/api-key-auth.js';
import type { AccountChooser } from '../auth/authenticate.js';
import { jsonBody } from '../http/json-body.js';
import { parseInput } from '../http/parse-input.js';
import { metered } from './metered.js';
import type { Metering } from './metering.js';

// UserText: an input with a lone surrogate is refused (400, not charged) like any ill-formed text.
const AnalysisRequest = z.object({ input: UserText.max(10_000).default('') });

export function v1Router(deps: { metering: Metering; iap: IapVerifier; clock: Clock; choose: AccountChooser }): Router {
  const router = Router();
  const auth = apiKeyOrIap({ keys: deps.metering.keyVerifier, iap: deps.iap, choose: deps.choose });
  // The same decision as the pages and /api (decideAccess), on the API key owner's billing summary,
  // with the same past-due grace as the quotas.
  const apiAccess = requireFeature('api_access', { clock: deps.clock, pastDueGraceSeconds: deps.metering.pastDueGraceSeconds }, (res) =>
    deps.metering.billing.billing(requestPrincipal(res).accountId),
  );
  router.use(auth, apiAccess);

  router.get('/ping', metered('api_calls', deps), (_req, res) => {
    res.json({ ok: true, accountId: requestPrincipal(res).accountId });
  });

  // Validate before charging: a body that is not JSON is a 415, a malformed one a 400, neither costs anything.
  router.post(
    '/analyses',
    ...jsonBody(),
    (req, _res, next) => {
      parseInput(AnalysisRequest, req.body);
      next();
    },
    metered('analyses', deps),
    (req, res) => {
      const { input } = parseInput(AnalysisRequest, req.body);
      res.status(201).json({ id: `an_${randomUUID()}`, status: 'completed', characters: input.length });
    },
  );
  return router;
}
