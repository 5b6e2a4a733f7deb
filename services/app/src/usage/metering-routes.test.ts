// The metering routes through the real app (createApp), the real Firestore emulator and real IAP
// verification with the dev key pair: API keys, /v1 metering, quotas, rate limits, two instances.
import { Timestamp, type Firestore } from '@google-cloud/firestore';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Collection } from '@billing/shared/model/collections.js';
import type { BillingSummary } from '@billing/shared/model/documents.js';
import { systemClock, type Clock } from '@billing/shared/ports/clock.js';
import { testFirestore, testProjectId } from '@billing/shared/testing/emulator.js';
import { calendarMonth } from '@billing/shared/usage/usage-account.js';

import { billingSummaryFixture, accountDocFixture } from '@billing/shared/testing/billing-summary-fixture.js';
import { createDevIap, devSubject, type DevIap } from '../auth/dev-iap.js';
import { IAP_HEADER, createIapVerifier } from '../auth/iap-verifier.js';
import { startHarness, testMetering, type Harness } from '../testing/app-harness.js';
import type { Metering } from './metering.js';
import { createStore } from '@billing/shared/firestore/store.js';

// The first realtime listener of a test process takes seconds to open against the emulator
// (measured ~6 s here, later ones ~100 ms); the user cache and the key verifier both listen, so
// open one before the tests' timeouts start counting.
beforeAll(async () => {
  const db = testFirestore();
  await new Promise<void>((resolve, reject) => {
    const stop = db.doc('warmup/listener').onSnapshot(() => {
      stop();
      resolve();
    }, reject);
  });
  await db.terminate();
});

const cleanup: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

interface Instance {
  harness: Harness;
  metering: Metering;
  db: Firestore;
}

async function instance(projectId: string, devIap: DevIap, clock: Clock): Promise<Instance> {
  const db = testFirestore(projectId);
  const { metering, close } = testMetering(db, clock);
  const harness = await startHarness({
    firestore: db,
    verifier: createIapVerifier({ keys: devIap.keys, audience: devIap.audience }),
    metering,
  });
  cleanup.push(
    () => db.terminate(),
    close,
    () => harness.close(),
  );
  return { harness, metering, db };
}

async function setup(instances = 1, clock: Clock = systemClock) {
  const projectId = testProjectId('meter');
  const devIap = await createDevIap();
  const all = [];
  for (let i = 0; i < instances; i++) all.push(await instance(projectId, devIap, clock));
  const iap = async (email: string) => ({ [IAP_HEADER]: await devIap.sign(email) });
  return { all, first: all[0]!, iap };
}

const json = { 'content-type': 'application/json' };
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

async function call(base: string, path: string, init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}) {
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? 'GET',
    headers: init.headers ?? {},
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
}

async function seedPlan(db: Firestore, accountId: string, billing: Partial<BillingSummary>): Promise<void> {
  const summary = billingSummaryFixture({
    customerId: null,
    subscriptionId: 'sub_1',
    currentPeriodEnd: Math.floor(Date.now() / 1000) + 86_400,
    ...billing,
  });
  await db
    .collection(Collection.accounts)
    .doc(accountId)
    .set(accountDocFixture(accountId, summary, { email: null }));
}

async function createKey(base: string, headers: Record<string, string>, name = 'ci'): Promise<{ key: string; id: string; prefix: string }> {
  const res = await call(base, '/api/keys', { method: 'POST', headers: { ...headers, ...json }, body: { name } });
  expect(res.status).toBe(201);
  expect(res.headers.get('cache-control')).toBe('no-store');
  return res.body as { key: string; id: string; prefix: string };
}

