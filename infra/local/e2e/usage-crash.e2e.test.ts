// Issue 5: kill an instance between recording and reporting; after a restart, Stripe (the stand-in)
// has every unit exactly once. Real processes, killed with SIGKILL (no SIGTERM, no flush, no
// finally), against the Firestore emulator of the vitest global setup and the stand-in over HTTP:
//  A. an app process (services/app/src/server.ts) admits metered API calls, flushes them, and is
//     killed; a fresh app process takes more calls; the reporter bills all of them once.
//  B. the function host (infra/local/src/function-host.ts) runs reportUsage and is killed while the
//     stand-in holds the answer to a meter event it has already recorded (the report is claimed in
//     Firestore, never marked sent); a new host process finishes the report without billing twice.
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Firestore } from '@google-cloud/firestore';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApiKeyStore } from '@billing/shared/api-keys/api-key-store.js';
import { silentLogger } from '@billing/shared/logging/logger.js';
import { Collection } from '@billing/shared/model/collections.js';
import { AccountId } from '@billing/shared/model/ids.js';
import { allLookupKeys } from '@billing/shared/plans/catalog.js';
import { systemClock } from '@billing/shared/ports/clock.js';
import { createSdkMeterEventSender } from '@billing/shared/stripe/meter-event-sender-sdk.js';
import { createStripeClient } from '@billing/shared/stripe/stripe-client.js';
import { billingSummaryFixture, accountDocFixture } from '@billing/shared/testing/billing-summary-fixture.js';
import { testFirestore, testProjectId } from '@billing/shared/testing/emulator.js';
import { firestoreBillingSource } from '@billing/shared/usage/usage-account.js';
import { UsageCounterDoc } from '@billing/shared/model/usage-documents.js';
import { createUsageRecorder } from '@billing/shared/usage/usage-recorder.js';
import { runUsageReport } from '@billing/shared/usage/reporting/run-usage-report.js';
import { startStandIn, type RunningStandIn } from '@billing/stripe-stand-in/testing/start-stand-in.js';
import { freePort } from '../src/emulators.js';
import { startProcess, type ManagedProcess } from '../src/processes.js';
import { USAGE_TICK_TOPIC } from '../src/usage-ticker.js';
import { createStore } from '@billing/shared/firestore/store.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const LOG_LEVEL = process.env['E2E_LOG_LEVEL'] ?? 'error';
const SECRET_KEY = 'sk_test_usage_crash';
const METER = 'api_calls'; // the team plan's metered feature and its Billing Meter event name

interface World {
  projectId: string;
  db: Firestore;
  stripe: RunningStandIn;
}

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  // Children first (stop() is a no-op for one already killed), so nothing outlives the test.
  for (const fn of cleanup.splice(0).reverse())
    await Promise.resolve()
      .then(fn)
      .catch(() => undefined);
});

async function world(label: string): Promise<World> {
  const projectId = testProjectId(label);
  const db = testFirestore(projectId);
  const stripe = await startStandIn({ maxNetworkRetries: 2 });
  cleanup.push(
    () => db.terminate(),
    () => stripe.close(),
  );
  return { projectId, db, stripe };
}

/** A team subscriber (api_calls billed through the `api_calls` meter), as run-usage-report.test.ts sets one up. */
async function teamUser(w: World): Promise<{ accountId: AccountId; customerId: string }> {
  const accountId = `crash_${randomUUID().slice(0, 8)}`;
  const customer = await w.stripe.stripe.customers.create({ metadata: { accountId } });
  const billing = billingSummaryFixture({
    customerId: customer.id,
    subscriptionId: 'sub_crash',
    planId: 'team',
    priceId: 'price_team_month',
  });
  await w.db
    .collection(Collection.accounts)
    .doc(accountId)
    .set(accountDocFixture(accountId, billing, { email: null }));
  return { accountId: AccountId.parse(accountId), customerId: customer.id };
}

/** `entry` as its own node process; its `kill` (SIGKILL) also checks that a signal, not an exit, ended it. */
async function startKillable(name: string, entry: string, env: Record<string, string>, readyUrl: string): Promise<ManagedProcess> {
  const proc = await startProcess({
    name,
    command: process.execPath,
    args: ['--import', 'tsx', path.join(ROOT, entry)],
    env,
    cwd: ROOT,
    readyUrl,
    readyTimeoutMs: 45_000,
  });
  cleanup.push(proc.stop);
  return {
    ...proc,
    async kill() {
      const code = await Promise.race([proc.kill().then(() => proc.exited), sleep(10_000).then(() => 'alive' as const)]);
      if (code === 'alive') throw new Error(`${name} survived SIGKILL for 10 s`);
      expect(code).toBeNull(); // killed by a signal, not exited
    },
  };
}

