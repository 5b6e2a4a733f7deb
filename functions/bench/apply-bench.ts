// Apply benchmark (`npm run bench`, not a test): events per second from publish to committed
// ledger document, 20% duplicates, through a streaming-pull subscription feeding the applier's
// message processor, against a baseline of plain read-then-write transactions on distinct
// documents run in the same process at the same concurrency. Distinct customers and
// subscriptions, so no document is hot. Assumes FIRESTORE_EMULATOR_HOST / PUBSUB_EMULATOR_HOST.
// The emulators are for correctness, not absolute throughput: compare the ratio.
//
// Interleaved rounds. The Firestore emulator gets faster for tens of thousands of transactions
// (the JVM compiling its hot paths): measured here, an applied message cost it ~3-6 ms of CPU in
// the first ten thousand transactions and ~0.7-1.3 ms once warm, a baseline transaction ~2.5-3.6 and
// ~0.4-0.8. A single baseline run next to a single apply run therefore compared two different
// emulators. Each round runs a baseline pass and an apply pass back to back (the order alternates),
// so every stage of the warm-up lands on both alike; the ratio is over all rounds together. One
// unrecorded round goes first. The messages are published from another process
// (apply-bench-publisher.ts), as the webhook service publishes them in production.
// Before the rounds, each customer's `customer.subscription.created` is applied (unmeasured), so
// the measured `.updated` events find customers in the state real traffic finds them in.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createStore } from '@billing/shared/firestore/store.js';
import { processEventMessage, type MessageDeps } from '@billing/shared/billing/process-event-message.js';
import { createFakeStripeReader } from '@billing/shared/billing/testing/fake-stripe-reader.js';
import { silentLogger } from '@billing/shared/logging/logger.js';
import { testFirestore, testPubSub } from '@billing/shared/testing/emulator.js';
import { accountDocFixture, customerDocFixture } from '@billing/shared/testing/billing-summary-fixture.js';
import { startBenchChild } from '@billing/shared/testing/bench-child.js';
import { Timestamp, type Firestore } from '@google-cloud/firestore';
import { createCustomerLanes } from '@billing/shared/billing/customer-lanes.js';
import { cpuPerUnit, type CpuSample } from '@billing/shared/testing/process-cpu.js';
import { runForPushedMessage } from '@billing/shared/pubsub/message-trace.js';
import { tracingOff, type Tracing } from '@billing/shared/tracing/tracing-handle.js';
import type { SpanExporter } from '@opentelemetry/sdk-trace-node';
import { subscriptionEvent } from './apply-bench-events.js';
import type { PublisherAnswer, PublisherRequest } from './apply-bench-publisher.js';

const PUBLISHER = fileURLToPath(new URL('./apply-bench-publisher.ts', import.meta.url));

export interface ApplyBenchOptions {
  /** Distinct events per round (default 1000), one per customer; duplicates come on top. */
  events?: number;
  /** Interleaved rounds, each a baseline pass and an apply pass (default 6). */
  rounds?: number;
  duplicateRatio?: number;
  /** Messages in flight at once (streaming-pull flow control) = baseline concurrency. */
  concurrency?: number;
  /** Longest wait for one round's events to be committed (default 60 s). */
  timeoutMs?: number;
  /** Cumulative CPU ms per process (shared/src/testing/process-cpu.ts): when given, the result says where the CPU went. */
  cpu?: () => CpuSample;
  /**
   * Record OpenTelemetry spans (consumer span per message, Firestore's spans under it) as the
   * applier does with TRACING on, into an exporter that drops them: the cost of recording, not of
   * sending to Cloud Trace. Default false (TRACING=off).
   */
  tracing?: boolean;
}

