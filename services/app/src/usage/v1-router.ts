// The programmatic API under /v1 (mounted there: its paths are relative): authenticated by API
// key (or IAP), rate limited, metered. Each route charges its feature before doing the work, so a
// refused call does nothing.
import { randomUUID } from 'node:crypto';
import express, { Router } from 'express';
import { z } from 'zod';
import type { Clock } from '@billing/shared/ports/clock.js';
import type { IapVerifier } from '../auth/iap-verifier.js';
import { apiKeyOrIap, requestPrincipal } from '../api-keys/api-key-auth.js';
import { parseInput } from '../http/parse-input.js';
import { metered } from './metered.js';
import type { Metering } from './metering.js';

const AnalysisRequest = z.object({ input: z.string().max(10_000).default('') });

export function v1Router(deps: { metering: Metering; iap: IapVerifier; clock: Clock }): Router {
  const router = Router();
  const auth = apiKeyOrIap({ keys: deps.metering.keyVerifier, iap: deps.iap });
  router.use(auth);

  router.get('/ping', metered('api_calls', deps), (_req, res) => {
    res.json({ ok: true, userId: requestPrincipal(res).userId });
  });

  // Validate before charging: a malformed request is a 400 that costs nothing.
  router.post(
    '/analyses',
    express.json({ limit: '16kb' }),
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