async function startApp(w: World, name: string): Promise<{ proc: ManagedProcess; url: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = {
    GOOGLE_CLOUD_PROJECT: w.projectId,
    PORT: String(port),
    DEV_IAP: 'true',
    PUBLIC_BASE_URL: url,
    STRIPE_SECRET_KEY: SECRET_KEY,
    STRIPE_LIVEMODE: 'false',
    STRIPE_API_BASE: w.stripe.url,
    STRIPE_PRICE_IDS: JSON.stringify(Object.fromEntries(allLookupKeys().map((k) => [k, `price_${k}`]))),
    LOG_LEVEL,
  };
  return { proc: await startKillable(name, 'services/app/src/server.ts', env, `${url}/health`), url };
}

async function startFunctionHost(w: World, name: string): Promise<{ proc: ManagedProcess; tickUrl: string }> {
  const [applyPort, reportPort] = [await freePort(), await freePort()];
  const env = {
    GOOGLE_CLOUD_PROJECT: w.projectId,
    STRIPE_SECRET_KEY: SECRET_KEY,
    STRIPE_LIVEMODE: 'false',
    STRIPE_API_BASE: w.stripe.url,
    APPLY_PORT: String(applyPort),
    REPORT_USAGE_PORT: String(reportPort),
    LOG_LEVEL,
  };
  const tickUrl = `http://127.0.0.1:${reportPort}/`;
  return { proc: await startKillable(name, 'infra/local/src/function-host.ts', env, tickUrl), tickUrl };
}

/** One Cloud Scheduler tick, as the Pub/Sub trigger delivers it (a CloudEvent); answered when the run is over. */
function tick(w: World, tickUrl: string, timeoutMs: number): Promise<Response> {
  return fetch(tickUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'ce-specversion': '1.0',
      'ce-id': randomUUID(),
      'ce-source': `//pubsub.googleapis.com/projects/${w.projectId}/topics/${USAGE_TICK_TOPIC}`,
      'ce-type': 'google.cloud.pubsub.topic.v1.messagePublished',
    },
    body: JSON.stringify({ message: { data: Buffer.from('{"tick":true}').toString('base64'), messageId: randomUUID() } }),
    signal: AbortSignal.timeout(timeoutMs),
  });
}

/** `n` concurrent GET /v1/ping (1 api_calls unit each) with the API key; returns how many were admitted (200). */
async function ping(appUrl: string, apiKey: string, n: number): Promise<number> {
  const statuses = await Promise.all(
    Array.from({ length: n }, async () => {
      const res = await fetch(`${appUrl}/v1/ping`, { headers: { authorization: `Bearer ${apiKey}` }, signal: AbortSignal.timeout(10_000) });
      await res.arrayBuffer();
      return res.status;
    }),
  );
  return statuses.filter((s) => s === 200).length;
}

/** What Firestore holds for the user: the counter's `used` and the outbox entries (units and count). */
async function recorded(w: World, accountId: AccountId): Promise<{ used: number; outbox: number; entries: number }> {
  const counters = await w.db.collection(Collection.accounts).doc(accountId).collection(Collection.usage).get();
  const used = counters.docs.map((d) => UsageCounterDoc.parse(d.data())).reduce((sum, c) => sum + (c.feature === METER ? c.used : 0), 0);
  const outbox = (await createStore(w.db).usageOutbox.where('accountId', '==', accountId).get()).docs.map((d) => d.data());
  return { used, outbox: outbox.reduce((sum, e) => sum + e.value, 0), entries: outbox.length };
}

const billedEvents = (w: World, customerId: string) => w.stripe.standIn.meterEvents(customerId, METER);
const billed = (w: World, customerId: string) => billedEvents(w, customerId).reduce((sum, e) => sum + e.value, 0);