describe('API keys over HTTP', () => {
  it('creates a key shown once, lists it without the secret, meters /v1 with it, and refuses it at once after revocation on every instance', async () => {
    const { all, iap } = await setup(2);
    const [a, b] = [all[0]!, all[1]!];
    const alice = await iap('alice@example.com');
    const created = await createKey(a.harness.baseUrl, alice);
    expect(created.key).toMatch(/^bk_[A-Za-z0-9_-]{43}$/);

    const listed = await call(a.harness.baseUrl, '/api/keys', { headers: alice });
    expect(listed.body).toEqual({
      keys: [expect.objectContaining({ id: created.id, name: 'ci', prefix: created.prefix, lastUsedAt: null })],
    });
    expect(JSON.stringify(listed.body)).not.toContain(created.key);

    const renamed = await call(a.harness.baseUrl, `/api/keys/${created.id}`, {
      method: 'PATCH',
      headers: { ...alice, ...json },
      body: { name: 'prod' },
    });
    expect(renamed.body).toMatchObject({ id: created.id, name: 'prod' });
    expect(
      (await call(a.harness.baseUrl, `/api/keys/${created.id}`, { method: 'PATCH', headers: { ...alice, ...json }, body: { name: '' } }))
        .status,
    ).toBe(400);

    expect((await call(a.harness.baseUrl, '/v1/ping', { headers: bearer(created.key) })).body).toEqual({
      ok: true,
      accountId: devSubject('alice@example.com'),
    });
    expect((await call(b.harness.baseUrl, '/v1/ping', { headers: bearer(created.key) })).status).toBe(200);

    const bob = await iap('bob@example.com');
    // The app's CSRF guard wants a JSON body on every state-changing /api call, DELETE included.
    expect(
      (await call(a.harness.baseUrl, `/api/keys/${created.id}`, { method: 'DELETE', headers: { ...bob, ...json }, body: {} })).status,
    ).toBe(404);
    expect(
      (await call(a.harness.baseUrl, `/api/keys/${created.id}`, { method: 'DELETE', headers: { ...alice, ...json }, body: {} })).status,
    ).toBe(204);
    expect((await call(a.harness.baseUrl, '/v1/ping', { headers: bearer(created.key) })).status).toBe(401);
    const deadline = Date.now() + 2_000;
    let onB = 200;
    while (onB !== 401 && Date.now() < deadline) onB = (await call(b.harness.baseUrl, '/v1/ping', { headers: bearer(created.key) })).status;
    expect(onB).toBe(401);
    expect((await call(a.harness.baseUrl, '/api/keys', { headers: alice })).body).toEqual({ keys: [] });
  });

  it('answers 401 to a malformed, unknown or missing key and records nothing, writes nothing', async () => {
    const { first, iap } = await setup();
    const base = first.harness.baseUrl;
    const valid = await createKey(base, await iap('carol@example.com'));
    const before = (await first.db.collection(Collection.apiKeys).get()).docs.map((d) => d.updateTime.toMillis());

    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer' },
      { authorization: 'Basic abc' },
      bearer('bk_nope'),
      bearer(`bk_${'x'.repeat(43)}`),
      bearer(`${valid.key}x`),
    ];
    for (const headers of attempts) {
      const res = await call(base, '/v1/ping', { headers });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ error: { code: 'unauthenticated' } });
    }
    expect((await call(base, '/v1/analyses', { method: 'POST', headers: { ...bearer('bk_bad'), ...json }, body: {} })).status).toBe(401);

    await first.metering.close(); // flush everything this instance holds
    expect((await first.db.collectionGroup(Collection.usage).get()).size).toBe(0);
    expect((await first.db.collection(Collection.usageOutbox).get()).size).toBe(0);
    expect((await first.db.collection(Collection.apiKeys).get()).docs.map((d) => d.updateTime.toMillis())).toEqual(before);
  });
});

