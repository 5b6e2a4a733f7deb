// Start-up benchmark (`npm run bench -- startup`): each deployable built as it ships (its esbuild
// bundle in deploy/dist, run with node as the image runs it: NODE_ENV=production,
// --enable-source-maps, from its dist directory; the functions through functions-framework, as
// Cloud Run functions runs them), timed from process start to its first 200 on its main work, so
// work deferred past the health check still counts:
//   webhook      a signed event verified and published to the Pub/Sub emulator
//   app          an authenticated GET /api/me (a dev IAP assertion; Firestore emulator)
//   apply        one Pub/Sub push of a Stripe event applied (Firestore emulator)
//   reportUsage  one usage-report tick run
// Baseline in the same run: a bare Express server (services/webhook/bench/bare-express-server.ts, bundled the same way)
// answering GET /. Targets: each at most 2x the baseline. Runs are interleaved, one process of each
// per round, so a busy moment of the shared machine lands on all alike; the median is reported.
// The caller starts the emulators and sets FIRESTORE_EMULATOR_HOST and PUBSUB_EMULATOR_HOST.
import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { Timestamp } from '@google-cloud/firestore';
import { createStore } from '@billing/shared/firestore/store.js';
import { allLookupKeys } from '@billing/shared/plans/catalog.js';
import { createPubSubClient } from '@billing/shared/pubsub/pubsub-client.js';
import { testFirestore } from '@billing/shared/testing/emulator.js';
import { accountDocFixture, customerDocFixture } from '@billing/shared/testing/billing-summary-fixture.js';
import { fixtureEvent, signEvent } from '@billing/shared/testing/signed-event.js';
import type Stripe from 'stripe';
import { createDevIap } from '../../../../services/app/src/auth/dev-iap.js';
import { IAP_HEADER } from '../../../../services/app/src/auth/iap-verifier.js';
import { WEBHOOK_PATH } from '../../../../services/webhook/src/app.js';
import { bundleEntry } from '../../../scripts/bundle-entry.js';
import { buildDeployable, parseBuildArgs, REPO_ROOT } from '../../../scripts/build-deployable.js';
import { runGcpBuild } from '../../../scripts/prepare-deploy-dir.js';
import { freePort } from '../emulators.js';

export const STARTUP_TARGETS = ['baseline', 'webhook', 'app', 'apply', 'reportUsage'] as const;
export type StartupTarget = (typeof STARTUP_TARGETS)[number];

export interface StartupBenchOptions {
  /** Processes started per target. Default 5. */
  runs?: number;
  /** Extra NODE_OPTIONS for the deployables (not the baseline), e.g. to compare settings. */
  nodeOptions?: string;
  /** Give up on one process after this long. Default 30 s. */
  timeoutMs?: number;
  /**
   * Run every deployable with Node's compile cache as its image holds it: the services as
   * services/Dockerfile fills it (one start without configuration), the functions as Google's build
   * of their source does (their deploy package.json's gcp-build script); NODE_COMPILE_CACHE set.
   * Default true.
   */
  compileCache?: boolean;
  /**
   * Deploy directories built already, as `<deployRoot>/<workspace>/deploy` (the repo root after
   * `npm run build`, or a copy of an older build to compare). Default: build each deployable now
   * (what `npm run build` does) into a scratch directory, leaving the workspaces alone.
   */
  deployRoot?: string;
}

export interface StartupFigures {
  /** Process start to first 200, every run, in run order. */
  runsMs: number[];
  medianMs: number;
  minMs: number;
  /** Median CPU time (user + system) the process used until its first 200. */
  medianCpuMs: number;
  /** medianMs / the baseline's medianMs (1 for the baseline). */
  ratio: number;
}

export interface StartupBenchResult {
  runs: number;
  compileCache: boolean;
  /** Target: every deployable's ratio <= this. */
  targetRatio: number;
  targets: Record<StartupTarget, StartupFigures>;
}

const WEBHOOK_SECRET = 'whsec_startup_bench';
const TOPIC = 'stripe-events';

interface Launch {
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** The main-work request; resolves to its status (throws while nothing listens). */
  request: (port: number) => Promise<number>;
}

function buildArgsOf(workspace: string): string[] {
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, workspace, 'package.json'), 'utf8')) as { scripts?: { build?: string } };
  return (pkg.scripts?.build ?? '').split(' ').slice(2);
}

const DEPLOYABLES = ['services/webhook', 'services/app', 'functions'] as const;

/** Builds every deployable as `npm run build` does, under `root` instead of the workspaces. */
async function buildAll(root: string): Promise<void> {
  for (const workspace of DEPLOYABLES)
    await buildDeployable(path.join(REPO_ROOT, workspace), parseBuildArgs(buildArgsOf(workspace)), REPO_ROOT, path.join(root, workspace));
}

