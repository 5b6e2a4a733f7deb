// Ingest benchmark: signed Stripe events per second and latency through the real webhook app
// (signature check + Pub/Sub emulator publish acknowledged before the answer), against a
// baseline Express server in the same process that only reads the raw body and answers 200.
// All run at the same fixed concurrency over keep-alive connections, driven from a load generator in
// its own process (load-generator-process.ts), in interleaved rounds: by default 80, the
// per-instance request concurrency the webhook is deployed with (infra/terraform, webhook_scaling)
// and Cloud Run's default. Second baseline: the webhook most integrations write
// (integrator-webhook.ts: express.raw, constructEvent, an awaited publish). Target: ours at least as
// fast as that one (integratorRatio >= 1). The ratio to the do-nothing server is reported but no
// longer a target (issue 24: verification and a durable publish alone cost more than its whole
// request). Publishing with the customer id as ordering key is measured too, and so is the same
// webhook with a publisher that resolves at once (no Pub/Sub at all): the ceiling any publish path
// could reach.
// Each target also reports its main-thread busy time per event (event-loop utilization), which
// says where the ratio comes from.
// The caller starts the Pub/Sub emulator and sets PUBSUB_EMULATOR_HOST.
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import express, { type Express } from 'express';
import { listenWithGracefulShutdown } from '@billing/shared/http/graceful-shutdown.js';
import { createLogger } from '@billing/shared/logging/logger.js';
import { createPubSubClient } from '@billing/shared/pubsub/pubsub-client.js';
import { createPubSubPublisher } from '@billing/shared/pubsub/pubsub-publisher.js';
import type { EventPublisher } from '@billing/shared/ports/event-bus.js';
import { createWebhookVerifier } from '@billing/shared/stripe/stripe-client.js';
import { summarizeLoad, type LoadSample } from '@billing/shared/testing/closed-loop-load.js';
import { startLoadGenerator, type LoadRequest } from '@billing/shared/testing/load-generator-process.js';
import { fixtureEvent, randomStripeId, signEvent, type SignedPayload } from '@billing/shared/testing/signed-event.js';
import { createWebhookApp, WEBHOOK_PATH } from '../src/app.js';
import { DEFAULT_BODY_LIMIT_BYTES } from '../src/config.js';
import { WEBHOOK_PUBLISH_BATCHING } from '../src/publish-batching.js';
import { integratorWebhookApp } from './integrator-webhook.js';

export interface IngestBenchOptions {
  /** Requests in flight at once. Default 80 (the deployed per-instance concurrency). */
  concurrency?: number;
  /** Measured time per server, split into `rounds`. Default 6000 ms. */
  durationMs?: number;
  /** Interleaved rounds (baseline, integrator, webhook, ordered, unpublished; the order rotates). Default 6. */
  rounds?: number;
  /** Unmeasured load before each measurement (JIT, connections, topic). Default 2000 ms (the emulator JIT-compiles for a while). */
  warmupMs?: number;
  /** demo-* project for the emulator. Default a fresh one. */
  projectId?: string;
  /** Publisher batching. Default: what server.ts uses (WEBHOOK_PUBLISH_BATCHING). */
  batching?: { maxMessages: number; maxMilliseconds: number };
}

export interface Measurement {
  requests: number;
  errors: number;
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Main-thread busy time (event-loop utilization) per answered request: what one event costs the server's thread. */
  serverMsPerEvent: number;
}

export interface BenchResult {
  concurrency: number;
  durationMs: number;
  baseline: Measurement;
  /** The webhook most integrations write (integrator-webhook.ts), publishing to the same emulator. */
  integrator: Measurement;
  /** webhook.eventsPerSecond / integrator.eventsPerSecond: the target, >= 1. */
  integratorRatio: number;
  /** The default configuration: no ordering key, batches shared across customers. */
  webhook: Measurement;
  /** PUBSUB_ORDER_BY_CUSTOMER=true: the customer id as ordering key (the client batches per key). */
  ordered: Measurement;
  orderedRatio: number;
  /**
   * The same webhook (verification, envelope and API-version checks, access line) with a publisher
   * that resolves at once: what the service costs before any publishing, the ceiling of the ratio.
   */
  unpublished: Measurement;
  unpublishedRatio: number;
  /** webhook.eventsPerSecond / baseline.eventsPerSecond (informative since issue 24). */
  ratio: number;
}

const SECRET = 'whsec_ingest_bench';

function baselineApp(): Express {
  const app = express();
  app.post(WEBHOOK_PATH, express.raw({ type: () => true, limit: DEFAULT_BODY_LIMIT_BYTES }), (_req, res) => {
    res.status(200).json({ received: true });
  });
  return app;
}

/** Distinct signed events (distinct ids), reused round-robin; all signed now, well inside 300 s. */
function signedEvents(count: number): SignedPayload[] {
  const types = ['customer.subscription.updated', 'invoice.paid', 'checkout.session.completed', 'customer.updated'] as const;
  return Array.from({ length: count }, (_, i) => {
    const event = fixtureEvent(types[i % types.length] ?? 'invoice.paid');
    event.id = randomStripeId('evt');
    // Spread over many customers, as real traffic is (the customer id is the Pub/Sub ordering key).
    const object = event.data.object as unknown as { id: string; object: string; customer?: unknown };
    const customer = `cus_bench${i % 500}`;
    if (object.object === 'customer') object.id = customer;
    else object.customer = customer;
    return signEvent(event, SECRET);
  });
}

function postRequest(payload: SignedPayload): LoadRequest {
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(payload.body),
      'stripe-signature': payload.signature,
    },
    body: payload.body,
  };
}