export interface BenchResult {
  events: number;
  rounds: number;
  messages: number;
  concurrency: number;
  /** Messages (duplicates included) per second over all rounds, each from publishing its first message to committing its last event. */
  applyMessagesPerSecond: number;
  /** Distinct events per second over the same time. */
  applyEventsPerSecond: number;
  /** Baseline transactions per second over all rounds. */
  baselineTransactionsPerSecond: number;
  /** applyMessagesPerSecond / baselineTransactionsPerSecond; target >= 0.5. */
  ratio: number;
  /** Each round's own ratio, in order: how the ratio moves while the emulator warms up. */
  roundRatios: number[];
  target: number;
  ledgerEntries: number;
  /** CPU ms per applied message (publish to commit), per process, over all rounds, when `cpu` was given. */
  cpuMsPerMessage?: CpuSample;
  /** CPU ms per baseline transaction, over all rounds, when `cpu` was given. */
  cpuMsPerBaselineTransaction?: CpuSample;
}

async function runPool(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

async function baseline(db: Firestore, name: string, count: number, concurrency: number): Promise<number> {
  const col = db.collection(`bench_baseline_${name}`);
  const started = performance.now();
  await runPool(count, concurrency, async (i) => {
    await db.runTransaction(async (tx) => {
      const ref = col.doc(`doc_${i}`);
      const snap = await tx.get(ref);
      tx.set(ref, { n: ((snap.get('n') as number | undefined) ?? 0) + 1, at: Timestamp.now() });
    });
  });
  return count / ((performance.now() - started) / 1000);
}

/** Runs at most `limit` tasks at once, the rest in arrival order. */
function concurrencyLimit(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

async function seedMappings(db: Firestore, count: number): Promise<void> {
  const store = createStore(db);
  const now = Timestamp.now();
  for (let start = 0; start < count; start += 400) {
    const batch = db.batch();
    for (let i = start; i < Math.min(count, start + 400); i++) {
      batch.set(store.customers.doc(`cus_bench${i}`), customerDocFixture(`cus_bench${i}`, `user_bench${i}`, { updatedAt: now }));
      batch.set(
        store.accounts.doc(`user_bench${i}`),
        accountDocFixture(`user_bench${i}`, null, { email: null, createdAt: now, updatedAt: now }),
      );
    }
    await batch.commit();
  }
}

interface Phase {
  units: number;
  ms: number;
  cpu?: CpuSample;
}

/** Runs `fn`, timing it and sampling CPU around it; `fn` returns how many units it did. */
async function phase(cpu: (() => CpuSample) | undefined, fn: () => Promise<{ units: number; ms: number }>): Promise<Phase> {
  const before = cpu?.();
  const { units, ms } = await fn();
  const after = cpu?.();
  return { units, ms, ...(before && after ? { cpu: cpuPerUnit(before, after, 1) } : {}) }; // the phase's CPU ms per process
}

/** Units, seconds, units per second and CPU ms per unit over several phases. */
function totals(phases: readonly Phase[]): { units: number; seconds: number; perSecond: number; cpuPerUnit?: CpuSample } {
  const units = phases.reduce((n, p) => n + p.units, 0);
  const ms = phases.reduce((n, p) => n + p.ms, 0);
  const cpu: CpuSample = {};
  for (const p of phases) for (const [k, v] of Object.entries(p.cpu ?? {})) cpu[k] = (cpu[k] ?? 0) + v;
  const hasCpu = phases.every((p) => p.cpu);
  return { units, seconds: ms / 1000, perSecond: units / (ms / 1000), ...(hasCpu ? { cpuPerUnit: cpuPerUnit({}, cpu, units) } : {}) };
}

export async function runApplyBench(opts: ApplyBenchOptions = {}): Promise<BenchResult> {
  const events = opts.events ?? 1000;
  const rounds = opts.rounds ?? 6;
  const concurrency = opts.concurrency ?? 16;
  const duplicates = Math.round(events * (opts.duplicateRatio ?? 0.2));
  const projectId = `demo-bench-${randomUUID().slice(0, 8)}`;
  // Before the clients, as the function's composition root does.
  const tracing = opts.tracing ? await startDiscardingTracing() : tracingOff;
  const db = testFirestore(projectId);
  const pubsub = testPubSub(projectId);
  try {
    await seedMappings(db, events + 1); // + the streaming-pull warm-up event's customer
    const deps: MessageDeps = {
      store: createStore(db),
      reader: createFakeStripeReader(), // never called: every customer is mapped, no same-second ties
      clock: { now: () => Date.now() },
      logger: silentLogger(),
      maxEventAgeSeconds: 30 * 86_400,
      deadLetter: { publish: () => Promise.reject(new Error('bench: nothing should be dead-lettered')) },
      livemode: false,
      lanes: createCustomerLanes(),
    };
    // Round r's events are created at `created + 1 + r` (the unrecorded round is r = -1): each
    // round's `.updated` is newer than the last, so every round applies, none is stale.
    const created = Math.floor(Date.now() / 1000) - 600;
    await runPool(events + 1, concurrency, async (i) => {
      const e = subscriptionEvent(i, created - 1, 'customer.subscription.created');
      await processEventMessage(deps, { data: Buffer.from(JSON.stringify(e)), attributes: {} });
    });

    const [topic] = await pubsub.createTopic('bench-stripe-events');
    await topic.createSubscription('bench-applier', { ackDeadlineSeconds: 60 });
    // At most `concurrency` messages are being applied at once, like the baseline's pool (in
    // production: the function's per-instance request concurrency). Pub/Sub keeps more messages
    // outstanding, as push delivery does, so a slot freed by an ack is refilled without waiting
    // for a delivery round trip of the emulator's streaming pull.
    // One streaming pull (the client opens 5 by default): production delivers by push and has no
    // streams at all, and every extra stream costs the emulator CPU the applier then lacks (~0.3 ms
    // per message measured here).
    const subscription = topic.subscription('bench-applier', {
      flowControl: { maxMessages: concurrency * 4, allowExcessMessages: false },
      streamingOptions: { maxStreams: 1 },
    });
    const slots = concurrencyLimit(concurrency);
    let processed = 0; // messages applied and acknowledged (duplicates included)
    const outcomes: Record<string, number> = {};
    const committed = new Set<string>(); // events whose ledger entry is committed
    let waiter: { done: () => boolean; resolve: () => void; reject: (err: Error) => void } | null = null;
    const inFlight = new Set<Promise<void>>();
    // A failed stream ends the wait at once instead of at its timeout.
    subscription.on('error', (err: Error) => waiter?.reject(err));
    subscription.on('message', (m) => {
      // In the message's trace scope, as the function handles a push (functions/src/create-handler.ts).
      const scope = { projectId, name: 'stripe-events process', attributes: m.attributes, messageId: m.id };
      const work = slots(() =>
        runForPushedMessage(scope, () => processEventMessage(deps, { data: m.data, attributes: m.attributes })),
      ).then(
        (r) => {
          m.ack();
          processed++;
          const outcome = r.kind === 'processed' ? r.outcome : r.kind;
          outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
          if (r.kind === 'processed') committed.add(r.eventId);
          if (waiter?.done()) waiter.resolve();
        },
        (err: unknown) => {
          if (process.env['BENCH_DEBUG']) console.error(err);
          m.nack();
        },
      );
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
    });
    /** Resolves once `done()` holds after a message was applied. */
    const until = (done: () => boolean) =>
      new Promise<void>((resolve, reject) => {
        if (done()) return resolve();
        const settle = (finish: () => void) => {
          clearTimeout(timer);
          waiter = null;
          finish();
        };
        const timer = setTimeout(
          () => settle(() => reject(new Error(`apply bench timed out: ${processed} messages applied, ${committed.size} events committed`))),
          opts.timeoutMs ?? 60_000,
        );
        waiter = { done, resolve: () => settle(resolve), reject: (err) => settle(() => reject(err)) };
      });

    // Warm up the streaming pull (its start-up latency is an emulator artefact, not apply cost).
    const warmup = subscriptionEvent(events, created);
    await topic.publishMessage({ data: Buffer.from(JSON.stringify(warmup)), attributes: { eventId: warmup.id } });
    await until(() => committed.size >= 1);

    // Publishing happens in its own process, as it does in production (the webhook service).
    const publisher = await startBenchChild<PublisherRequest, PublisherAnswer>(PUBLISHER, 'apply bench publisher');
    const ask = async <K extends PublisherAnswer['kind']>(request: PublisherRequest, expected: K) => {
      const answer = await publisher.ask(request);
      if (answer.kind !== expected) throw new Error(`apply bench publisher answered ${answer.kind}, not ${expected}`);
      return answer as Extract<PublisherAnswer, { kind: K }>;
    };
    const applyRound = async (round: number) => {
      const { messages } = await ask(
        { kind: 'prepare', projectId, topic: topic.name, events, duplicates, created: created + 1 + round },
        'prepared',
      );
      const [messagesBefore, eventsBefore] = [processed, committed.size];
      const started = performance.now();
      await ask({ kind: 'publish' }, 'published');
      // Every message of the round applied (duplicates too), so none spills into the next round.
      await until(() => processed >= messagesBefore + messages && committed.size >= eventsBefore + events);
      return { units: processed - messagesBefore, ms: performance.now() - started };
    };
    const baselineRound = async (round: number) => ({
      units: events,
      ms: (events / (await baseline(db, `r${round}`, events, concurrency))) * 1000,
    });

    const applied: Phase[] = [];
    const baselines: Phase[] = [];
    try {
      // One unrecorded round first: the emulator's steepest warm-up would otherwise land on round
      // 0's baseline pass alone (measured: round 0 ratios 0.7-1.1, later rounds 0.35-0.51).
      await baselineRound(-1);
      await applyRound(-1);
      for (let round = 0; round < rounds; round++) {
        if (round % 2 === 0) {
          baselines.push(await phase(opts.cpu, () => baselineRound(round)));
          applied.push(await phase(opts.cpu, () => applyRound(round)));
        } else {
          applied.push(await phase(opts.cpu, () => applyRound(round)));
          baselines.push(await phase(opts.cpu, () => baselineRound(round)));
        }
      }
    } finally {
      await publisher.stop();
      await subscription.close();
    }
    await Promise.allSettled([...inFlight]); // let redelivered stragglers finish before closing clients

    // Every event has its entry: (rounds + 1) x events `.updated` entries, plus the streaming-pull warm-up's.
    const ledgerEntries =
      (await db.collection('stripe_events').where('type', '==', 'customer.subscription.updated').count().get()).data().count - 1;
    // The bench measures the full apply path: a stale or unmapped outcome would mean it measured less.
    const unexpected = Object.keys(outcomes).filter((o) => o !== 'applied' && o !== 'duplicate');
    if (unexpected.length > 0 || ledgerEntries !== (rounds + 1) * events) {
      throw new Error(`apply bench did not apply what it published: outcomes ${JSON.stringify(outcomes)}, ${ledgerEntries} ledger entries`);
    }
    const apply = totals(applied);
    const base = totals(baselines);
    const perSecond = (p: Phase) => Math.round(p.units / (p.ms / 1000));
    return {
      events,
      rounds,
      messages: apply.units,
      concurrency,
      applyMessagesPerSecond: apply.perSecond,
      applyEventsPerSecond: (events * rounds) / apply.seconds,
      baselineTransactionsPerSecond: base.perSecond,
      ratio: apply.perSecond / base.perSecond,
      roundRatios: applied.map((p, i) => Math.round((perSecond(p) / perSecond(baselines[i]!)) * 100) / 100),
      target: 0.5,
      ledgerEntries,
      ...(apply.cpuPerUnit ? { cpuMsPerMessage: apply.cpuPerUnit } : {}),
      ...(base.cpuPerUnit ? { cpuMsPerBaselineTransaction: base.cpuPerUnit } : {}),
    };
  } finally {
    await pubsub.close();
    await db.terminate();
    await tracing.shutdown();
  }
}

/** The SDK as TRACING=console starts it, but exporting nowhere: what recording spans costs. */
async function startDiscardingTracing(): Promise<Tracing> {
  const { startTracingSdk } = await import('@billing/shared/tracing/tracing-sdk.js');
  const discard: SpanExporter = { export: (_spans, done) => done({ code: 0 }), shutdown: () => Promise.resolve() };
  return startTracingSdk({ service: 'apply-bench', exporter: discard });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runApplyBench();
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
