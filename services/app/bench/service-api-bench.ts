// Service API bench (`npm run bench -- service`):
//  - check: POST /v1/check (a plan feature, and a metered feature with units) against a baseline
//    route in the same process that only verifies the service's ID token, interleaved rounds from
//    a load generator in its own process (the access bench's method). Target: check >= 90% of the
//    baseline's throughput, p99 < 5 ms. The baseline goes through what every request of the app
//    goes through first (app.ts `everyRequest`: the request logger, security headers; and /v1's
//    no-store), so the ratio measures the route; a bare Express verify-only route is measured too,
//    for information (what the app's shared middleware and router cost).
//  - track: POST /v1/track with a fresh idempotency key per call, 100 units each, on two app
//    instances sharing Firestore, Team accounts whose quotas are on (1,000,000 API calls a month,
//    metered through Stripe). Then every instance flushes, one reportUsage run bills the usage to
//    the Stripe stand-in, and admitted = counted (Firestore) = billed (meter events) is checked.
//    Target: >= 20,000 admitted units/s.
// The caller provides FIRESTORE_EMULATOR_HOST.
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { everyRequest } from '../src/app.js';
import { noStore } from '../src/http/security-headers.js';
import { createFirestore } from '@billing/shared/firestore/firestore-client.js';
import { createStore } from '@billing/shared/firestore/store.js';
import { createLogger, silentLogger } from '@billing/shared/logging/logger.js';
import { Collection } from '@billing/shared/model/collections.js';
import { systemClock } from '@billing/shared/ports/clock.js';
import { createSdkMeterEventSender } from '@billing/shared/stripe/meter-event-sender-sdk.js';
import { createStripeClient } from '@billing/shared/stripe/stripe-client.js';
import { accountDocFixture, billingSummaryFixture } from '@billing/shared/testing/billing-summary-fixture.js';
import { summarizeLoad, type LoadSample } from '@billing/shared/testing/closed-loop-load.js';
import { testProjectId } from '@billing/shared/testing/emulator.js';
import { runInterleaved, startLoadGenerator, type LoadRequest } from '@billing/shared/testing/load-generator-process.js';
import { runUsageReport } from '@billing/shared/usage/reporting/run-usage-report.js';
import { createStandIn } from '@billing/stripe-stand-in/stand-in.js';
import { composeApp, type ComposedApp } from '../src/compose-app.js';
import { listenHandler, type Listening } from '../src/testing/listen.js';
import { testConfig } from '../src/testing/test-config.js';

const SERVICE = 'bench-host@bench.iam.gserviceaccount.com';
const BASELINE_PATH = '/bench/verify-only';
const BARE_PATH = '/bench/bare-verify-only';
const UNITS_PER_TRACK = 100;

export interface ServiceBenchOptions {
  concurrency?: number;
  durationMs?: number;
  warmupMs?: number;
  rounds?: number;
  /** Track phase duration per instance (default 10 s). */
  trackDurationMs?: number;
  accounts?: number;
}

export interface RouteResult {
  requests: number;
  errors: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /**
   * CPU of this process (both app instances, the Firestore client, garbage collection) per request
   * while the target ran, in microseconds: less at the mercy of the machine's other tenants than
   * throughput. The load generator's CPU is its own process's.
   */
  cpuMicrosPerRequest?: number;
}

export interface ServiceBenchResult {
  concurrency: number;
  /** Verify-only behind the app's every-request middleware: the target's baseline. */
  baseline: RouteResult;
  /** Verify-only on a bare Express app (information). */
  bare: RouteResult;
  check: RouteResult;
  checkMetered: RouteResult;
  /** check / baseline throughput (target >= 0.9). */
  checkRatio: number;
  checkMeteredRatio: number;
  track: {
    instances: number;
    unitsPerCall: number;
    calls: RouteResult;
    admittedUnits: number;
    countedUnits: number;
    billedUnits: number;
    admittedUnitsPerSecond: number;
  };
}

const summarize = (samples: readonly LoadSample[], cpuMicros?: number): RouteResult => {
  const { perSecond, ...rest } = summarizeLoad(samples);
  const answered = rest.requests + rest.errors;
  const cpu = cpuMicros !== undefined && answered > 0 ? { cpuMicrosPerRequest: Math.round(cpuMicros / answered) } : {};
  return { ...rest, requestsPerSecond: Math.round(perSecond), ...cpu };
};