/** The baseline, bundled like the deployables; returns its directory. */
async function buildBaseline(root: string): Promise<string> {
  const outRoot = path.join(root, 'baseline');
  // It lives in the webhook workspace, which declares express.
  const bundle = await bundleEntry({
    workspaceDir: path.join(REPO_ROOT, 'services/webhook'),
    entry: 'bench/bare-express-server.ts',
    outfile: 'dist/bare-express-server.js',
    outRoot,
  });
  for (const name of new Set(bundle.externals.map((e) => e.packageName))) linkPackage(outRoot, name, [REPO_ROOT]);
  return path.join(outRoot, 'dist');
}

/** The first `node_modules/<name>` up from `dir`, as node's resolution would find it. */
function installedPackage(name: string, dirs: readonly string[]): string {
  for (const start of dirs) {
    for (let dir = start; ; dir = path.dirname(dir)) {
      const candidate = path.join(dir, 'node_modules', name);
      if (existsSync(candidate)) return realpathSync(candidate);
      if (dir === path.dirname(dir)) break;
    }
  }
  throw new Error(`${name} is not installed (npm ci?)`);
}

/**
 * The deployable laid out as its image (or function source) holds it, in a scratch directory: the
 * deploy directory's files, and a node_modules of its package.json's dependencies, linked to the
 * versions this repo installed for the workspace (what `npm ci --omit=dev` of the pruned lockfile
 * installs: prepare-deploy-dir.ts pins the same versions). Never inside deploy/ itself: that is
 * the Docker build context.
 */
