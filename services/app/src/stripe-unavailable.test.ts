// When Stripe fails in a way a retry may fix (5xx, 429, no answer), the app answers 503
// `upstream_unavailable` with `Retry-After`, logs it at WARNING (not ERROR: that pages the
// operator, who can do nothing about Stripe's outage), and works again once Stripe does. Through
// the app as production composes it, against the Firestore emulator and the Stripe stand-in's
// failure injection; "no answer" through the app harness, whose Stripe address has nothing listening.
import { PassThrough } from 'node:stream';
import type { Firestore } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStandIn, type StandIn } from '@billing/stripe-stand-in/stand-in.js';
import { createLogger } from '@billing/shared/logging/logger.js';
import { testFirestore, testProjectId } from '@billing/shared/testing/emulator.js';
import { billingSummaryFixture, accountDocFixture } from '@billing/shared/testing/billing-summary-fixture.js';
import { createDevIap, devSubject } from './auth/dev-iap.js';
import { createIapVerifier, IAP_HEADER } from './auth/iap-verifier.js';
import { composeApp, type ComposedApp } from './compose-app.js';
import { startHarness } from './testing/app-harness.js';
import { freePort, listen, type Listening } from './testing/listen.js';
import { testConfig } from './testing/test-config.js';

const ALICE = 'alice-unavailable@example.com';
const BOB = 'bob-unavailable@example.com';
const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** The app's JSON log lines, as Cloud Logging would receive them. */
const logs: Record<string, unknown>[] = [];
const logStream = new PassThrough();
logStream.on('data', (chunk: Buffer) => {
  for (const line of chunk.toString('utf8').split('\n')) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
});

let firestore: Firestore;
let standIn: StandIn;
let stripe: { url: string; close: () => Promise<void> };
let composed: ComposedApp;
let server: Listening;

async function as(email: string, path: string, init: RequestInit = {}): Promise<Response> {
  if (!composed.devIap) throw new Error('the test app runs in dev identity mode');
  const headers = new Headers(init.headers);
  headers.set(IAP_HEADER, await composed.devIap.sign(email));
  return fetch(`${server.baseUrl}${path}`, { redirect: 'manual', ...init, headers });
}

async function expectUnavailable(res: Response, retryAfterSeconds: number): Promise<void> {
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toBe(String(retryAfterSeconds));
  expect(await res.json()).toEqual({
    error: { code: 'upstream_unavailable', message: 'Temporarily unavailable, retry later', retryAfterSeconds },
  });
}

beforeAll(async () => {
  const projectId = testProjectId('app');
  firestore = testFirestore(projectId);
  standIn = createStandIn({ webhookSecret: 'whsec_unavailable_tests' });
  stripe = await standIn.listen();
  const port = await freePort(); // the app's return URLs name its own address
  const config = testConfig({ projectId, stripeApiBase: stripe.url, publicBaseUrl: `http://127.0.0.1:${port}` });
  composed = await composeApp(config, { logger: createLogger({ service: 'app-test', destination: logStream }), firestore });
  server = await listen(composed.app, port);
  // Alice: a Stripe customer with a subscription, so she has invoices to list.
  const checkout = await as(ALICE, '/api/checkout', json({ lookupKey: 'pro_month' }));
  expect(checkout.status).toBe(200);
  const sessionId = /\/(cs_[A-Za-z0-9_]+)/.exec(((await checkout.json()) as { url: string }).url)?.[1] ?? '';
  standIn.completeCheckout(sessionId);
  expect((await as(ALICE, `/billing/success?session_id=${sessionId}`)).status).toBe(303);
});
afterAll(async () => {
  await composed?.close();
  await server?.close();
  await stripe?.close();
  await firestore?.terminate();
});

describe('Stripe failing: 503 with Retry-After, at WARNING, and service again once Stripe recovers', () => {
  it('GET /api/invoices while Stripe answers 500 (the SDK’s own retries included)', async () => {
    // One request and maxNetworkRetries (2) retries, each answered 500.
    standIn.failures.add({ method: 'GET', path: '/v1/invoices', status: 500, count: 3 });
    await expectUnavailable(await as(ALICE, '/api/invoices'), 5);
    const warning = logs.find((l) => l['event'] === 'http.app_error' && l['code'] === 'upstream_unavailable');
    expect(warning?.['severity']).toBe('WARNING');

    const after = await as(ALICE, '/api/invoices');
    expect(after.status).toBe(200);
    expect(((await after.json()) as { invoices: unknown[] }).invoices.length).toBeGreaterThan(0);
  });

  it('GET /api/invoices while Stripe rate-limits (429: the SDK does not retry it)', async () => {
    standIn.failures.add({ method: 'GET', path: '/v1/invoices', status: 429, count: 1 });
    await expectUnavailable(await as(ALICE, '/api/invoices'), 1);
    expect((await as(ALICE, '/api/invoices')).status).toBe(200);
  });

  it('POST /api/checkout while Checkout answers 500; the retry makes one customer and one session', async () => {
    standIn.failures.add({ method: 'POST', path: '/v1/checkout/sessions', status: 500, count: 3 });
    await expectUnavailable(await as(BOB, '/api/checkout', json({ lookupKey: 'pro_month' })), 5);

    const retried = await as(BOB, '/api/checkout', json({ lookupKey: 'pro_month' }));
    expect(retried.status).toBe(200);
    const customers = [...standIn.state.customers.values()].filter((c) => c.metadata['accountId'] === devSubject(BOB));
    expect(customers).toHaveLength(1);
    expect([...standIn.state.checkoutSessions.values()].filter((s) => s.customer === customers[0]?.id && s.status === 'open')).toHaveLength(
      1,
    );
  });

  it('POST /api/subscription/plan/preview while Stripe rate-limits the subscription read', async () => {
    standIn.failures.add({ method: 'GET', path: '^/v1/subscriptions/', status: 429, count: 1 });
    await expectUnavailable(await as(ALICE, '/api/subscription/plan/preview', json({ lookupKey: 'pro_year' })), 1);
    expect((await as(ALICE, '/api/subscription/plan/preview', json({ lookupKey: 'pro_year' }))).status).toBe(200);
  });

  it('logged none of it at ERROR', () => {
    expect(logs.filter((l) => l['severity'] === 'ERROR')).toEqual([]);
  });
});

describe('Stripe not answering at all', () => {
  it('GET /api/invoices is a 503 with Retry-After when the connection is refused', async () => {
    const db = testFirestore();
    const dev = await createDevIap();
    const harness = await startHarness({ firestore: db, verifier: createIapVerifier({ keys: dev.keys, audience: dev.audience }) });
    try {
      const uid = devSubject(ALICE);
      await db.doc(`accounts/${uid}`).set(accountDocFixture(uid, billingSummaryFixture({ customerId: 'cus_unreachable' })));
      const res = await fetch(`${harness.baseUrl}/api/invoices`, { headers: { [IAP_HEADER]: await dev.sign(ALICE) } });
      await expectUnavailable(res, 5);
    } finally {
      await harness.close();
      await db.terminate();
    }
  });
});
