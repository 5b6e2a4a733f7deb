// Usage benchmark (`npm run bench`, not a test): admitted units per second through the quota
// recorder WITH quota checks on (leases from Firestore, flushes with outbox), `instances` recorders
// with their own Firestore clients sharing `users` users' counters, `concurrency` callers each;
// then one reportUsage run against the in-process Stripe stand-in over HTTP. Reports Firestore
// writes and Stripe calls per 10,000 units.
// Baseline, same process, same concurrency and duration: the naive design, one
// FieldValue.increment write per unit on the user's counter (no quota check at all).
// Assumes FIRESTORE_EMULATOR_HOST / PUBSUB_EMULATOR_HOST. The emulator is for correctness, not
// absolute throughput: the recorder's rate is mostly CPU, the baseline's is I/O.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { FieldValue, type Firestore } from '@google-cloud/firestore';
import { silentLogger } from '@billing/shared/logging/logger.js';
import { Collection } from '@billing/shared/model/collections.js';
import { AccountId } from '@billing/shared/model/ids.js';
import { systemClock } from '@billing/shared/ports/clock.js';
import { createSdkMeterEventSender } from '@billing/shared/stripe/meter-event-sender-sdk.js';
import { createStripeClient } from '@billing/shared/stripe/stripe-client.js';
import { testFirestore } from '@billing/shared/testing/emulator.js';
import { firestoreBillingSource } from '@billing/shared/usage/usage-account.js';

import { createUsageRecorder, type UsageRecorder } from '@billing/shared/usage/usage-recorder.js';
import { runUsageReport } from '@billing/shared/usage/reporting/run-usage-report.js';
import { billingSummaryFixture, accountDocFixture } from '@billing/shared/testing/billing-summary-fixture.js';
import { createStandIn } from '@billing/stripe-stand-in/stand-in.js';
import { createStore } from '@billing/shared/firestore/store.js';

/** Members per account whose units the counters keep apart (`byMember`). */
const MEMBERS = 4;

export interface UsageBenchOptions {
  durationMs?: number;
  instances?: number;
  /** Concurrent callers per instance. */
  concurrency?: number;
  users?: number;
  flushIntervalMs?: number;
}

export interface BenchResult {
  durationMs: number;
  instances: number;
  concurrency: number;
  users: number;
  flushIntervalMs: number;
  admittedUnits: number;
  /** With quota checks on. Target >= 5,000. */
  admittedUnitsPerSecond: number;
  /** Units per second of this process's CPU (user + system, Firestore client included): what a dedicated core would give. */
  unitsPerCpuSecond: number;
  /** 1-minute load average during the run: on a shared 2-core machine, throughput scales down with it. */
  loadAverage: number;
  target: number;
  /** Counter + outbox documents written by the recorders, per 10,000 units. */
  recorderWritesPer10k: number;
  /** Report + claimed outbox entries + "sent" marks written by the reporter, per 10,000 units. */
  reporterWritesPer10k: number;
  stripeCallsPer10k: number;
  /** Over the run; at most one per customer per run (a run is one flush interval of the reporter). */
  stripeCalls: number;
  billedUnits: number;
  firestoreUsedUnits: number;
  baselineUnitsPerSecond: number;
  baselineWritesPer10k: number;
  speedup: number;
}

async function seedTeamUsers(db: Firestore, ids: string[], customers: string[]): Promise<void> {
  await Promise.all(
    ids.map((accountId, i) => {
      // team: api_calls 1,000,000 per period, billed through the api_calls meter
      const billing = billingSummaryFixture({
        customerId: customers[i] ?? null,
        subscriptionId: `sub_bench${i}`,
        planId: 'team',
        priceId: 'price_team_month',
      });
      return db
        .collection(Collection.accounts)
        .doc(accountId)
        .set(accountDocFixture(accountId, billing, { email: null }));
    }),
  );
}

async function loop(deadline: number, concurrency: number, step: (i: number) => Promise<void>): Promise<number> {
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = worker; Date.now() < deadline; i += concurrency) {
        await step(i);
        done++;
      }
    }),
  );
  return done;
}

