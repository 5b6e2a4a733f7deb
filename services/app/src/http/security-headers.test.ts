// Cache-Control and HSTS as the composed app sends them: per-user JSON (every /api and /v1
// response, errors included) is never stored by a browser or a proxy; HSTS only when the public
// base URL is https (production behind the load balancer), never on a local http run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '@billing/shared/logging/logger.js';
import { testFirestore, testProjectId } from '@billing/shared/testing/emulator.js';
import { composeApp } from '../compose-app.js';
import { loadConfig } from '../config.js';
import { listen } from '../testing/listen.js';
import { startTestStack, type TestStack } from '../testing/stack.js';

const ALICE = 'alice@example.com';

describe('on a local http run (dev identity, http://127.0.0.1)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('answers every per-user JSON route with Cache-Control: no-store, errors included', async () => {
    await stack.as(ALICE, '/api/me'); // creates the user
    const created = await stack.as(ALICE, '/api/keys', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'ci' }),
    });
    const key = created.status === 201 ? ((await created.json()) as { key: string }).key : 'bk_unknown';
    const responses: [string, Response][] = [
      ['POST /api/keys', created],
      ['GET /api/me', await stack.as(ALICE, '/api/me')],
      ['GET /api/plans', await stack.as(ALICE, '/api/plans')],
      ['GET /api/invoices', await stack.as(ALICE, '/api/invoices')],
      ['GET /api/invoices bad', await stack.as(ALICE, '/api/invoices?limit=500')],
      ['GET /api/keys', await stack.as(ALICE, '/api/keys')],
      ['GET /api/usage', await stack.as(ALICE, '/api/usage')],
      ['GET /api/nothing-here', await stack.as(ALICE, '/api/nothing-here')],
      ['GET /api/me unauthenticated', await fetch(`${stack.baseUrl}/api/me`)],
      ['GET /v1/ping with a key', await fetch(`${stack.baseUrl}/v1/ping`, { headers: { authorization: `Bearer ${key}` } })],
      ['GET /v1/ping without a key', await fetch(`${stack.baseUrl}/v1/ping`)],
      ['GET /v1/nothing-here', await fetch(`${stack.baseUrl}/v1/nothing-here`, { headers: { authorization: `Bearer ${key}` } })],
    ];
    for (const [route, res] of responses)
      expect({ route, status: res.status, cacheControl: res.headers.get('cache-control') }).toEqual({
        route,
        status: res.status,
        cacheControl: 'no-store',
      });
    expect(responses.map(([, res]) => res.status)).toContain(200);
    expect(responses.map(([, res]) => res.status)).toContain(401);
  });

  it('sends no HSTS on http', async () => {
    for (const path of ['/billing', '/api/me', '/health'])
      expect((await stack.as(ALICE, path)).headers.get('strict-transport-security')).toBeNull();
  });
});

describe('behind the load balancer (https public base URL, IAP identity)', () => {
  it('sends HSTS on pages, API answers and health checks alike', async () => {
    const projectId = testProjectId('hsts');
    const firestore = testFirestore(projectId);
    const config = loadConfig({
      GOOGLE_CLOUD_PROJECT: projectId,
      STRIPE_SECRET_KEY: 'sk_test_hsts',
      STRIPE_LIVEMODE: 'false',
      STRIPE_API_BASE: 'http://127.0.0.1:9', // nothing listens: no Stripe call is expected
      STRIPE_PRICE_IDS: '{"pro_month":"price_pro_month"}',
      IAP_AUDIENCE: '/projects/123/global/backendServices/456',
      PUBLIC_BASE_URL: 'https://billing.example.com',
      LOG_LEVEL: 'silent',
    });
    const composed = await composeApp(config, { logger: silentLogger(), firestore });
    const app = await listen(composed.app);
    try {
      for (const path of ['/billing', '/api/me', '/health']) {
        const res = await fetch(`${app.baseUrl}${path}`, { redirect: 'manual' }); // no IAP assertion: refused, still with the header
        expect({ path, hsts: res.headers.get('strict-transport-security') }).toEqual({ path, hsts: 'max-age=31536000' });
      }
    } finally {
      await composed.close();
      await app.close();
      await firestore.terminate();
    }
  });
});