function summarize(samples: readonly LoadSample[], busyMs: number): Measurement {
  const { perSecond, ...rest } = summarizeLoad(samples);
  return { ...rest, eventsPerSecond: perSecond, serverMsPerEvent: Math.round((busyMs / Math.max(1, rest.requests)) * 1000) / 1000 };
}

export async function runIngestBench(opts: IngestBenchOptions = {}): Promise<BenchResult> {
  if (!process.env['PUBSUB_EMULATOR_HOST']) throw new Error('runIngestBench needs the Pub/Sub emulator: set PUBSUB_EMULATOR_HOST');
  const settings = {
    concurrency: opts.concurrency ?? 80,
    durationMs: opts.durationMs ?? 6000,
    warmupMs: opts.warmupMs ?? 2000,
    rounds: opts.rounds ?? 6,
  };
  const projectId = opts.projectId ?? `demo-bench-${Date.now().toString(36)}`;
  const payloads = signedEvents(2000);

  const pubsub = createPubSubClient({ projectId });
  const topicName = `stripe-events-bench-${Date.now().toString(36)}`;
  const [topic] = await pubsub.createTopic(topicName);
  const publisher = createPubSubPublisher({ pubsub, topic: topicName, batching: opts.batching ?? WEBHOOK_PUBLISH_BATCHING });
  // Logs are written (info level, as in production) to a sink, so their cost is measured too.
  const sink = new Writable({ write: (_chunk, _enc, done) => done() });
  let published = 0;
  const instantPublisher: EventPublisher = { publish: () => Promise.resolve(`unpublished-${++published}`), close: () => Promise.resolve() };
  const webhookApp = (orderByCustomer: boolean, through: EventPublisher = publisher) =>
    createWebhookApp({
      publisher: through,
      verifier: createWebhookVerifier(),
      secrets: [SECRET],
      livemode: false,
      orderByCustomer,
      bodyLimitBytes: DEFAULT_BODY_LIMIT_BYTES,
      logger: createLogger({ service: 'webhook-bench', destination: sink }),
      projectId,
    });
  // All three listen at once and take turns under load, in rounds whose order rotates: a busy
  // moment of the shared machine (CPU steal, the emulator's GC) lands on each alike.
  const targets = {
    baseline: await listenWithGracefulShutdown(baselineApp(), 0, () => Promise.resolve(), { signals: [], host: '127.0.0.1' }),
    integrator: await listenWithGracefulShutdown(
      integratorWebhookApp({ pubsub, topic: topicName, secret: SECRET, path: WEBHOOK_PATH }),
      0,
      () => Promise.resolve(),
      {
        signals: [],
        host: '127.0.0.1',
      },
    ),
    webhook: await listenWithGracefulShutdown(webhookApp(false), 0, () => Promise.resolve(), { signals: [], host: '127.0.0.1' }),
    ordered: await listenWithGracefulShutdown(webhookApp(true), 0, () => Promise.resolve(), { signals: [], host: '127.0.0.1' }),
    unpublished: await listenWithGracefulShutdown(webhookApp(false, instantPublisher), 0, () => Promise.resolve(), {
      signals: [],
      host: '127.0.0.1',
    }),
  };
  const names = ['baseline', 'integrator', 'webhook', 'ordered', 'unpublished'] as const;
  const generator = await startLoadGenerator();
  try {
    const requests = payloads.map(postRequest);
    for (const name of names) await generator.define(name, `http://127.0.0.1:${targets[name].port}${WEBHOOK_PATH}`, requests);
    for (const name of names) await generator.run(name, settings.concurrency, settings.warmupMs);
    const samples = {
      baseline: [] as LoadSample[],
      integrator: [] as LoadSample[],
      webhook: [] as LoadSample[],
      ordered: [] as LoadSample[],
      unpublished: [] as LoadSample[],
    };
    const busyMs = { baseline: 0, integrator: 0, webhook: 0, ordered: 0, unpublished: 0 };
    for (let round = 0; round < settings.rounds; round++) {
      for (let k = 0; k < names.length; k++) {
        const name = names[(round + k) % names.length]!;
        const before = performance.eventLoopUtilization();
        samples[name].push(await generator.run(name, settings.concurrency, settings.durationMs / settings.rounds));
        busyMs[name] += performance.eventLoopUtilization(before).active;
      }
    }
    const baseline = summarize(samples.baseline, busyMs.baseline);
    const integrator = summarize(samples.integrator, busyMs.integrator);
    const webhook = summarize(samples.webhook, busyMs.webhook);
    const ordered = summarize(samples.ordered, busyMs.ordered);
    const unpublished = summarize(samples.unpublished, busyMs.unpublished);
    const ratio = (m: Measurement) => Math.round((m.eventsPerSecond / baseline.eventsPerSecond) * 1000) / 1000;
    return {
      concurrency: settings.concurrency,
      durationMs: settings.durationMs,
      baseline,
      integrator,
      integratorRatio: Math.round((webhook.eventsPerSecond / integrator.eventsPerSecond) * 1000) / 1000,
      webhook,
      ordered,
      orderedRatio: ratio(ordered),
      unpublished,
      unpublishedRatio: ratio(unpublished),
      ratio: ratio(webhook),
    };
  } finally {
    await generator.stop();
    for (const name of names) await targets[name].shutdown();
    await publisher.close();
    await topic.delete().catch(() => undefined);
    await pubsub.close();
  }
}

// `PUBSUB_EMULATOR_HOST=127.0.0.1:8085 npx tsx services/webhook/bench/ingest-bench.ts`
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const batching = process.env['BENCH_BATCHING']?.split('/').map(Number);
  const result = await runIngestBench(
    batching?.length === 2 ? { batching: { maxMessages: batching[0] ?? 10, maxMilliseconds: batching[1] ?? 10 } } : {},
  );
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
