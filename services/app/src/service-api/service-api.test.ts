// The service API as a host service uses it: the app as production composes it (dev identity
// mode: /dev/service-token stands in for the metadata server's ID tokens), the Firestore emulator,
// two app instances sharing one Firestore for the concurrency and idempotency cases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '@billing/shared/firestore/store.js';
import { silentLogger } from '@billing/shared/logging/logger.js';
import { billingSummaryFixture, accountDocFixture } from '@billing/shared/testing/billing-summary-fixture.js';
import { devSubject } from '../auth/dev-iap.js';
import { composeApp, type ComposedApp } from '../compose-app.js';
import { listen, type Listening } from '../testing/listen.js';
import { startTestStack, type TestStack } from '../testing/stack.js';
import { testConfig } from '../testing/test-config.js';
import { createServiceClient, ServiceApiError } from '@billing/shared/service-api/client.js';
import { SERVICE_ROUTES } from '@billing/shared/service-api/contract.js';
import { createServiceKey, listServiceKeys, revokeServiceKey } from '@billing/shared/service-api/service-keys.js';
import { openApiPath } from '@billing/shared/service-api/openapi.js';
import { serviceRouter } from './service-router.js';

const HOST = 'host@example-project.iam.gserviceaccount.com';
const STRANGER = 'other@example-project.iam.gserviceaccount.com';
let stack: TestStack;
let second: { composed: ComposedApp; server: Listening };
const NOW = Math.floor(Date.now() / 1000);

async function tokenFrom(baseUrl: string, email = HOST): Promise<string> {
  const res = await fetch(`${baseUrl}/dev/service-token?email=${encodeURIComponent(email)}`);
  expect(res.status).toBe(200);
  return res.text();
}