export async function runUsageBench(opts: UsageBenchOptions = {}): Promise<BenchResult> {
  const durationMs = opts.durationMs ?? 5_000;
  const instances = opts.instances ?? 2;
  const concurrency = opts.concurrency ?? 64;
  const userCount = opts.users ?? 10;
  const flushIntervalMs = opts.flushIntervalMs ?? 1_000;
  const projectId = `demo-usage-bench-${randomUUID().slice(0, 8)}`;
  const dbs = Array.from({ length: instances }, () => testFirestore(projectId));
  const db = dbs[0]!;
  const standIn = createStandIn({ webhookSecret: 'whsec_bench' });
  const server = await standIn.listen(0);
  const stripe = createStripeClient({ secretKey: 'sk_test_bench', apiBase: server.url });
  const recorders: UsageRecorder[] = [];
  try {
    const customers = await Promise.all(
      Array.from({ length: userCount }, (_, i) => stripe.customers.create({ metadata: { accountId: `bench-user-${i}` } })),
    );
    const users = customers.map((_, i) => AccountId.parse(`bench-user-${i}`));
    await seedTeamUsers(
      db,
      users,
      customers.map((c) => c.id),
    );

    let recorderWrites = 0;
    for (const instanceDb of dbs) {
      recorders.push(
        createUsageRecorder({
          db: instanceDb,
          clock: systemClock,
          billing: firestoreBillingSource(instanceDb, { clock: systemClock }),
          logger: silentLogger(),
          upgradeUrl: '/billing',
          pastDueGraceSeconds: 3 * 86_400,
          flushIntervalMs,
          onWrite: (n) => (recorderWrites += n),
        }),
      );
    }
    // Warm-up: first lease and billing read per user and instance, outside the measurement.
    await Promise.all(recorders.flatMap((r) => users.map((accountId) => r.record({ accountId, userId: accountId }, 'api_calls'))));
    const warmUnits = recorders.length * users.length;

    const cpuBefore = process.cpuUsage();
    const started = Date.now();
    const deadline = started + durationMs;
    // Each account's calls come from MEMBERS members in turn, so the per-member bookkeeping is measured too.
    const subject = (i: number) => {
      const accountId = users[i % users.length]!;
      return { accountId, userId: `${accountId}:member-${Math.floor(i / users.length) % MEMBERS}` };
    };
    const admittedPerInstance = await Promise.all(
      recorders.map((r) => loop(deadline, concurrency, (i) => r.record(subject(i), 'api_calls').then(() => undefined))),
    );
    const elapsed = Date.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const admittedUnits = admittedPerInstance.reduce((a, b) => a + b, 0);
    await Promise.all(recorders.map((r) => r.close())); // SIGTERM path: flush everything
    const totalUnits = admittedUnits + warmUnits;

    const outboxBefore = (await createStore(db).usageOutbox.get()).size;
    const report = await runUsageReport({ db, sender: createSdkMeterEventSender(stripe), clock: systemClock, logger: silentLogger() });
    const reports = (await createStore(db).usageReports.get()).size;
    const stripeCalls = users.reduce((sum, _, i) => sum + standIn.meterEvents(customers[i]!.id).length, 0);
    const billedUnits = users.reduce((sum, _, i) => sum + standIn.meterEvents(customers[i]!.id).reduce((s, e) => s + e.value, 0), 0);
    const counters = await db.collectionGroup(Collection.usage).get();
    const firestoreUsedUnits = counters.docs.reduce((sum, d) => sum + Number(d.get('used')), 0);

    // Baseline: one increment write per unit, same concurrency per instance, same duration.
    const baseDeadline = Date.now() + durationMs;
    const baseStarted = Date.now();
    const baselineUnits = (
      await Promise.all(
        dbs.map((instanceDb) =>
          loop(baseDeadline, concurrency, (i) =>
            instanceDb
              .doc(`bench_baseline/${users[i % users.length]!}`)
              .set({ used: FieldValue.increment(1) }, { merge: true })
              .then(() => undefined),
          ),
        ),
      )
    ).reduce((a, b) => a + b, 0);
    const baselineUnitsPerSecond = baselineUnits / ((Date.now() - baseStarted) / 1000);

    const per10k = (n: number) => Math.round((n / totalUnits) * 10_000 * 100) / 100;
    const admittedUnitsPerSecond = admittedUnits / (elapsed / 1000);
    return {
      durationMs: elapsed,
      instances,
      concurrency,
      users: userCount,
      flushIntervalMs,
      admittedUnits: totalUnits,
      admittedUnitsPerSecond: Math.round(admittedUnitsPerSecond),
      unitsPerCpuSecond: Math.round(admittedUnits / ((cpu.user + cpu.system) / 1e6)),
      loadAverage: os.loadavg()[0] ?? 0,
      target: 5_000,
      recorderWritesPer10k: per10k(recorderWrites),
      reporterWritesPer10k: per10k(reports * 2 + outboxBefore),
      stripeCallsPer10k: per10k(stripeCalls),
      stripeCalls: report.sent === stripeCalls ? stripeCalls : -1,
      billedUnits,
      firestoreUsedUnits,
      baselineUnitsPerSecond: Math.round(baselineUnitsPerSecond),
      baselineWritesPer10k: 10_000,
      speedup: Math.round((admittedUnitsPerSecond / baselineUnitsPerSecond) * 10) / 10,
    };
  } finally {
    await Promise.all(recorders.map((r) => r.close()));
    await server.close();
    await Promise.all(dbs.map((d) => d.terminate()));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runUsageBench();
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