describe('usage reporting survives SIGKILL (issue 5)', () => {
  it(
    'A: an app instance killed after recording loses nothing; after a restart every admitted unit is billed once',
    { timeout: 120_000 },
    async () => {
      const w = await world('e2e-crash-app');
      const { accountId, customerId } = await teamUser(w);
      const { key } = await createApiKeyStore(w.db, systemClock).create(accountId, accountId, 'crash test');

      const first = await startApp(w, 'app-1');
      let admitted = 0;
      for (let wave = 0; wave < 3; wave++) {
        admitted += await ping(first.url, key, 30);
        await sleep(1_100); // spread over several flushes (every 1 s): several outbox entries
      }
      expect(admitted).toBeGreaterThan(0);
      await vi.waitFor(async () => expect(await recorded(w, accountId)).toMatchObject({ used: admitted, outbox: admitted }), {
        timeout: 10_000,
        interval: 200,
      });

      await first.proc.kill();
      expect(await recorded(w, accountId)).toMatchObject({ used: admitted, outbox: admitted });
      expect(billed(w, customerId)).toBe(0);

      // The restart: a fresh instance serves the same key and flushes into the same counter.
      const second = await startApp(w, 'app-2');
      const admittedAfter = await ping(second.url, key, 20);
      expect(admittedAfter).toBeGreaterThan(0);
      const total = admitted + admittedAfter;
      await vi.waitFor(async () => expect(await recorded(w, accountId)).toMatchObject({ used: total, outbox: total }), {
        timeout: 10_000,
        interval: 200,
      });

      const report = () =>
        runUsageReport({
          db: w.db,
          sender: createSdkMeterEventSender(createStripeClient({ secretKey: SECRET_KEY, apiBase: w.stripe.url })),
          clock: systemClock,
          logger: silentLogger(),
        });
      expect(await report()).toMatchObject({ sent: 1, failed: 0, retryLater: 0, units: total });
      expect(billed(w, customerId)).toBe(total);
      expect(billedEvents(w, customerId)).toHaveLength(1);

      expect(await report()).toMatchObject({ resent: 0, claimed: 0, sent: 0 });
      expect(billed(w, customerId)).toBe(total);
    },
  );

  it(
    'B: a reporter killed after Stripe recorded the meter event (report claimed, not marked sent) is finished by the next process, billed once',
    { timeout: 120_000 },
    async () => {
      const w = await world('e2e-crash-report');
      const { accountId, customerId } = await teamUser(w);
      const recorder = createUsageRecorder({
        db: w.db,
        clock: systemClock,
        billing: firestoreBillingSource(w.db, { clock: systemClock, ttlMs: 0 }),
        logger: silentLogger(),
        upgradeUrl: '/billing',
        pastDueGraceSeconds: 3 * 86_400,
        autoFlush: false,
        flushIntervalMs: 0,
      });
      let units = 0;
      for (const batch of [7, 10]) {
        await Promise.all(Array.from({ length: batch }, () => recorder.record({ accountId, userId: accountId }, METER)));
        units += batch;
        await recorder.flush();
      }
      await recorder.close();
      expect(await recorded(w, accountId)).toEqual({ used: units, outbox: units, entries: 2 });

      // Stripe records the next meter event at once but holds its answer for two minutes.
      w.stripe.standIn.failures.add({ method: 'POST', path: '/v1/billing/meter_events', holdMs: 120_000, count: 1 });
      const host = await startFunctionHost(w, 'functions-1');
      const run = tick(w, host.tickUrl, 60_000).then(
        (res) => `answered ${res.status}`,
        () => 'no answer',
      );
      await vi.waitFor(
        async () => {
          expect(billedEvents(w, customerId)).toHaveLength(1);
          expect((await createStore(w.db).usageReports.get()).docs.map((d) => d.data().state)).toEqual(['claimed']);
        },
        { timeout: 30_000, interval: 100 },
      );
      await host.proc.kill();
      expect(await run).toBe('no answer'); // the run never finished

      const reports = (await createStore(w.db).usageReports.get()).docs.map((d) => d.data());
      expect(reports).toHaveLength(1);
      const [claimed] = reports;
      expect(claimed).toMatchObject({ state: 'claimed', value: units, attempts: 0 });
      expect(billedEvents(w, customerId)).toEqual([expect.objectContaining({ identifier: claimed?.identifier, value: units })]);

      const restarted = await startFunctionHost(w, 'functions-2');
      expect((await tick(w, restarted.tickUrl, 30_000)).ok).toBe(true);
      const after = (await createStore(w.db).usageReports.get()).docs.map((d) => d.data());
      expect(after).toEqual([
        expect.objectContaining({ identifier: claimed?.identifier, state: 'sent', value: units, attempts: 1, lastError: null }),
      ]);
      expect(billed(w, customerId)).toBe(units);
      expect(billedEvents(w, customerId)).toHaveLength(1);

      expect((await tick(w, restarted.tickUrl, 30_000)).ok).toBe(true); // nothing left to send
      expect(billedEvents(w, customerId)).toHaveLength(1);
      expect((await createStore(w.db).usageReports.get()).size).toBe(1);
    },
  );
});