describe('/v1 metering over HTTP', () => {
  it('rate limits with 429 and Retry-After, and a refused call records nothing', async () => {
    const frozen = Date.now(); // the bucket refills one token per second at 60/minute: stop the metering clock
    const { first, iap } = await setup(1, { now: () => frozen });
    const base = first.harness.baseUrl;
    const key = await createKey(base, await iap('dave@example.com')); // free plan: 60 requests/minute
    for (let i = 0; i < 60; i++) expect((await call(base, '/v1/ping', { headers: bearer(key.key) })).status).toBe(200);
    const limited = await call(base, '/v1/ping', { headers: bearer(key.key) });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ error: { code: 'rate_limited', limitPerMinute: 60 } });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    await first.metering.recorder.flush();
    const usage = await call(base, '/api/usage', { headers: await iap('dave@example.com') });
    // Every day of the calendar month up to today (the metering's clock), `units` today.
    const today = new Date(frozen);
    const byDay = (units: number) =>
      Array.from({ length: today.getUTCDate() }, (_, i) => ({
        day: `${today.toISOString().slice(0, 8)}${String(i + 1).padStart(2, '0')}`,
        used: i + 1 === today.getUTCDate() ? units : 0,
      }));
    expect(usage.body).toEqual({
      usage: [
        // The key's creator made the calls: a personal account's only member.
        {
          feature: 'api_calls',
          used: 60,
          limit: 1000,
          periodEnd: calendarMonth(Date.now()).end,
          byMember: [{ userId: devSubject('dave@example.com'), used: 60 }],
          byDay: byDay(60),
        },
        { feature: 'exports', used: 0, limit: 0, periodEnd: calendarMonth(Date.now()).end, byMember: [], byDay: byDay(0) },
        { feature: 'analyses', used: 0, limit: 10, periodEnd: calendarMonth(Date.now()).end, byMember: [], byDay: byDay(0) },
        { feature: 'tokens', used: 0, limit: 10_000, periodEnd: calendarMonth(Date.now()).end, byMember: [], byDay: byDay(0) },
      ],
    });
  });

  it('one per-minute bucket per user: several keys and the browser (IAP) path share it; another user keeps their own', async () => {
    const frozen = Date.now(); // no refill during the test
    const { first, iap } = await setup(1, { now: () => frozen });
    const base = first.harness.baseUrl;
    const gina = await iap('gina@example.com'); // free plan: 60 requests/minute
    const keys = [await createKey(base, gina, 'a'), await createKey(base, gina, 'b'), await createKey(base, gina, 'c')];
    const callers = [...keys.map((k) => bearer(k.key)), gina];
    // 15 calls from each of the four callers: exactly the user's 60.
    for (let i = 0; i < 15; i++) for (const headers of callers) expect((await call(base, '/v1/ping', { headers })).status).toBe(200);
    for (const headers of callers) {
      const limited = await call(base, '/v1/ping', { headers });
      expect(limited.status).toBe(429);
      expect(limited.body).toMatchObject({ error: { code: 'rate_limited', limitPerMinute: 60 } });
    }
    const key4 = await createKey(base, gina, 'd'); // a fresh key does not bring a fresh bucket
    expect((await call(base, '/v1/ping', { headers: bearer(key4.key) })).status).toBe(429);

    const henry = await iap('henry@example.com');
    const henryKey = await createKey(base, henry);
    for (let i = 0; i < 30; i++) expect((await call(base, '/v1/ping', { headers: bearer(henryKey.key) })).status).toBe(200);
    for (let i = 0; i < 30; i++) expect((await call(base, '/v1/ping', { headers: henry })).status).toBe(200);
    expect((await call(base, '/v1/ping', { headers: henry })).status).toBe(429);
  });

  it('admits exactly the quota, then answers 429 with feature, used, limit, periodEnd and upgradeUrl; a bad body costs nothing', async () => {
    const { first, iap } = await setup();
    const base = first.harness.baseUrl;
    const key = await createKey(base, await iap('erin@example.com')); // free: analyses = 10
    const headers = { ...bearer(key.key), ...json };
    expect((await call(base, '/v1/analyses', { method: 'POST', headers, body: { input: 42 } })).status).toBe(400);
    for (let i = 0; i < 10; i++)
      expect((await call(base, '/v1/analyses', { method: 'POST', headers, body: { input: 'x' } })).status).toBe(201);
    const over = await call(base, '/v1/analyses', { method: 'POST', headers, body: { input: 'x' } });
    expect(over.status).toBe(429);
    expect(over.body).toEqual({
      error: {
        code: 'quota_exceeded',
        message: 'Monthly quota for analyses exceeded',
        feature: 'analyses',
        used: 10,
        limit: 10,
        periodEnd: calendarMonth(Date.now()).end,
        upgradeUrl: 'http://127.0.0.1:8789/billing',
      },
    });
  });

  it('answers 415 to a body that is not JSON and 400 to malformed JSON, and charges neither', async () => {
    const { first, iap } = await setup();
    const base = first.harness.baseUrl;
    const user = 'ida@example.com';
    const key = await createKey(base, await iap(user)); // free: analyses = 10
    const post = (headers: Record<string, string>, body: string) =>
      fetch(`${base}/v1/analyses`, { method: 'POST', headers: { ...bearer(key.key), ...headers }, body });
    for (const [contentType, body] of [
      ['text/plain', '{"input":"x"}'],
      ['application/x-www-form-urlencoded', 'input=x'],
      ['application/octet-stream', 'x'],
    ] as const) {
      const res = await post({ 'content-type': contentType }, body);
      expect(res.status).toBe(415);
      expect(await res.json()).toMatchObject({ error: { code: 'unsupported_media_type' } });
    }
    expect((await post(json, '{"input":')).status).toBe(400);
    expect((await post(json, '{"input":42}')).status).toBe(400);

    await first.metering.recorder.flush();
    expect((await createStore(first.db).usageCounter(devSubject(user), 'analyses', calendarMonth(Date.now()).start).get()).exists).toBe(
      false,
    );
    const usage = await call(base, '/api/usage', { headers: await iap(user) });
    expect((usage.body as { usage: { feature: string; used: number }[] }).usage.find((u) => u.feature === 'analyses')?.used).toBe(0);
    expect((await post(json, '{"input":"x"}')).status).toBe(201); // a well-formed call is charged as before
  });

  it('meters a past-due subscriber on the paid quotas within the grace period and as free after it, as access control does', async () => {
    const { first, iap } = await setup();
    const base = first.harness.baseUrl;
    const email = 'jack@example.com';
    const accountId = devSubject(email);
    const now = Math.floor(Date.now() / 1000);
    const renewedAt = now - 86_400; // one day into the 3-day grace
    await seedPlan(first.db, accountId, {
      status: 'past_due',
      planId: 'pro',
      currentPeriodStart: renewedAt,
      billingCycleAnchor: renewedAt,
    });
    const headers = await iap(email);
    const limits = async () =>
      Object.fromEntries(
        ((await call(base, '/api/usage', { headers })).body as { usage: { feature: string; limit: unknown }[] }).usage.map((u) => [
          u.feature,
          u.limit,
        ]),
      );
    expect(await limits()).toEqual({ api_calls: 100_000, exports: 1_000, analyses: 1_000, tokens: 1_000_000 });
    expect((await call(base, '/v1/ping', { headers })).status).toBe(200);

    // The renewal failed four days ago: past the grace, the user is on the free plan for features and quotas alike.
    await first.db
      .collection(Collection.accounts)
      .doc(accountId)
      .update({ 'billing.currentPeriodStart': now - 4 * 86_400, 'billing.billingCycleAnchor': now - 4 * 86_400 });
    const deadline = Date.now() + 3_000;
    let seen = await limits();
    while (seen['analyses'] !== 10 && Date.now() < deadline) seen = await limits();
    expect(seen).toEqual({ api_calls: 1_000, exports: 0, analyses: 10, tokens: 10_000 });
    const usage = (await call(base, '/api/usage', { headers })).body as { usage: { periodEnd: number }[] };
    expect(usage.usage[0]?.periodEnd).toBe(calendarMonth(Date.now()).end);
    expect((await call(base, '/v1/ping', { headers })).status).toBe(200); // the free plan includes API access, with its quota
  });

  it('two app instances x 64 concurrent requests on one user quota: admitted <= limit, Firestore total == admitted', async () => {
    const { all, iap } = await setup(2);
    const [a, b] = [all[0]!, all[1]!];
    const accountId = devSubject('frank@example.com');
    await seedPlan(a.db, accountId, {}); // pro: analyses = 1000 per period, 600 requests/minute
    const periodStart = Math.floor(Date.now() / 1000) - 86_400;
    await a.db
      .collection(Collection.accounts)
      .doc(accountId)
      .update({ 'billing.currentPeriodStart': periodStart, 'billing.billingCycleAnchor': periodStart });
    const counter = createStore(a.db).usageCounter(accountId, 'analyses', periodStart);
    // 950 of 1000 already used: 50 left for 128 concurrent requests.
    await counter.set({
      accountId,
      feature: 'analyses',
      periodStart,
      periodEnd: periodStart + 2 * 86_400,
      limit: 1000,
      reserved: 950,
      used: 950,
      byMember: {},
      byDay: {},
      expireAt: Timestamp.now(),
      updatedAt: Timestamp.now(),
    });
    const key = await createKey(a.harness.baseUrl, await iap('frank@example.com'));

    const results = await Promise.all(
      [a, b].flatMap((inst) =>
        Array.from({ length: 64 }, () =>
          call(inst.harness.baseUrl, '/v1/analyses', { method: 'POST', headers: { ...bearer(key.key), ...json }, body: {} }),
        ),
      ),
    );
    const admitted = results.filter((r) => r.status === 201).length;
    expect(
      results.every(
        (r) => r.status === 201 || (r.status === 429 && (r.body as { error: { code: string } }).error.code === 'quota_exceeded'),
      ),
    ).toBe(true);
    expect(admitted).toBeLessThanOrEqual(50); // stated slack: zero
    expect(admitted).toBeGreaterThanOrEqual(25);

    await Promise.all([a.metering.close(), b.metering.close()]);
    const stored = (await counter.get()).data();
    expect(stored?.used).toBe(950 + admitted);
    expect(stored?.reserved).toBe(950 + admitted);
    expect(stored?.byMember).toEqual({ [accountId]: admitted }); // the 950 stored before attribution stay in `used` only
  });
});

