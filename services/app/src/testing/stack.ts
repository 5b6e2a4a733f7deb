// The app as production composes it (compose-app.ts), in dev identity mode, against the real
// Firestore emulator and the local Stripe stand-in, on ephemeral ports.
import type { Firestore } from '@google-cloud/firestore';
import type Stripe from 'stripe';
import { createStandIn, type StandIn } from '@billing/stripe-stand-in/stand-in.js';
import { createLogger, silentLogger } from '@billing/shared/logging/logger.js';
import { createStripeClient } from '@billing/shared/stripe/stripe-client.js';
import { testFirestore, testProjectId } from '@billing/shared/testing/emulator.js';
import { composeApp, type ComposedApp } from '../compose-app.js';
import { IAP_HEADER } from '../auth/iap-verifier.js';
import { freePort, listen } from './listen.js';
import { testConfig } from './test-config.js';

export interface TestStack {
  baseUrl: string;
  standIn: StandIn;
  /** The SDK on the stand-in, for changes made outside the app (as from the Stripe Dashboard). */
  stripe: Stripe;
  firestore: Firestore;
  composed: ComposedApp;
  /** fetch as the user with this email (IAP header signed by the dev key). */
  as(email: string, path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/**
 * `env`: extra app configuration (e.g. ADMIN_EMAILS). `testClockStart` (unix seconds): the stand-in's
 * clock starts there and the app reads the time from it too, like a Stripe test clock that the
 * product follows: advancing it moves renewals and the app's notion of "now" together.
 */
export async function startTestStack(opts: { env?: Record<string, string>; testClockStart?: number } = {}): Promise<TestStack> {
  const projectId = testProjectId('app');
  const firestore = testFirestore(projectId);
  await firestore.doc('warmup/stack').get(); // the first call of a fresh client is slow here
  const standIn = createStandIn({ webhookSecret: 'whsec_app_tests', clockStart: opts.testClockStart });
  const stripe = await standIn.listen();
  // The app's success/return URLs name its own address, so the port is chosen before composing.
  const port = await freePort();
  const composed = await composeApp(
    testConfig({ projectId, stripeApiBase: stripe.url, publicBaseUrl: `http://127.0.0.1:${port}`, ...(opts.env ? { env: opts.env } : {}) }),
    {
      logger: process.env['APP_TEST_LOGS'] ? createLogger({ service: 'app-test', level: 'debug' }) : silentLogger(),
      firestore,
      ...(opts.testClockStart === undefined ? {} : { clock: standIn.clock.asPort() }),
    },
  );
  const app = await listen(composed.app, port);
  const devIap = composed.devIap;
  if (!devIap) throw new Error('test stack runs in dev identity mode');
  return {
    baseUrl: app.baseUrl,
    standIn,
    stripe: createStripeClient({ secretKey: 'sk_test_dashboard', apiBase: stripe.url }),
    firestore,
    composed,
    async as(email, path, init = {}) {
      const headers = new Headers(init.headers);
      headers.set(IAP_HEADER, await devIap.sign(email));
      return fetch(`${app.baseUrl}${path}`, { redirect: 'manual', ...init, headers });
    },
    async close() {
      await composed.close();
      await app.close();
      await stripe.close();
      await firestore.terminate();
    },
  };
}