function imageLayout(workspace: string, scratch: string, deployRoot: string): string {
  const deployDir = path.join(deployRoot, workspace, 'deploy');
  const root = path.join(scratch, 'images', workspace);
  cpSync(deployDir, root, { recursive: true });
  const pkg = JSON.parse(readFileSync(path.join(deployDir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  for (const name of Object.keys(pkg.dependencies ?? {}))
    linkPackage(root, name, [path.join(REPO_ROOT, workspace), path.join(REPO_ROOT, 'shared')]);
  return root;
}

/** `<root>/node_modules/<name>`, linked to the copy node would resolve from `from`. */
function linkPackage(root: string, name: string, from: readonly string[]): void {
  const link = path.join(root, 'node_modules', name);
  mkdirSync(path.dirname(link), { recursive: true });
  symlinkSync(installedPackage(name, from), link, 'dir');
}

interface Sample {
  wallMs: number;
  /** CPU the process used until then (user + system): less at the mercy of the other tenants of the machine. */
  cpuMs: number;
}

/** User + system CPU of a live process, from /proc (Linux; clock ticks of 10 ms). */
function cpuMsOf(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime: fields 14 and 15 of stat
  } catch {
    return Number.NaN;
  }
}

/** Spawns one process and times it to its first 200; the process is killed afterwards. */
async function timeToFirst200(launch: Launch, nodeOptions: string, timeoutMs: number): Promise<Sample> {
  const port = await freePort();
  const env = {
    PATH: process.env['PATH'] ?? '',
    NODE_ENV: 'production',
    NODE_OPTIONS: `--enable-source-maps ${nodeOptions}`.trim(),
    PORT: String(port),
    ...launch.env,
  };
  const started = performance.now();
  const child = spawn(process.execPath, launch.args, { cwd: launch.cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${launch.args.join(' ')} exited with ${child.exitCode} before answering:\n${stderr}`);
      if (performance.now() - started > timeoutMs)
        throw new Error(`${launch.args.join(' ')} gave no 200 within ${timeoutMs} ms:\n${stderr}`);
      const status = await launch.request(port).catch(() => undefined);
      // functions-framework acknowledges a CloudEvent with 204: success is any 2xx.
      if (status !== undefined && status >= 200 && status < 300) return { wallMs: performance.now() - started, cpuMs: cpuMsOf(child.pid) };
      if (status !== undefined) throw new Error(`${launch.args.join(' ')} answered ${status}:\n${stderr}`);
      await sleep(5);
    }
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}

/**
 * What the image build does (services/Dockerfile): start the server once without configuration,
 * so it loads and compiles every module it imports at start, then exits on the config error,
 * leaving the compile cache behind. Returns the cache directory.
 */
async function fillCompileCache(launch: Launch): Promise<string> {
  const dir = path.join(launch.cwd, '..', '.node-compile-cache');
  const child = spawn(process.execPath, launch.args, {
    cwd: launch.cwd,
    env: { PATH: process.env['PATH'] ?? '', NODE_COMPILE_CACHE: dir },
    stdio: 'ignore',
  });
  await new Promise((resolve) => child.once('exit', resolve));
  if (!existsSync(dir)) throw new Error(`${launch.args.join(' ')} left no compile cache in ${dir}`);
  return dir;
}

async function post(url: string, headers: Record<string, string>, body: string): Promise<number> {
  const res = await fetch(url, { method: 'POST', headers, body });
  await res.arrayBuffer();
  return res.status;
}

async function get(url: string, headers: Record<string, string> = {}): Promise<number> {
  const res = await fetch(url, { headers });
  await res.arrayBuffer();
  return res.status;
}

/** A Pub/Sub push as Cloud Run functions delivers it: a binary-mode CloudEvent (messagePublished). */
function pushedEvent(port: number, project: string, topic: string, data: Buffer, attributes: Record<string, string>): Promise<number> {
  const messageId = randomUUID();
  return post(
    `http://127.0.0.1:${port}/`,
    {
      'content-type': 'application/json',
      'ce-id': messageId,
      'ce-specversion': '1.0',
      'ce-type': 'google.cloud.pubsub.topic.v1.messagePublished',
      'ce-source': `//pubsub.googleapis.com/projects/${project}/topics/${topic}`,
    },
    JSON.stringify({
      message: { data: data.toString('base64'), attributes, messageId, publishTime: new Date().toISOString() },
      subscription: `projects/${project}/subscriptions/bench`,
    }),
  );
}

/** A subscription event for a mapped customer, new each time (the applier applies it, no Stripe read). */
function applyEvent(n: number): Stripe.Event {
  const e = fixtureEvent('customer.subscription.updated');
  e.id = `evt_startup${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  e.created = Math.floor(Date.now() / 1000) - 600 + n;
  const sub = e.data.object as Stripe.Subscription;
  sub.id = 'sub_startup';
  sub.customer = 'cus_startup';
  sub.metadata = { accountId: 'user_startup' };
  return e;
}

async function seed(project: string): Promise<void> {
  const db = testFirestore(project);
  const store = createStore(db);
  const now = Timestamp.now();
  await store.customers.doc('cus_startup').set(customerDocFixture('cus_startup', 'user_startup', { updatedAt: now }));
  await store.accounts.doc('user_startup').set(accountDocFixture('user_startup', null, { email: null, createdAt: now, updatedAt: now }));
  await db.terminate();
  const pubsub = createPubSubClient({ projectId: project });
  for (const topic of [TOPIC, 'stripe-events-dead-letter', 'billing-notifications']) await pubsub.createTopic(topic);
  await pubsub.close();
}

async function launches(
  project: string,
  images: Record<(typeof DEPLOYABLES)[number], string>,
  baselineDir: string,
): Promise<Record<StartupTarget, Launch>> {
  const emulators = {
    GOOGLE_CLOUD_PROJECT: project,
    FIRESTORE_EMULATOR_HOST: process.env['FIRESTORE_EMULATOR_HOST'] ?? '',
    PUBSUB_EMULATOR_HOST: process.env['PUBSUB_EMULATOR_HOST'] ?? '',
    METADATA_SERVER_DETECTION: 'none',
    LOG_LEVEL: 'warn',
  };
  const stripe = { STRIPE_SECRET_KEY: 'sk_test_startup_bench', STRIPE_LIVEMODE: 'false', STRIPE_API_BASE: 'http://127.0.0.1:9' };
  // With a kid: without one, the app and this process would each pick a random one.
  const privateJwk = { ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }), kid: 'startup-bench' };
  const devIap = await createDevIap({ privateJwk });
  const assertion = await devIap.sign('startup-bench@example.com');
  let applied = 0;
  const functionsDir = images.functions;
  // Cloud Run functions runs the framework from the function's own node_modules, on its package.json main.
  const framework = path.join(functionsDir, 'node_modules/@google-cloud/functions-framework/build/src/main.js');
  const functionArgs = (target: string) => [framework, `--target=${target}`, '--signature-type=cloudevent', `--source=${functionsDir}`];
  return {
    baseline: { args: ['bare-express-server.js'], cwd: baselineDir, env: {}, request: (port) => get(`http://127.0.0.1:${port}/`) },
    webhook: {
      args: ['server.js'],
      cwd: path.join(images['services/webhook'], 'dist'),
      env: { ...emulators, PUBSUB_TOPIC: TOPIC, STRIPE_WEBHOOK_SECRETS: WEBHOOK_SECRET, STRIPE_LIVEMODE: 'false' },
      request: (port) => {
        const event = fixtureEvent('invoice.paid');
        event.id = `evt_startup${randomUUID().replace(/-/g, '').slice(0, 12)}`;
        const signed = signEvent(event, WEBHOOK_SECRET);
        return post(
          `http://127.0.0.1:${port}${WEBHOOK_PATH}`,
          { 'content-type': 'application/json', 'stripe-signature': signed.signature },
          signed.body,
        );
      },
    },
    app: {
      args: ['server.js'],
      cwd: path.join(images['services/app'], 'dist'),
      env: {
        ...emulators,
        ...stripe,
        DEV_IAP: 'true',
        DEV_IAP_PRIVATE_JWK: JSON.stringify(privateJwk),
        STRIPE_PRICE_IDS: JSON.stringify(Object.fromEntries(allLookupKeys().map((k) => [k, `price_${k}`]))),
        // Only read for the service API's audience and the dev-mode guard (loopback http).
        PUBLIC_BASE_URL: 'http://127.0.0.1:8080',
      },
      request: (port) => get(`http://127.0.0.1:${port}/api/me`, { [IAP_HEADER]: assertion }),
    },
    apply: {
      args: functionArgs('applyStripeEvent'),
      cwd: functionsDir,
      env: { ...emulators, ...stripe },
      request: (port) => {
        const event = applyEvent(++applied);
        return pushedEvent(port, project, TOPIC, Buffer.from(JSON.stringify(event)), { eventId: event.id, type: event.type });
      },
    },
    reportUsage: {
      args: functionArgs('reportUsage'),
      cwd: functionsDir,
      env: { ...emulators, ...stripe },
      request: (port) => pushedEvent(port, project, 'usage-report-tick', Buffer.from('tick'), {}),
    },
  };
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export async function runStartupBench(opts: StartupBenchOptions = {}): Promise<StartupBenchResult> {
  if (!process.env['FIRESTORE_EMULATOR_HOST'] || !process.env['PUBSUB_EMULATOR_HOST'])
    throw new Error('runStartupBench needs the emulators: set FIRESTORE_EMULATOR_HOST and PUBSUB_EMULATOR_HOST');
  const runs = opts.runs ?? 5;
  const compileCache = opts.compileCache ?? true;
  const project = `demo-startup-${randomUUID().slice(0, 8)}`;
  await seed(project);
  const scratch = mkdtempSync(path.join(tmpdir(), 'startup-bench-'));
  const times = Object.fromEntries(STARTUP_TARGETS.map((t) => [t, [] as number[]])) as Record<StartupTarget, number[]>;
  const cpu = Object.fromEntries(STARTUP_TARGETS.map((t) => [t, [] as number[]])) as Record<StartupTarget, number[]>;
  try {
    const deployRoot = opts.deployRoot ?? path.join(scratch, 'build');
    if (!opts.deployRoot) await buildAll(deployRoot);
    const baselineDir = await buildBaseline(scratch);
    const images = Object.fromEntries(DEPLOYABLES.map((w) => [w, imageLayout(w, scratch, deployRoot)])) as Record<
      (typeof DEPLOYABLES)[number],
      string
    >;
    const all = await launches(project, images, baselineDir);
    if (compileCache) {
      for (const target of ['webhook', 'app'] as const) all[target].env['NODE_COMPILE_CACHE'] = await fillCompileCache(all[target]);
      const functionsCache = runGcpBuild(images.functions);
      for (const target of ['apply', 'reportUsage'] as const) all[target].env['NODE_COMPILE_CACHE'] = functionsCache;
    }
    for (let r = 0; r < runs; r++) {
      for (let k = 0; k < STARTUP_TARGETS.length; k++) {
        const target = STARTUP_TARGETS[(r + k) % STARTUP_TARGETS.length]!;
        const sample = await timeToFirst200(all[target], target === 'baseline' ? '' : (opts.nodeOptions ?? ''), opts.timeoutMs ?? 30_000);
        times[target].push(sample.wallMs);
        cpu[target].push(sample.cpuMs);
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const baseline = median(times.baseline);
  const figures = (t: StartupTarget): StartupFigures => ({
    runsMs: times[t].map((x) => round(x)),
    medianMs: round(median(times[t])),
    minMs: round(Math.min(...times[t])),
    medianCpuMs: median(cpu[t]),
    ratio: round(median(times[t]) / baseline, 2),
  });
  return {
    runs,
    compileCache,
    targetRatio: 2,
    targets: Object.fromEntries(STARTUP_TARGETS.map((t) => [t, figures(t)])) as Record<StartupTarget, StartupFigures>,
  };
}

// `FIRESTORE_EMULATOR_HOST=… PUBSUB_EMULATOR_HOST=… npx tsx infra/local/src/bench/startup-bench.ts`
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await runStartupBench({
    compileCache: process.env['BENCH_COMPILE_CACHE'] !== 'false',
    ...(process.env['BENCH_DEPLOY_ROOT'] ? { deployRoot: process.env['BENCH_DEPLOY_ROOT'] } : {}),
    ...(process.env['BENCH_NODE_OPTIONS'] ? { nodeOptions: process.env['BENCH_NODE_OPTIONS'] } : {}),
  });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
