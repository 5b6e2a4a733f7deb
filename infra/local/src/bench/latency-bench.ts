// Event-to-access latency (`npm run bench -- latency`): from the webhook's 200 for a signed Stripe
// event to the app's GET /api/me showing what the event changed, through everything in between:
// the Pub/Sub emulator's push, the applier (functions-framework), Firestore and the app's realtime
// listener. The local stack as `npm start` runs it (start-stack.ts: the same processes, on free
// ports), events sent open-loop at a fixed rate (20 and 200 events/s by default), p50 and p99.
//
// Each event is a `customer.subscription.updated` for one of `users` signed-in users (each asked
// /api/me once first: the app holds their account in its listener cache, as for an active user),
// carrying a marker in `cancel_at` that grows with every event. An event counts as seen when the
// user's /api/me shows a cancelAt at least its marker (a later event of the same user supersedes
// it: the applier keeps the newest), polled every `pollMs` (the resolution of the figures).
// Events of one user are a second apart in `created`, so the applier never needs Stripe to order
// them. Target: p99 under 1 s at 20 events/s; 200 events/s is reported.
// An event is polled until it shows or `giveUpMs` passes (then it counts as lost): a late event is
// measured, not dropped. The poll interval grows with the wait (a tenth of it, at least `pollMs`),
// so the figures' resolution is 10% for a late event and the pollers of a queue that builds do not
// compete with the pipeline they measure. The emulator's own push ceiling is measured first
// (emulator-push-ceiling.ts): it bounds the local stack's throughput, not the product's.
// The caller starts the emulators and sets FIRESTORE_EMULATOR_HOST and PUBSUB_EMULATOR_HOST.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import type Stripe from 'stripe';
import { allLookupKeys } from '@billing/shared/plans/catalog.js';
import { createPubSubClient } from '@billing/shared/pubsub/pubsub-client.js';
import { fixtureEvent, signEvent } from '@billing/shared/testing/signed-event.js';
import { createDevIap } from '../../../../services/app/src/auth/dev-iap.js';
import { IAP_HEADER } from '../../../../services/app/src/auth/iap-verifier.js';
import { WEBHOOK_PATH } from '../../../../services/webhook/src/app.js';
import { REPO_ROOT } from '../../../scripts/build-deployable.js';
import { freePort } from '../emulators.js';
import { startProcess, type ManagedProcess } from '../processes.js';
import { createTopology } from '../pubsub-topology.js';
import { measureEmulatorPushCeiling, type PushCeiling } from './emulator-push-ceiling.js';

export interface LatencyBenchOptions {
  /** Events per second, one measurement each. Default [20, 200]. */
  rates?: number[];
  /** Measured sending time per rate. Default 10 s. */
  durationMs?: number;
  /** Poll interval of /api/me per rate (ms); default 20 below 100 events/s, else 50. */
  pollMs?: (rate: number) => number;
  /** Signed-in users the events are spread over. Default 400. */
  users?: number;
  /** An event not seen after this long counts as lost. Default 180 s. */
  giveUpMs?: number;
}

export interface LatencyFigures {
  rate: number;
  events: number;
  /** Events whose change was seen on /api/me. */
  seen: number;
  /** Events not seen within giveUpMs, or refused by the webhook. */
  lost: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  pollMs: number;
  /** Sending rate actually achieved (events/s). */
  sentPerSecond: number;
}

export interface LatencyBenchResult {
  users: number;
  durationMs: number;
  /** Target: p99 below this at 20 events/s. */
  targetP99Ms: number;
  /** An event not seen after this long counted as lost. */
  giveUpMs: number;
  /** The emulator's push to an endpoint that answers at once: the local stack's ceiling. */
  emulatorPush: PushCeiling;
  rates: LatencyFigures[];
}

const PROJECT = `demo-latency-${randomUUID().slice(0, 8)}`;
const WEBHOOK_SECRET = 'whsec_latency_bench';

interface Stack {
  webhookUrl: string;
  appUrl: string;
  stop(): Promise<void>;
}

