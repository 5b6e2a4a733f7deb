// Access-control bench: authenticated GET /api/me and a gated route (GET /api/reports/advanced)
// against a baseline route in the same process that only verifies the IAP JWT. Each target runs
// for `durationMs` at a fixed concurrency over keep-alive connections, driven from a load
// generator in its own process (load-generator-process.ts), in interleaved rounds (the
// order rotates each round) so that a GC pause or a busy moment of the 2-core machine lands on
// every target alike; reports requests/s and p50/p99 latency over all rounds.
// Target: ≥ 80% of the baseline's throughput and p99 < 5 ms.
// The caller provides FIRESTORE_EMULATOR_HOST (the per-instance cache makes the steady state
// Firestore-free, so the emulator only serves the first load). Stripe is never called.
//   FIRESTORE_EMULATOR_HOST=127.0.0.1:8080 npx tsx services/app/bench/access-bench.ts
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { summarizeLoad } from '@billing/shared/testing/closed-loop-load.js';
import { runInterleaved, startLoadGenerator, type InterleavedTarget } from '@billing/shared/testing/load-generator-process.js';
import { createLogger } from '@billing/shared/logging/logger.js';
import { createFirestore } from '@billing/shared/firestore/firestore-client.js';
import { testProjectId } from '@billing/shared/testing/emulator.js';
import { billingSummaryFixture, accountDocFixture } from '@billing/shared/testing/billing-summary-fixture.js';
import { composeApp } from '../src/compose-app.js';
import { devSubject } from '../src/auth/dev-iap.js';
import { IAP_HEADER } from '../src/auth/iap-verifier.js';
import { listenHandler } from '../src/testing/listen.js';
import { testConfig } from '../src/testing/test-config.js';

const BASELINE_PATH = '/bench/baseline';

export interface BenchOptions {
  concurrency?: number;
  durationMs?: number;
  warmupMs?: number;
  /** Interleaved rounds the duration is split into. Default 10. */
  rounds?: number;
}

export interface TargetResult {
  path: string;
  requests: number;
  errors: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU of this process (the app, its Firestore client, garbage collection) per request while the target ran, in µs. */
  cpuMicrosPerRequest: number;
}

export interface BenchResult {
  concurrency: number;
  durationMs: number;
  baseline: TargetResult;
  me: TargetResult;
  gated: TargetResult;
  /** Throughput relative to the baseline (target ≥ 0.8). */
  meRatio: number;
  gatedRatio: number;
  meetsTarget: boolean;
}

export async function runAccessBench(opts: BenchOptions = {}): Promise<BenchResult> {
  const concurrency = opts.concurrency ?? 16;
  const durationMs = opts.durationMs ?? 10_000;
  const warmupMs = opts.warmupMs ?? 2_000;
  if (!process.env['FIRESTORE_EMULATOR_HOST']) throw new Error('runAccessBench needs FIRESTORE_EMULATOR_HOST');

  const projectId = testProjectId('bench');
  const firestore = createFirestore(projectId);
  // Logs are written at info level, as in production, to a sink, so their cost is measured too.
  const sink = new Writable({ write: (_chunk, _enc, done) => done() });
  const logger = createLogger({ service: 'app-bench', destination: sink });
  const composed = await composeApp(testConfig({ projectId, stripeApiBase: 'http://127.0.0.1:9' }), { logger, firestore });
  const devIap = composed.devIap;
  if (!devIap) throw new Error('bench runs in dev identity mode');
  const email = 'bench@example.com';
  const uid = devSubject(email);
  await firestore.doc(`accounts/${uid}`).set(accountDocFixture(uid, billingSummaryFixture(), { email }));

  // The baseline is its own Express app on the same server; a request goes through exactly one
  // app, as in production (mounting the app inside another one would add a sub-app hop to every
  // request of the measured routes only).
  const baselineApp = express();
  baselineApp.get(BASELINE_PATH, async (req, res) => {
    const identity = await composed.verifier.verify(req.get(IAP_HEADER) ?? '');
    res.json({ accountId: identity.userId });
  });
  const server = await listenHandler((req, res) => {
    if (req.url === BASELINE_PATH) baselineApp(req, res);
    else composed.app(req, res);
  });
  const token = await devIap.sign(email);
  const generator = await startLoadGenerator();

  try {
    const paths = [BASELINE_PATH, '/api/me', '/api/reports/advanced'] as const;
    for (const path of paths) await generator.define(path, new URL(path, server.baseUrl).href, [{ headers: { [IAP_HEADER]: token } }]);
    for (const path of paths) await generator.run(path, concurrency, warmupMs);
    const rounds = opts.rounds ?? 10;
    const measured = await runInterleaved(generator, paths, { rounds, concurrency, totalMs: durationMs });
    const [baseline, me, gated] = paths.map((path) => summarize(path, measured.get(path)!)) as [TargetResult, TargetResult, TargetResult];
    const meRatio = me.requestsPerSecond / baseline.requestsPerSecond;
    const gatedRatio = gated.requestsPerSecond / baseline.requestsPerSecond;
    return {
      concurrency,
      durationMs,
      baseline,
      me,
      gated,
      meRatio,
      gatedRatio,
      meetsTarget: meRatio >= 0.8 && gatedRatio >= 0.8 && me.p99Ms < 5 && gated.p99Ms < 5 && me.errors === 0 && gated.errors === 0,
    };
  } finally {
    await generator.stop();
    await server.close();
    await composed.close();
    await firestore.terminate();
  }
}

function summarize(path: string, { samples, cpuMicros }: InterleavedTarget): TargetResult {
  const { perSecond, ...rest } = summarizeLoad(samples);
  const answered = Math.max(1, rest.requests + rest.errors);
  return { path, ...rest, requestsPerSecond: Math.round(perSecond), cpuMicrosPerRequest: Math.round(cpuMicros / answered) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.env['METADATA_SERVER_DETECTION'] ??= 'none';
  process.stdout.write(`${JSON.stringify(await runAccessBench(), null, 2)}\n`);
}
