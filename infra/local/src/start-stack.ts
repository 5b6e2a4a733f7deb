// `npm start`: the whole product on this machine, offline. Starts the real Firestore and Pub/Sub
// emulators (ports from firebase.json), creates the Pub/Sub topology, and runs the event applier and
// usage reporter (functions-framework), the webhook service, the app service and, unless a real
// Stripe key is given, the local Stripe stand-in. Prints where each listens; Ctrl-C stops all of it.
//
// With a real Stripe test account instead of the stand-in:
//   STRIPE_SECRET_KEY=sk_test_... STRIPE_WEBHOOK_SECRET=whsec_... STRIPE_PRICE_IDS='{"pro_month":"price_..."}' npm start
//   stripe listen --latest --forward-to http://127.0.0.1:8787/stripe/webhook   (prints the whsec_ to use above)
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPubSubClient } from '@billing/shared/pubsub/pubsub-client.js';
import { allLookupKeys } from '@billing/shared/plans/catalog.js';
import {
  assertEmulatorsInstalled,
  emulatorPortsFromFirebaseJson,
  startFirestoreEmulator,
  startPubSubEmulator,
  type RunningEmulator,
} from './emulators.js';
import { startProcess, type ManagedProcess } from './processes.js';
import { STACK_PORTS as PORTS } from './stack-ports.js';
import { createTopology } from './pubsub-topology.js';
import { startUsageTicker } from './usage-ticker.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const PROJECT = 'demo-billing';
const LOCAL_WEBHOOK_SECRET = 'whsec_local_stack_not_a_secret';
/** Who may open /admin locally (dev sign-in takes any email); ADMIN_EMAILS overrides it. */
const LOCAL_ADMIN = 'admin@example.com';
/** The example host's service account: listed in the app's SERVICE_ACCOUNTS, its ID tokens from /dev/service-token. */
const EXAMPLE_HOST_SA = 'example-host@demo-billing.iam.gserviceaccount.com';

const stopFns: Array<() => Promise<void>> = [];
let stopping: Promise<never> | undefined;

/**
 * Stops everything started, last first, then exits. A second signal (Ctrl-C twice, or npm
 * forwarding the terminal's SIGINT that this process got too) waits for the same stop: exiting
 * early would orphan the services still running in their own process groups.
 */