export async function runServiceApiBench(opts: ServiceBenchOptions = {}): Promise<ServiceBenchResult> {
  const concurrency = opts.concurrency ?? 4;
  const durationMs = opts.durationMs ?? 10_000;
  const warmupMs = opts.warmupMs ?? 2_000;
  const rounds = opts.rounds ?? 10;
  const trackDurationMs = opts.trackDurationMs ?? 10_000;
  const accountCount = opts.accounts ?? 8;
  if (!process.env['FIRESTORE_EMULATOR_HOST']) throw new Error('runServiceApiBench needs FIRESTORE_EMULATOR_HOST');

  const projectId = testProjectId('svc-bench');
  const firestore = createFirestore(projectId);
  const store = createStore(firestore);
  const standIn = createStandIn({ webhookSecret: 'whsec_bench' });
  const stripeServer = await standIn.listen(0);
  const stripe = createStripeClient({ secretKey: 'sk_test_bench', apiBase: stripeServer.url });
  // Logs at info level, as in production, to a sink: their cost is measured too.
  const logger = createLogger({ service: 'service-bench', destination: new Writable({ write: (_c, _e, done) => done() }) });
  const instances: { composed: ComposedApp; server: Listening; token: string }[] = [];
  const generator = await startLoadGenerator();
  try {
    // Team accounts with a Stripe customer: quotas on, API calls billed through the meter.
    const accounts = Array.from({ length: accountCount }, (_, i) => `bench_team_${i}`);
    const customers = await Promise.all(accounts.map((accountId) => stripe.customers.create({ metadata: { accountId } })));
    await Promise.all(
      accounts.map((id, i) =>
        store.accounts
          .doc(id)
          .set(
            accountDocFixture(
              id,
              billingSummaryFixture({ planId: 'team', priceId: 'price_team_month', customerId: customers[i]!.id, quantity: 5 }),
            ),
          ),
      ),
    );

    for (let i = 0; i < 2; i++) {
      const composed = await composeApp(testConfig({ projectId, stripeApiBase: stripeServer.url, env: { SERVICE_ACCOUNTS: SERVICE } }), {
        logger,
        firestore,
      });
      const verifyOnly: express.RequestHandler = async (req, res) => {
        const verified = await composed.serviceVerifier.verify(/^Bearer (\S+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '');
        res.json({ serviceAccount: verified.serviceAccount });
      };
      const baseline = express();
      baseline.use(everyRequest({ logger, projectId, billing: { publicBaseUrl: 'http://127.0.0.1' } }), noStore());
      baseline.post(BASELINE_PATH, verifyOnly);
      const bare = express();
      bare.post(BARE_PATH, verifyOnly);
      const server = await listenHandler((req, res) => {
        if (req.url === BASELINE_PATH) baseline(req, res);
        else if (req.url === BARE_PATH) bare(req, res);
        else composed.app(req, res);
      });
      const token = await (await fetch(`${server.baseUrl}/dev/service-token?email=${SERVICE}`)).text();
      instances.push({ composed, server, token });
    }
    const [a] = instances;
    if (!a) throw new Error('unreachable');
    const headers = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
    const post = (token: string, body: unknown): LoadRequest => ({ method: 'POST', headers: headers(token), body: JSON.stringify(body) });

    // --- check against verify-only, on instance a ---
    const targets = {
      baseline: [post(a.token, {})],
      bare: [post(a.token, {})],
      check: accounts.map((account) => post(a.token, { account, feature: 'advanced_analytics' })),
      checkMetered: accounts.map((account) => post(a.token, { account, feature: 'api_calls', units: 10 })),
    };
    const urls = { baseline: BASELINE_PATH, bare: BARE_PATH, check: '/v1/check', checkMetered: '/v1/check' };
    const names = Object.keys(targets) as (keyof typeof targets)[];
    for (const name of names) await generator.define(name, new URL(urls[name], a.server.baseUrl).href, targets[name]);
    for (const name of names) await generator.run(name, concurrency, warmupMs);
    const measured = await runInterleaved(generator, names, { rounds, concurrency, totalMs: durationMs });
    const [baseline, bare, check, checkMetered] = names.map((n) => summarize(measured.get(n)!.samples, measured.get(n)!.cpuMicros)) as [
      RouteResult,
      RouteResult,
      RouteResult,
      RouteResult,
    ];

    // --- track on both instances at once, a fresh idempotency key per call ---
    const perInstanceCalls = 40_000; // more than a run can send: no key repeats
    for (const [i, inst] of instances.entries()) {
      const bodies = Array.from({ length: perInstanceCalls }, (_, n) =>
        post(inst.token, {
          account: accounts[n % accounts.length],
          feature: 'api_calls',
          units: UNITS_PER_TRACK,
          idempotencyKey: `bench-${i}-${n}`,
        }),
      );
      await generator.define(`track-${i}`, new URL('/v1/track', inst.server.baseUrl).href, bodies);
    }
    const started = Date.now();
    const trackSamples = await Promise.all(instances.map((_, i) => generator.run(`track-${i}`, concurrency * 2, trackDurationMs)));
    const elapsedS = (Date.now() - started) / 1000;
    const calls = summarize(trackSamples);
    // Every admitted call left its key `admitted`; flush both instances (SIGTERM's path), then bill.
    await Promise.all(instances.map((inst) => inst.composed.metering.close()));
    const admittedCalls = (await store.trackKeys.where('state', '==', 'admitted').count().get()).data().count;
    const admittedUnits = admittedCalls * UNITS_PER_TRACK;
    const counters = await firestore.collectionGroup(Collection.usage).get();
    const countedUnits = counters.docs.reduce((sum, d) => sum + Number(d.get('used')), 0);
    await runUsageReport({ db: firestore, sender: createSdkMeterEventSender(stripe), clock: systemClock, logger: silentLogger() });
    const billedUnits = customers.reduce((sum, c) => sum + standIn.meterEvents(c.id).reduce((s, e) => s + e.value, 0), 0);

    return {
      concurrency,
      baseline,
      bare,
      check,
      checkMetered,
      checkRatio: check.requestsPerSecond / baseline.requestsPerSecond,
      checkMeteredRatio: checkMetered.requestsPerSecond / baseline.requestsPerSecond,
      track: {
        instances: instances.length,
        unitsPerCall: UNITS_PER_TRACK,
        calls,
        admittedUnits,
        countedUnits,
        billedUnits,
        admittedUnitsPerSecond: Math.round(admittedUnits / elapsedS),
      },
    };
  } finally {
    await generator.stop();
    for (const inst of instances) {
      await inst.server.close();
      await inst.composed.close();
    }
    await stripeServer.close();
    await firestore.terminate();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.env['METADATA_SERVER_DETECTION'] ??= 'none';
  process.stdout.write(`${JSON.stringify(await runServiceApiBench(), null, 2)}\n`);
}