describe('usage by member over HTTP', () => {
  it('attributes a team’s calls to the member who made them, through IAP or their API key, on two instances; GET /api/usage lists both', async () => {
    const { all, iap } = await setup(3);
    const [a, b, c] = [all[0]!, all[1]!, all[2]!];
    const owner = 'olga@example.com';
    const member = 'mike@example.com';
    const asOwner = await iap(owner);
    const asMember = await iap(member);
    const created = await call(a.harness.baseUrl, '/api/teams', {
      method: 'POST',
      headers: { ...asOwner, ...json },
      body: { name: 'Metered' },
    });
    expect(created.status).toBe(201);
    const team = (created.body?.['account'] as { id: string }).id;
    const forTeam = { 'x-billing-account': team };
    await a.db
      .collection(Collection.accounts)
      .doc(team)
      .update({ billing: billingSummaryFixture({ planId: 'team', quantity: 3, customerId: null }) });
    const invited = await call(a.harness.baseUrl, '/api/team/invitations', {
      method: 'POST',
      headers: { ...asOwner, ...forTeam, ...json },
      body: { email: member, role: 'member' },
    });
    expect(invited.status).toBe(201);
    const invitationId = (invited.body?.['invitation'] as { id: string }).id;
    expect(
      (
        await call(b.harness.baseUrl, `/api/invitations/${invitationId}/accept`, {
          method: 'POST',
          headers: { ...asMember, ...json },
          body: {},
        })
      ).status,
    ).toBe(200);
    const memberKey = await createKey(b.harness.baseUrl, { ...asMember, ...forTeam }); // the team's key, created by the member

    const ping = async (base: string, headers: Record<string, string>, times: number) => {
      for (let i = 0; i < times; i++) expect((await call(base, '/v1/ping', { headers })).status).toBe(200);
    };
    await ping(a.harness.baseUrl, { ...asOwner, ...forTeam }, 3);
    await ping(b.harness.baseUrl, bearer(memberKey.key), 5);
    await ping(a.harness.baseUrl, { ...asMember, ...forTeam }, 2);
    await Promise.all([a.metering.close(), b.metering.close()]); // flush both instances

    // A third instance never recorded for the team: it answers from the counter as stored.
    const usage = await call(c.harness.baseUrl, '/api/usage', { headers: { ...asOwner, ...forTeam } });
    const apiCalls = (usage.body as { usage: { feature: string; used: number; byMember: unknown }[] }).usage.find(
      (u) => u.feature === 'api_calls',
    );
    expect(apiCalls).toMatchObject({
      used: 10,
      byMember: [
        { userId: devSubject(member), used: 7 },
        { userId: devSubject(owner), used: 3 },
      ],
    });
  });
});