async function call(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string | null,
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const auth = token === null ? {} : { authorization: `Bearer ${token ?? (await tokenFrom(baseUrl))}` };
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

const store = () => createStore(stack.firestore);

/** Writes every instance's admitted units (a flush writes at most once per 1 s interval per counter). */
async function flushAll(): Promise<void> {
  await new Promise((r) => setTimeout(r, 1_100));
  await Promise.all([stack.composed.metering.recorder.flush(), second.composed.metering.recorder.flush()]);
}

beforeAll(async () => {
  stack = await startTestStack({ env: { SERVICE_ACCOUNTS: `${HOST}, ops@example.com` } });
  // A second instance of the same deployment: same configuration and Firestore, its own caches and leases.
  const composed = await composeApp(
    testConfig({
      projectId: 'demo-service-api-second',
      stripeApiBase: 'http://127.0.0.1:9',
      publicBaseUrl: stack.baseUrl,
      env: { SERVICE_ACCOUNTS: HOST },
    }),
    {
      logger: silentLogger(),
      firestore: stack.firestore,
    },
  );
  second = { composed, server: await listen(composed.app) };
  const accounts: [string, Parameters<typeof billingSummaryFixture>[0] | null][] = [
    ['acct_free', null],
    ['acct_pro', { planId: 'pro' }],
    ['acct_lapsed', { planId: 'pro', status: 'past_due', currentPeriodStart: NOW - 30 * 86_400 }],
  ];
  for (const [id, billing] of accounts)
    await store()
      .accounts.doc(id)
      .set(accountDocFixture(id, billing ? billingSummaryFixture(billing) : null));
  await store()
    .accounts.doc(devSubject('user@example.com'))
    .set(accountDocFixture(devSubject('user@example.com'), billingSummaryFixture({ planId: 'team', quantity: 3 })));
});
afterAll(async () => {
  await second?.composed.close();
  await second?.server.close();
  await stack?.close();
});

describe('service identity', () => {
  it.each([
    ['no credentials', () => Promise.resolve(null), 401],
    ['a malformed token', () => Promise.resolve('not-a-token'), 401],
    ['a user’s IAP assertion', () => (stack.composed.devIap ? stack.composed.devIap.sign('user@example.com') : Promise.resolve('')), 401],
    ['a token of another instance’s signer (an unknown key)', () => tokenFrom(second.server.baseUrl), 401],
    ['a service account not in SERVICE_ACCOUNTS', () => tokenFrom(stack.baseUrl, STRANGER), 403],
  ] as const)('%s: %i on every service route', async (_name, token, status) => {
    const t = await token();
    for (const [method, path, body] of [
      ['POST', '/v1/check', { account: 'acct_pro', feature: 'sso' }],
      ['POST', '/v1/track', { account: 'acct_pro', feature: 'api_calls', units: 1, idempotencyKey: 'identity-case' }],
      ['GET', '/v1/accounts/acct_pro', undefined],
    ] as const) {
      const res = await call(stack.baseUrl, method, path, body, t);
      expect([path, res.status, typeof (res.body['error'] as { code?: unknown } | undefined)?.code]).toEqual([path, status, 'string']);
    }
    // Nothing was counted.
    expect((await store().accounts.doc('acct_pro').collection('usage').get()).size).toBe(0);
  });
});

describe('POST /v1/check', () => {
  it.each([
    [
      'a feature of the free plan',
      { account: 'acct_free', feature: 'dashboard' },
      { allowed: true, reason: null, plan: 'free', status: null },
    ],
    [
      'a paid feature without a subscription',
      { account: 'acct_free', feature: 'sso' },
      { allowed: false, reason: 'no_subscription', plan: 'free' },
    ],
    [
      'a feature the plan lacks',
      { account: 'acct_pro', feature: 'sso' },
      { allowed: false, reason: 'feature_not_in_plan', plan: 'pro', status: 'active' },
    ],
    ['a feature of the plan', { account: 'acct_pro', feature: 'advanced_analytics' }, { allowed: true, plan: 'pro' }],
    [
      'past due after the grace',
      { account: 'acct_lapsed', feature: 'advanced_analytics' },
      { allowed: false, reason: 'past_due_grace_over', plan: 'free', status: 'past_due' },
    ],
    [
      'a metered feature the free plan has no quota for',
      { account: 'acct_free', feature: 'exports' },
      { allowed: false, reason: 'no_subscription' },
    ],
    [
      'units within the quota',
      { account: 'acct_free', feature: 'analyses', units: 10 },
      { allowed: true, usage: { used: 0, limit: 10, remaining: 10 } },
    ],
    [
      'units past the quota',
      { account: 'acct_free', feature: 'analyses', units: 11 },
      { allowed: false, reason: 'quota_exceeded', usage: { used: 0, limit: 10, remaining: 10 } },
    ],
    [
      'a user’s personal account',
      { user: devSubject('user@example.com'), feature: 'sso' },
      { allowed: false, reason: 'feature_not_in_plan', plan: 'team' },
    ],
  ])('%s', async (_name, body, expected) => {
    const res = await call(stack.baseUrl, 'POST', '/v1/check', body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject(expected);
    expect(res.body['upgradeUrl']).toBe(res.body['allowed'] ? null : `${stack.baseUrl}/billing`);
  });

  it('previews: checking units charges nothing', async () => {
    for (let i = 0; i < 5; i++) await call(stack.baseUrl, 'POST', '/v1/check', { account: 'acct_free', feature: 'analyses', units: 10 });
    await flushAll();
    const res = await call(stack.baseUrl, 'POST', '/v1/check', { account: 'acct_free', feature: 'analyses', units: 10 });
    expect(res.body).toMatchObject({ allowed: true, usage: { used: 0 } });
  });

  it.each([
    ['an unknown account', { account: 'acct_nobody', feature: 'sso' }, 404],
    ['both account and user', { account: 'acct_pro', user: 'u1', feature: 'sso' }, 400],
    ['neither account nor user', { feature: 'sso' }, 400],
    ['an unknown feature', { account: 'acct_pro', feature: 'teleport' }, 400],
    ['negative units', { account: 'acct_pro', feature: 'api_calls', units: -1 }, 400],
    ['fractional units', { account: 'acct_pro', feature: 'api_calls', units: 1.5 }, 400],
    ['too many units', { account: 'acct_pro', feature: 'api_calls', units: 1e12 }, 400],
    ['an account id with a slash', { account: 'a/b', feature: 'sso' }, 400],
    ['a stray field', { account: 'acct_pro', feature: 'sso', plan: 'enterprise' }, 400],
  ])('refuses %s', async (_name, body, status) => {
    expect((await call(stack.baseUrl, 'POST', '/v1/check', body)).status).toBe(status);
  });
});

describe('POST /v1/track', () => {
  it('admits and counts; a repeated idempotencyKey answers the same and never counts twice, on either instance', async () => {
    const body = { account: 'acct_pro', feature: 'exports', units: 7, idempotencyKey: 'order-42' };
    const first = await call(stack.baseUrl, 'POST', '/v1/track', body);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ allowed: true, units: 7, usage: { used: 7, limit: 1_000, remaining: 993 }, replayed: false });
    const again = await call(stack.baseUrl, 'POST', '/v1/track', body);
    expect(again.body).toMatchObject({ allowed: true, units: 7, replayed: true });
    const elsewhere = await call(second.server.baseUrl, 'POST', '/v1/track', body);
    expect(elsewhere.body).toMatchObject({ replayed: true });
    // The same key for other units is a client bug, said so.
    expect((await call(stack.baseUrl, 'POST', '/v1/track', { ...body, units: 8 })).status).toBe(409);
    await flushAll();
    const counters = await store().accounts.doc('acct_pro').collection('usage').get();
    expect(counters.docs.filter((d) => d.id.startsWith('exports_')).map((d) => d.get('used') as number)).toEqual([7]);
  });

  it('refuses units past the quota with 429 and counts none of them; the refusal is remembered for its key', async () => {
    const over = { account: 'acct_free', feature: 'analyses', units: 11, idempotencyKey: 'too-many' };
    const res = await call(stack.baseUrl, 'POST', '/v1/track', over);
    expect(res.status).toBe(429);
    expect(res.body).toMatchObject({ error: { code: 'quota_exceeded' }, replayed: false });
    expect((await call(stack.baseUrl, 'POST', '/v1/track', over)).body).toMatchObject({
      error: { code: 'quota_exceeded' },
      replayed: true,
    });
    const check = await call(stack.baseUrl, 'POST', '/v1/check', { account: 'acct_free', feature: 'analyses', units: 10 });
    expect(check.body).toMatchObject({ allowed: true, usage: { used: 0 } });
  });

  it('never admits past the quota across two instances', async () => {
    await store().accounts.doc('acct_race').set(accountDocFixture('acct_race', null));
    const [tA, tB] = await Promise.all([tokenFrom(stack.baseUrl), tokenFrom(second.server.baseUrl)]);
    // Free: 10 analyses a month; 30 calls of 1 unit, spread over both instances.
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        call(
          i % 2 ? stack.baseUrl : second.server.baseUrl,
          'POST',
          '/v1/track',
          { account: 'acct_race', feature: 'analyses', units: 1, idempotencyKey: `race-${i}` },
          i % 2 ? tA : tB,
        ),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(10);
    expect(results.filter((r) => r.status !== 200).every((r) => r.status === 429)).toBe(true);
    await flushAll();
    const used = (await store().accounts.doc('acct_race').collection('usage').get()).docs.reduce(
      (sum, d) => sum + (d.get('used') as number),
      0,
    );
    expect(used).toBe(10);
  });

  it('attributes tracked usage to the user it names, else to the calling service', async () => {
    const user = devSubject('user@example.com');
    await call(stack.baseUrl, 'POST', '/v1/track', { user, feature: 'api_calls', units: 3, idempotencyKey: 'attr-1' });
    await call(stack.baseUrl, 'POST', '/v1/track', { account: user, feature: 'api_calls', units: 2, idempotencyKey: 'attr-2' });
    await flushAll();
    const counter = (await store().accounts.doc(user).collection('usage').get()).docs.find((d) => d.id.startsWith('api_calls_'));
    expect(counter?.get('byMember')).toEqual({ [user]: 3, [`service:${HOST}`]: 2 });
  });

  it.each([
    ['no idempotencyKey', { account: 'acct_pro', feature: 'exports', units: 1 }, 400],
    ['an empty idempotencyKey', { account: 'acct_pro', feature: 'exports', units: 1, idempotencyKey: '' }, 400],
    ['a 256-character idempotencyKey', { account: 'acct_pro', feature: 'exports', units: 1, idempotencyKey: 'k'.repeat(256) }, 400],
    ['zero units', { account: 'acct_pro', feature: 'exports', units: 0, idempotencyKey: 'z' }, 400],
    ['a feature that is not metered', { account: 'acct_pro', feature: 'sso', units: 1, idempotencyKey: 'f' }, 400],
    ['a timestamp in the future', { account: 'acct_pro', feature: 'exports', units: 1, idempotencyKey: 't1', timestamp: NOW + 3_600 }, 400],
    [
      'a timestamp in an earlier month',
      { account: 'acct_pro', feature: 'exports', units: 1, idempotencyKey: 't2', timestamp: NOW - 40 * 86_400 },
      400,
    ],
    ['an unknown account', { account: 'acct_nobody', feature: 'exports', units: 1, idempotencyKey: 'n' }, 404],
  ])('refuses %s, counting nothing', async (_name, body, status) => {
    const res = await call(stack.baseUrl, 'POST', '/v1/track', body);
    expect(res.status).toBe(status);
  });
});