async function startStack(privateJwk: object): Promise<Stack> {
  const [applyPort, reportPort, webhookPort, appPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const common = {
    GOOGLE_CLOUD_PROJECT: PROJECT,
    FIRESTORE_EMULATOR_HOST: process.env['FIRESTORE_EMULATOR_HOST'] ?? '',
    PUBSUB_EMULATOR_HOST: process.env['PUBSUB_EMULATOR_HOST'] ?? '',
    METADATA_SERVER_DETECTION: 'none',
    STRIPE_LIVEMODE: 'false',
    LOG_LEVEL: 'warn',
  };
  // No Stripe at all: the events need no refetch (see above), and a call would fail loudly.
  const stripe = { STRIPE_SECRET_KEY: 'sk_test_latency_bench', STRIPE_API_BASE: 'http://127.0.0.1:9' };
  const processes: ManagedProcess[] = [];
  const ts = async (name: string, file: string, env: Record<string, string>, readyUrl: string) => {
    processes.push(
      await startProcess({
        name,
        command: process.execPath,
        args: ['--import', 'tsx', path.join(REPO_ROOT, file)],
        env,
        cwd: REPO_ROOT,
        readyUrl,
      }),
    );
  };
  const stop = async () => {
    for (const p of processes.reverse()) await p.stop();
  };
  try {
    await ts(
      'functions',
      'infra/local/src/function-host.ts',
      { ...common, ...stripe, APPLY_PORT: String(applyPort), REPORT_USAGE_PORT: String(reportPort) },
      `http://127.0.0.1:${applyPort}/`,
    );
    const pubsub = createPubSubClient({ projectId: PROJECT });
    await createTopology(pubsub, { pushEndpoint: `http://127.0.0.1:${applyPort}/projects/${PROJECT}/topics/stripe-events` });
    await pubsub.close();
    await ts(
      'webhook',
      'services/webhook/src/server.ts',
      { ...common, PORT: String(webhookPort), STRIPE_WEBHOOK_SECRETS: WEBHOOK_SECRET },
      `http://127.0.0.1:${webhookPort}/health`,
    );
    await ts(
      'app',
      'services/app/src/server.ts',
      {
        ...common,
        ...stripe,
        PORT: String(appPort),
        DEV_IAP: 'true',
        DEV_IAP_PRIVATE_JWK: JSON.stringify(privateJwk),
        STRIPE_PRICE_IDS: JSON.stringify(Object.fromEntries(allLookupKeys().map((k) => [k, `price_${k}`]))),
        PUBLIC_BASE_URL: `http://127.0.0.1:${appPort}`,
        ACCESS_CACHE_MAX_USERS: '100000',
      },
      `http://127.0.0.1:${appPort}/health`,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { webhookUrl: `http://127.0.0.1:${webhookPort}${WEBHOOK_PATH}`, appUrl: `http://127.0.0.1:${appPort}`, stop };
}

interface User {
  assertion: string;
  accountId: string;
  /** `created` of this user's last event: the next one is a second later. */
  created: number;
}

interface Me {
  account: { id: string };
  subscription: { cancelAt: number | null } | null;
}

async function me(appUrl: string, assertion: string): Promise<Me> {
  const res = await requestRetrying(`${appUrl}/api/me`, { headers: { [IAP_HEADER]: assertion } });
  if (res.status !== 200) throw new Error(`/api/me answered ${res.status}: ${res.text}`);
  return JSON.parse(res.text) as Me;
}

function subscriptionEvent(user: User, index: number, marker: number): Stripe.Event {
  const e = fixtureEvent('customer.subscription.updated');
  e.id = `evt_latency${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  e.created = ++user.created;
  const sub = e.data.object as Stripe.Subscription;
  sub.id = `sub_latency${index}`;
  sub.customer = `cus_latency${index}`;
  sub.metadata = { accountId: user.accountId };
  sub.cancel_at = marker;
  return e;
}

/**
 * One keep-alive agent for every request of the bench, at most 64 connections per server: at
 * 200 events/s the pollers of events not yet visible would otherwise open a connection each,
 * thousands when the pipeline falls behind, and the measurement would be of connection set-up.
 */
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function request(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: opts.method ?? 'GET', headers: opts.headers ?? {}, agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Once more on a connection reset: an idle kept-alive connection the server closed just as it was reused. */
async function requestRetrying(url: string, opts: Parameters<typeof request>[1]): Promise<{ status: number; text: string }> {
  try {
    return await request(url, opts);
  } catch {
    return request(url, opts);
  }
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const round = (n: number) => Math.round(n * 10) / 10;

/** Sends `rate` events/s for `durationMs` and measures each one's webhook-200-to-visible time. */
async function measureRate(
  stack: Stack,
  users: User[],
  rate: number,
  durationMs: number,
  pollMs: number,
  giveUpMs: number,
  nextMarker: () => number,
): Promise<LatencyFigures> {
  const events = Math.max(1, Math.round((rate * durationMs) / 1000));
  const latencies: number[] = [];
  let lost = 0;
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let k = 0; k < events; k++) {
    const due = started + (k * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const index = k % users.length;
    const user = users[index]!;
    const marker = nextMarker();
    const signed = signEvent(subscriptionEvent(user, index, marker), WEBHOOK_SECRET);
    pending.push(
      (async () => {
        const res = await requestRetrying(stack.webhookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'stripe-signature': signed.signature },
          body: signed.body,
        }).catch(() => undefined);
        const accepted = performance.now();
        if (res?.status !== 200) {
          lost++;
          return;
        }
        for (;;) {
          // A failed poll is polled again; only the deadline makes the event lost.
          const view = await me(stack.appUrl, user.assertion).catch(() => undefined);
          const now = performance.now();
          if ((view?.subscription?.cancelAt ?? 0) >= marker) {
            latencies.push(now - accepted);
            return;
          }
          if (now - accepted > giveUpMs) {
            lost++;
            return;
          }
          await sleep(Math.max(pollMs, (now - accepted) / 10));
        }
      })(),
    );
  }
  const sentPerSecond = events / ((performance.now() - started) / 1000);
  await Promise.all(pending);
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    rate,
    events,
    seen: latencies.length,
    lost,
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted.at(-1) ?? Number.NaN),
    pollMs,
    sentPerSecond: round(sentPerSecond),
  };
}

export async function runLatencyBench(opts: LatencyBenchOptions = {}): Promise<LatencyBenchResult> {
  if (!process.env['FIRESTORE_EMULATOR_HOST'] || !process.env['PUBSUB_EMULATOR_HOST'])
    throw new Error('runLatencyBench needs the emulators: set FIRESTORE_EMULATOR_HOST and PUBSUB_EMULATOR_HOST');
  const rates = opts.rates ?? [20, 200];
  const durationMs = opts.durationMs ?? 10_000;
  const pollMs = opts.pollMs ?? ((rate: number) => (rate < 100 ? 20 : 50));
  const giveUpMs = opts.giveUpMs ?? 180_000;
  const privateJwk = { ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }), kid: 'latency-bench' };
  const devIap = await createDevIap({ privateJwk });
  const emulatorPush = await measureEmulatorPushCeiling();
  const stack = await startStack(privateJwk);
  try {
    // Signed in and cached by the app before anything is measured, as active users are.
    const created = Math.floor(Date.now() / 1000) - 86_400;
    const users: User[] = [];
    for (let i = 0; i < (opts.users ?? 400); i++) {
      const assertion = await devIap.sign(`latency${i}@example.com`);
      users.push({ assertion, accountId: (await me(stack.appUrl, assertion)).account.id, created });
    }
    let marker = 2_000_000_000;
    const nextMarker = () => ++marker;
    // Unmeasured: the first events pay for connections and the applier's clients.
    await measureRate(stack, users, 10, 1000, 50, giveUpMs, nextMarker);
    const figures: LatencyFigures[] = [];
    for (const rate of rates) figures.push(await measureRate(stack, users, rate, durationMs, pollMs(rate), giveUpMs, nextMarker));
    return { users: users.length, durationMs, targetP99Ms: 1000, giveUpMs, emulatorPush, rates: figures };
  } finally {
    await stack.stop();
    agent.destroy();
  }
}

// `FIRESTORE_EMULATOR_HOST=… PUBSUB_EMULATOR_HOST=… npx tsx infra/local/src/bench/latency-bench.ts`
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${JSON.stringify(await runLatencyBench({}), null, 2)}\n`);
}
