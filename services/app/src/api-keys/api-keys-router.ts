// The active account's API keys, behind IAP, for any of its members: create (the secret is in this one response only), list,
// rename, revoke. Revoking evicts the key on this instance before answering; other instances
// refuse it as soon as their listener sees the change.
import { Router } from 'express';
import { z } from 'zod';
import { ApiKeyName } from '@billing/shared/model/api-key-documents.js';
import { requestAuth } from '../auth/request-identity.js';
import { parseInput } from '../http/parse-input.js';
import type { Metering } from '../usage/metering.js';

const NameBody = z.object({ name: ApiKeyName });
const KeyParams = z.object({ id: z.string().regex(/^key_[0-9a-f]{24}$/) });

export function apiKeysRouter(deps: { metering: Metering }): Router {
  const router = Router();
  const { keys, keyVerifier } = deps.metering;

  router.post('/keys', async (req, res) => {
    const { name } = parseInput(NameBody, req.body);
    const { accountId, identity } = requestAuth(res);
    const created = await keys.create(accountId, identity.userId, name);
    res.status(201).set('Cache-Control', 'no-store').json(created);
  });
  router.get('/keys', async (_req, res) => {
    res.json({ keys: await keys.list(requestAuth(res).accountId) });
  });
  router.patch('/keys/:id', async (req, res) => {
    const { id } = parseInput(KeyParams, req.params);
    const { name } = parseInput(NameBody, req.body);
    res.json(await keys.rename(requestAuth(res).accountId, id, name));
  });
  router.delete('/keys/:id', async (req, res) => {
    const { id } = parseInput(KeyParams, req.params);
    const { hash } = await keys.revoke(requestAuth(res).accountId, id);
    keyVerifier.evict(hash);
    res.status(204).end();
  });
  return router;
}