describe('GET /v1/accounts/:id', () => {
  it('answers what a host caches: plan, status, features, quotas and usage', async () => {
    const res = await call(stack.baseUrl, 'GET', '/v1/accounts/acct_pro');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      account: { id: 'acct_pro', kind: 'personal' },
      plan: { id: 'pro', name: 'Pro' },
      status: 'active',
      features: ['dashboard', 'api_access', 'exports', 'advanced_analytics'],
      quotas: { api_calls: 100_000, exports: 1_000, analyses: 1_000, tokens: 1_000_000 },
    });
    expect((res.body['usage'] as { feature: string }[]).map((u) => u.feature).sort()).toEqual([
      'analyses',
      'api_calls',
      'exports',
      'tokens',
    ]);
    expect((await call(stack.baseUrl, 'GET', '/v1/accounts/acct_nobody')).status).toBe(404);
    expect((await call(stack.baseUrl, 'GET', '/v1/accounts/a%2Fb')).status).toBe(400);
  });
});

describe('the contract', () => {
  it('the typed client gets responses the contract parses, and refusals as ServiceApiError with Retry-After', async () => {
    const client = createServiceClient({ baseUrl: stack.baseUrl, idToken: () => tokenFrom(stack.baseUrl) });
    expect(await client.check({ account: 'acct_pro', feature: 'exports', units: 2 })).toMatchObject({ allowed: true, plan: 'pro' });
    expect(await client.track({ account: 'acct_pro', feature: 'analyses', units: 2, idempotencyKey: 'client-1' })).toMatchObject({
      allowed: true,
      units: 2,
      replayed: false,
    });
    expect((await client.account('acct_pro')).plan.id).toBe('pro');
    const refused = await client
      .track({ account: 'acct_free', feature: 'exports', units: 1, idempotencyKey: 'client-2' })
      .catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(ServiceApiError);
    expect(refused).toMatchObject({ status: 402, code: 'payment_required' });
    await expect(client.account('acct_nobody')).rejects.toMatchObject({ status: 404, code: 'not_found' });
  });

  it('GET /v1/openapi.json is OpenAPI 3.1, generated from the schemas, and lists exactly the routes the router serves', async () => {
    const res = await fetch(`${stack.baseUrl}/v1/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      servers: { url: string }[];
      paths: Record<
        string,
        Record<
          string,
          { requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown>; required?: string[] } }> } }
        >
      >;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers).toEqual([{ url: stack.baseUrl }]);
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    // The routes the router declares (its Express stack), but the document itself.
    const router = serviceRouter({} as never);
    const served = (router.stack as unknown as { route?: { path: string; methods: Record<string, boolean> } }[])
      .flatMap((layer) =>
        layer.route
          ? Object.keys(layer.route.methods).map((m) => `${m.toUpperCase()} ${openApiPath(`/v1${layer.route?.path ?? ''}`)}`)
          : [],
      )
      .filter((r) => r !== 'GET /v1/openapi.json')
      .sort();
    expect(documented).toEqual(served);
    expect(served).toEqual(SERVICE_ROUTES.map((r) => `${r.method.toUpperCase()} ${openApiPath(r.path)}`).sort());
    const track = doc.paths['/v1/track']?.['post']?.requestBody?.content['application/json']?.schema;
    expect(Object.keys(track?.properties ?? {}).sort()).toEqual(['account', 'feature', 'idempotencyKey', 'timestamp', 'units', 'user']);
    expect(track?.required?.sort()).toEqual(['feature', 'idempotencyKey', 'units']);
  });
});

describe('server keys (callers outside Google Cloud)', () => {
  it('a key reaches the routes of its scopes only; an unknown, malformed or revoked key is a 401', async () => {
    const deps = { store: store(), clock: { now: () => Date.now() } };
    const checkOnly = await createServiceKey(deps, 'crm', ['check']);
    expect(checkOnly.key).toMatch(/^bsk_[\w-]{43}$/);
    expect((await call(stack.baseUrl, 'POST', '/v1/check', { account: 'acct_pro', feature: 'sso' }, checkOnly.key)).body).toMatchObject({
      allowed: false,
      reason: 'feature_not_in_plan',
    });
    const track = await call(
      stack.baseUrl,
      'POST',
      '/v1/track',
      { account: 'acct_pro', feature: 'exports', units: 1, idempotencyKey: 'key-scope' },
      checkOnly.key,
    );
    expect(track.status).toBe(403);
    expect(track.body).toMatchObject({ error: { code: 'forbidden', scope: 'track' } });
    expect((await call(stack.baseUrl, 'GET', '/v1/accounts/acct_pro', undefined, checkOnly.key)).status).toBe(403);

    const full = await createServiceKey(deps, 'worker', ['check', 'track', 'read']);
    const tracked = await call(
      stack.baseUrl,
      'POST',
      '/v1/track',
      { account: 'acct_pro', feature: 'analyses', units: 3, idempotencyKey: 'key-track' },
      full.key,
    );
    expect(tracked.status).toBe(200);
    expect((await call(stack.baseUrl, 'GET', '/v1/accounts/acct_pro', undefined, full.key)).status).toBe(200);
    await flushAll();
    const counter = (await store().accounts.doc('acct_pro').collection('usage').get()).docs.find((d) => d.id.startsWith('analyses_'));
    expect(counter?.get('byMember')).toMatchObject({ 'service:key:worker': 3 });

    const revoked = await createServiceKey(deps, 'old', ['check']);
    await revokeServiceKey(deps, revoked.id);
    for (const key of [revoked.key, `bsk_${'A'.repeat(43)}`, 'bsk_short']) {
      expect((await call(stack.baseUrl, 'POST', '/v1/check', { account: 'acct_pro', feature: 'sso' }, key)).status).toBe(401);
    }
    expect((await listServiceKeys(store())).map((k) => [k.name, k.scopes, k.revokedAt !== null])).toEqual(
      expect.arrayContaining([
        ['crm', ['check'], false],
        ['worker', ['check', 'track', 'read'], false],
        ['old', ['check'], true],
      ]),
    );
  });
});
