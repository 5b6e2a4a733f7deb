// The gated API route answers from the per-instance cache and follows Firestore: a cancellation
// written by the applier turns 200 into 402 within seconds, with no Firestore read per request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import type { Firestore } from '@google-cloud/firestore';
import { errorHandler } from '@billing/shared/http/error-handler.js';
import { silentLogger } from '@billing/shared/logging/logger.js';
import { AccountId, UserId } from '@billing/shared/model/ids.js';
import { systemClock } from '@billing/shared/ports/clock.js';
import { testFirestore } from '@billing/shared/testing/emulator.js';
import { billingSummaryFixture, accountDocFixture } from '@billing/shared/testing/billing-summary-fixture.js';
import { createDevIap, devSubject, type DevIap } from '../auth/dev-iap.js';
import { IAP_HEADER, createIapVerifier } from '../auth/iap-verifier.js';
import { startHarness, type Harness } from '../testing/app-harness.js';
import { listen } from '../testing/listen.js';
import { setRequestAuth } from '../auth/request-identity.js';
import { requireFeature } from './require-feature.js';

let firestore: Firestore;
let dev: DevIap;
let harness: Harness;

beforeAll(async () => {
  firestore = testFirestore();
  dev = await createDevIap();
  harness = await startHarness({ firestore, verifier: createIapVerifier({ keys: dev.keys, audience: dev.audience }) });
});
afterAll(async () => {
  await harness.close();
  await firestore.terminate();
});

async function getAs(email: string, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${harness.baseUrl}${path}`, { headers: { [IAP_HEADER]: await dev.sign(email) } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('requireFeature', () => {
  it('402 without a subscription', async () => {
    expect(await getAs('free@example.com', '/api/reports/advanced')).toMatchObject({
      status: 402,
      body: { error: { code: 'payment_required', feature: 'advanced_analytics', plan: 'free', upgradeTo: ['pro', 'team', 'enterprise'] } },
    });
  });

  it('403 when the active plan lacks the feature', async () => {
    const app = express();
    app.use((_req, res, next) => {
      setRequestAuth(res, {
        identity: { userId: UserId.parse('u-team'), email: null },
        accountId: AccountId.parse('u-team'),
        role: 'owner',
        account: accountDocFixture('u-team', billingSummaryFixture({ planId: 'team' })),
      });
      next();
    });
    app.get('/sso', requireFeature('sso', { clock: systemClock, pastDueGraceSeconds: 0 }), (_req, res) => res.json({ ok: true }));
    app.get('/seats', requireFeature('team_seats', { clock: systemClock, pastDueGraceSeconds: 0 }), (_req, res) => res.json({ ok: true }));
    app.use(errorHandler({ logger: silentLogger() }));
    const server = await listen(app);
    try {
      const sso = await fetch(`${server.baseUrl}/sso`);
      expect(sso.status).toBe(403);
      expect(await sso.json()).toMatchObject({ error: { code: 'forbidden', plan: 'team', upgradeTo: ['enterprise'] } });
      expect((await fetch(`${server.baseUrl}/seats`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('decides on the billing summary a route with its own authentication passes (as /v1 does for an API key owner)', async () => {
    const app = express();
    const policy = { clock: systemClock, pastDueGraceSeconds: 0 };
    const pro = () => Promise.resolve({ billing: billingSummaryFixture({ planId: 'pro' }) });
    app.get('/sso', requireFeature('sso', policy, pro), (_req, res) => res.json({ ok: true }));
    app.get('/api', requireFeature('api_access', policy, pro), (_req, res) => res.json({ ok: true }));
    app.get(
      '/lapsed',
      requireFeature('advanced_analytics', policy, () => ({ billing: billingSummaryFixture({ planId: 'pro', status: 'past_due' }) })),
      (_req, res) => res.json({ ok: true }),
    );
    app.use(errorHandler({ logger: silentLogger() }));
    const server = await listen(app);
    try {
      expect((await fetch(`${server.baseUrl}/sso`)).status).toBe(403);
      expect((await fetch(`${server.baseUrl}/api`)).status).toBe(200);
      const lapsed = await fetch(`${server.baseUrl}/lapsed`);
      expect(lapsed.status).toBe(402);
      expect(await lapsed.json()).toMatchObject({ error: { code: 'payment_required', feature: 'advanced_analytics', plan: 'free' } });
    } finally {
      await server.close();
    }
  });

  it('a cancellation written to Firestore is enforced within seconds, without a read per request', async () => {
    const email = 'pro@example.com';
    const uid = devSubject(email);
    await firestore.doc(`accounts/${uid}`).set(accountDocFixture(uid, billingSummaryFixture(), { email }));
    expect((await getAs(email, '/api/reports/advanced')).status).toBe(200);
    const loads = harness.accounts.stats().loads;
    for (let i = 0; i < 20; i++) expect((await getAs(email, '/api/reports/advanced')).status).toBe(200);
    expect(harness.accounts.stats().loads).toBe(loads);

    await firestore.doc(`accounts/${uid}`).update({ 'billing.status': 'canceled' });
    const started = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - started < 3_000) {
      status = (await getAs(email, '/api/reports/advanced')).status;
      if (status === 200) await new Promise((r) => setTimeout(r, 20));
    }
    expect(status).toBe(402);
    expect(Date.now() - started).toBeLessThan(3_000);
    const me = await getAs(email, '/api/me');
    expect(me.body).toMatchObject({ plan: { id: 'free' }, subscription: { status: 'canceled' } });
    expect(me.body['entitlements']).toEqual(['dashboard', 'api_access']); // the free plan's
  });
});