function stopAll(code: number): Promise<never> {
  stopping ??= (async () => {
    process.stdout.write('\nstopping the local stack...\n');
    for (const stop of [...stopFns].reverse()) await stop().catch(() => undefined);
    process.exit(code);
  })();
  return stopping;
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

function tsProcess(name: string, file: string, env: Record<string, string>, readyUrl: string): Promise<ManagedProcess> {
  return startProcess({ name, command: process.execPath, args: ['--import', 'tsx', path.join(ROOT, file)], env, cwd: ROOT, readyUrl });
}

async function main(): Promise<void> {
  // This process talks to the Pub/Sub emulator too: keep the Google SDKs off the metadata server.
  process.env['METADATA_SERVER_DETECTION'] = 'none';
  assertEmulatorsInstalled();
  const realStripe = process.env['STRIPE_SECRET_KEY'];
  if (realStripe && (!process.env['STRIPE_WEBHOOK_SECRET'] || !process.env['STRIPE_PRICE_IDS'])) {
    throw new Error('With STRIPE_SECRET_KEY set, also set STRIPE_WEBHOOK_SECRET (from `stripe listen`) and STRIPE_PRICE_IDS (see README).');
  }
  const ports = emulatorPortsFromFirebaseJson(ROOT);
  const [firestore, pubsubEmu]: RunningEmulator[] = await Promise.all([
    startFirestoreEmulator({ port: ports.firestore, rulesFile: path.join(ROOT, 'firestore.rules') }),
    startPubSubEmulator({ port: ports.pubsub }),
  ]);
  stopFns.push(firestore!.stop, pubsubEmu!.stop);

  const common: Record<string, string> = {
    GOOGLE_CLOUD_PROJECT: PROJECT,
    FIRESTORE_EMULATOR_HOST: firestore!.host,
    PUBSUB_EMULATOR_HOST: pubsubEmu!.host,
    METADATA_SERVER_DETECTION: 'none',
    STRIPE_LIVEMODE: 'false',
    LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'info',
  };
  process.env['PUBSUB_EMULATOR_HOST'] = pubsubEmu!.host;
  const stripe: Record<string, string> = realStripe
    ? { STRIPE_SECRET_KEY: realStripe }
    : { STRIPE_SECRET_KEY: 'sk_test_local_stack', STRIPE_API_BASE: `http://127.0.0.1:${PORTS.standIn}` };
  const webhookSecret = process.env['STRIPE_WEBHOOK_SECRET'] ?? LOCAL_WEBHOOK_SECRET;
  const priceIds = process.env['STRIPE_PRICE_IDS'] ?? JSON.stringify(Object.fromEntries(allLookupKeys().map((k) => [k, `price_${k}`])));

  const functions = await tsProcess(
    'functions',
    'infra/local/src/function-host.ts',
    { ...common, ...stripe, APPLY_PORT: String(PORTS.apply), REPORT_USAGE_PORT: String(PORTS.reportUsage) },
    `http://127.0.0.1:${PORTS.apply}/`,
  );
  stopFns.push(functions.stop);

  const pubsub = createPubSubClient({ projectId: PROJECT });
  await createTopology(pubsub, { pushEndpoint: `http://127.0.0.1:${PORTS.apply}/projects/${PROJECT}/topics/stripe-events` });
  const ticker = await startUsageTicker(pubsub, `http://127.0.0.1:${PORTS.reportUsage}/projects/${PROJECT}/topics/usage-report-tick`);
  stopFns.push(ticker.stop);

  const webhook = await tsProcess(
    'webhook',
    'services/webhook/src/server.ts',
    { ...common, PORT: String(PORTS.webhook), STRIPE_WEBHOOK_SECRETS: webhookSecret },
    `http://127.0.0.1:${PORTS.webhook}/health`,
  );
  stopFns.push(webhook.stop);

  if (!realStripe) {
    const standIn = await tsProcess(
      'stripe-stand-in',
      'infra/local/stripe-stand-in/src/server.ts',
      {
        LOG_LEVEL: common['LOG_LEVEL']!,
        STAND_IN_PORT: String(PORTS.standIn),
        STRIPE_WEBHOOK_SECRET: webhookSecret,
        STAND_IN_WEBHOOK_URL: `http://127.0.0.1:${PORTS.webhook}/stripe/webhook`,
      },
      `http://127.0.0.1:${PORTS.standIn}/`,
    );
    stopFns.push(standIn.stop);
  }

  const app = await tsProcess(
    'app',
    'services/app/src/server.ts',
    {
      ...common,
      ...stripe,
      PORT: String(PORTS.app),
      DEV_IAP: 'true',
      STRIPE_PRICE_IDS: priceIds,
      PUBLIC_BASE_URL: `http://127.0.0.1:${PORTS.app}`,
      ADMIN_EMAILS: process.env['ADMIN_EMAILS'] ?? LOCAL_ADMIN,
      SERVICE_ACCOUNTS: process.env['SERVICE_ACCOUNTS'] ?? EXAMPLE_HOST_SA,
    },
    `http://127.0.0.1:${PORTS.app}/health`,
  );
  stopFns.push(app.stop);

  const exampleHost = await tsProcess(
    'example-host',
    'examples/host-service/src/server.ts',
    { PORT: String(PORTS.exampleHost), BILLING_URL: `http://127.0.0.1:${PORTS.app}`, DEV_SERVICE_ACCOUNT: EXAMPLE_HOST_SA },
    `http://127.0.0.1:${PORTS.exampleHost}/health`,
  );
  stopFns.push(exampleHost.stop);

  for (const p of [functions, webhook, app, exampleHost]) void p.exited.then(() => stopping ?? stopAll(1));

  const lines = [
    '',
    'Local stack is up (Ctrl-C stops everything):',
    `  app (billing pages)      http://127.0.0.1:${PORTS.app}/        sign in at /dev/sign-in`,
    `  admin revenue view       http://127.0.0.1:${PORTS.app}/admin   sign in as ${process.env['ADMIN_EMAILS'] ?? LOCAL_ADMIN}`,
    `  webhook service          http://127.0.0.1:${PORTS.webhook}/stripe/webhook`,
    `  event applier function   http://127.0.0.1:${PORTS.apply}/  (push from ${PROJECT}/stripe-events)`,
    `  usage reporter function  http://127.0.0.1:${PORTS.reportUsage}/  (ticked every 60 s)`,
    `  service API              http://127.0.0.1:${PORTS.app}/v1/openapi.json   a local ID token for a listed service account:`,
    `                           curl 'http://127.0.0.1:${PORTS.app}/dev/service-token?email=${EXAMPLE_HOST_SA}'`,
    `  example host service     http://127.0.0.1:${PORTS.exampleHost}/reports/<accountId>  (check)   POST /exports/<accountId>  (track)`,
    realStripe
      ? `  Stripe                   your account; run: stripe listen --latest --forward-to http://127.0.0.1:${PORTS.webhook}/stripe/webhook`
      : `  Stripe stand-in          http://127.0.0.1:${PORTS.standIn}/  (STRIPE_API_BASE for the SDK)`,
    `  Firestore emulator       ${firestore!.host}   Pub/Sub emulator ${pubsubEmu!.host}   project ${PROJECT}`,
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch(async (err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  await stopAll(1);
});
