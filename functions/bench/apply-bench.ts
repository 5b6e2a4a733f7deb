// Apply benchmark (`npm run bench`, not a test): events per second from publish to committed
// ledger document, 20% duplicates, through a streaming-pull subscription feeding the applier's
// message processor, against a baseline of plain read-then-write transactions on distinct
// documents run in the same process at the same concurrency. Distinct customers and
// subscriptions, so no document is hot. Assumes FIRESTORE_EMULATOR_HOST / PUBSUB_EMULATOR_HOST.
// The emulators are for correctness, not absolute throughput (EMULATORS.md): compare the ratio.
//
// Both sides are warmed before anything is measured: the emulator's throughput climbs for its
// first few hundred transactions (JIT), so a cold baseline would flatter the ratio. The warm-up
// applies each customer's `customer.subscription.created` (the measured events are the later
// `.updated` ones, so every customer is in the state real traffic finds it in), and the baseline is
// measured before and after the applier, the faster of the two counting.
import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import { createBillingStore } from '@billing/shared/billing/billing-store.js';
import { processEventMessage, type MessageDeps, type MessageResult } from '@billing/shared/billing/process-event-message.js';
import { createFakeStripeReader } from '@billing/shared/billing/testing/fake-stripe-reader.js';
import { silentLogger } from '@billing/shared/logging/logger.js';
import { testFirestore, testPubSub } from '@billing/shared/testing/emulator.js';
import { fixtureEvent } from '@billing/shared/testing/signed-event.js';
import { Timestamp, type Firestore } from '@google-cloud/firestore';
import { createCustomerLanes } from '@billing/shared/billing/customer-lanes.js';
import { cpuPerUnit, type CpuSample } from '@billing/shared/testing/process-cpu.js';

export interface ApplyBenchOptions {
  /** Distinct events (default 600); duplicates come on top. */
  events?: number;
  duplicateRatio?: number;
  /** Messages in flight at once (streaming-pull flow control) = baseline concurrency. */
  concurrency?: number;
  timeoutMs?: number;
  /** Cumulative CPU ms per process (shared/src/testing/process-cpu.ts): when given, the result says where the CPU went. */
  cpu?: () => CpuSample;
}

export interface BenchResult {
  events: number;
  messages: number;
  concurrency: number;
  /** Messages (duplicates included) per second, publish of the first to commit of the last. */
  applyMessagesPerSecond: number;
  /** Distinct events per second over the same window. */
  applyEventsPerSecond: number;
  /** The faster of the baseline runs before and after the applier's. */
  baselineTransactionsPerSecond: number;
  /** applyMessagesPerSecond / baselineTransactionsPerSecond; target >= 0.5. */
  ratio: number;
  target: number;
  ledgerEntries: number;
  /** CPU ms per applied message (publish to commit), per process, when `cpu` was given. */
  cpuMsPerMessage?: CpuSample;
  /** CPU ms per baseline transaction (the run before the applier's), when `cpu` was given. */
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

function subscriptionEvent(i: number, created: number, type: 'customer.subscription.created' | 'customer.subscription.updated' = 'customer.subscription.updated'): Stripe.Event {
  const e = fixtureEvent(type);
  e.id = `evt_bench${i}x${randomUUID().replace(/-/g, '').slice(0, 8)}`;
  e.created = created;
  const sub = e.data.object as Stripe.Subscription;
  sub.id = `sub_bench${i}`;
  sub.customer = `cus_bench${i}`;
  sub.metadata = { userId: `user_bench${i}` };
  return e;
}

async function seedMappings(db: Firestore, count: number): Promise<void> {
  const store = createBillingStore(db);
  const now = Timestamp.now();
  for (let start = 0; start < count; start += 400) {
    const batch = db.batch();
    for (let i = start; i < Math.min(count, start + 400); i++) {
      batch.set(store.customers.doc(`cus_bench${i}`), {
        customerId: `cus_bench${i}`,
        userId: `user_bench${i}`,
        email: null,
        deleted: false,
        livemode: false,
        version: { created: 0, eventId: null, source: 'fetch', revision: 1 },
        updatedAt: now,
      });
      batch.set(store.users.doc(`user_bench${i}`), { userId: `user_bench${i}`, email: null, stripeCustomerId: null, billing: null, createdAt: now, updatedAt: now });
    }
    await batch.commit();
  }
}

export async function runApplyBench(opts: ApplyBenchOptions = {}): Promise<BenchResult> {
  const events = opts.events ?? 600;
  const concurrency = opts.concurrency ?? 16;
  const duplicates = Math.round(events * (opts.duplicateRatio ?? 0.2));
  const projectId = `demo-bench-${randomUUID().slice(0, 8)}`;
  const db = testFirestore(projectId);
  const pubsub = testPubSub(projectId);
  try {
    await seedMappings(db, events + 1); // + the warm-up event's customer
    const deps: MessageDeps = {
      store: createBillingStore(db),
      reader: createFakeStripeReader(), // never called: every customer is mapped, no same-second ties
      clock: { now: () => Date.now() },
      logger: silentLogger(),
      maxEventAgeSeconds: 30 * 86_400,
      deadLetter: { publish: () => Promise.reject(new Error('bench: nothing should be dead-lettered')) },
      livemode: false,
      lanes: createCustomerLanes(),
    };
    const created = Math.floor(Date.now() / 1000) - 60;
    await baseline(db, 'warmup', events, concurrency);
    await runPool(events + 1, concurrency, async (i) => {
      const e = subscriptionEvent(i, created - 1, 'customer.subscription.created');
      await processEventMessage(deps, { data: Buffer.from(JSON.stringify(e)), attributes: {} });
    });
    const cpuBeforeBaseline = opts.cpu?.();
    const baselineBefore = await baseline(db, 'before', events, concurrency);
    const cpuAfterBaseline = opts.cpu?.();

    const unique = Array.from({ length: events }, (_, i) => subscriptionEvent(i, created));
    const all = [...unique, ...Array.from({ length: duplicates }, (_, i) => unique[(i * 7919) % events]!)];
    for (let i = all.length - 1; i > 0; i--) {
      const j = (i * 2654435761) % (i + 1); // deterministic shuffle
      [all[i], all[j]] = [all[j]!, all[i]!];
    }

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
    const results: MessageResult[] = [];
    const committed = new Set<string>(); // events whose ledger entry is committed
    const inFlight = new Set<Promise<void>>();
    let started = 0;
    const progress = setInterval(() => {
      if (process.env['BENCH_DEBUG']) console.error('processed', results.length, 'of', all.length);
    }, 2000);
    const done = new Promise<number>((resolve, reject) => {
      subscription.on('error', reject);
      subscription.on('message', (m) => {
        const work = slots(() => processEventMessage(deps, { data: m.data, attributes: m.attributes })).then(
          (r) => {
            m.ack();
            results.push(r);
            if (r.kind === 'processed' && m.attributes['warmup'] === undefined) committed.add(r.eventId);
            if (committed.size === events) resolve(performance.now());
          },
          (err: unknown) => {
            if (process.env['BENCH_DEBUG']) console.error(err);
            m.nack();
          },
        );
        inFlight.add(work);
        void work.finally(() => inFlight.delete(work));
      });
    });

    // Warm up the streaming pull (its start-up latency is an emulator artefact, not apply cost).
    const warmup = subscriptionEvent(events, created);
    await topic.publishMessage({ data: Buffer.from(JSON.stringify(warmup)), attributes: { eventId: warmup.id, warmup: '1' } });
    while (results.length === 0) await new Promise((r) => setTimeout(r, 50));
    results.length = 0;

    const cpuBeforeApply = opts.cpu?.();
    started = performance.now();
    const publisher = topic; // batched publishing, as the webhook's client does by default
    await Promise.all(all.map((e) => publisher.publishMessage({ data: Buffer.from(JSON.stringify(e)), attributes: { eventId: e.id, type: e.type } })));
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('apply bench timed out')), opts.timeoutMs ?? 50_000).unref());
    const ended = await Promise.race([done, timeout]);
    const cpuAfterApply = opts.cpu?.();
    clearInterval(progress);
    await subscription.close();
    await Promise.allSettled([...inFlight]); // let redelivered stragglers finish before closing clients

    const seconds = (ended - started) / 1000;
    const baselineAfter = await baseline(db, 'after', events, concurrency);
    const baselineRate = Math.max(baselineBefore, baselineAfter);
    // The measured events' entries: the .updated ones, minus the streaming-pull warm-up message.
    const ledgerEntries = (await db.collection('stripe_events').where('type', '==', 'customer.subscription.updated').count().get()).data().count - 1;
    const processedMessages = results.length;
    const applyMessagesPerSecond = processedMessages / seconds;
    return {
      events,
      messages: processedMessages,
      concurrency,
      applyMessagesPerSecond,
      applyEventsPerSecond: events / seconds,
      baselineTransactionsPerSecond: baselineRate,
      ratio: applyMessagesPerSecond / baselineRate,
      target: 0.5,
      ledgerEntries,
      ...(cpuBeforeApply && cpuAfterApply ? { cpuMsPerMessage: cpuPerUnit(cpuBeforeApply, cpuAfterApply, processedMessages) } : {}),
      ...(cpuBeforeBaseline && cpuAfterBaseline ? { cpuMsPerBaselineTransaction: cpuPerUnit(cpuBeforeBaseline, cpuAfterBaseline, events) } : {}),
    };
  } finally {
    await pubsub.close();
    await db.terminate();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runApplyBench();
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
