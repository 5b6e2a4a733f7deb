// Builds the real app (real Firestore emulator, real Stripe SDK adapters) around a given
// identity verifier, for tests that exercise authentication and access without Stripe calls.
import type { Firestore } from '@google-cloud/firestore';
import { createAccountStateCache, type AccountStateCache } from '@billing/shared/access/account-state-cache.js';
import { createLogger, silentLogger } from '@billing/shared/logging/logger.js';
import { systemClock, type Clock } from '@billing/shared/ports/clock.js';
import { createSdkBillingGateway } from '@billing/shared/stripe/billing-gateway-sdk.js';
import { createStripeClient } from '@billing/shared/stripe/stripe-client.js';
import { createSdkStripeReader } from '@billing/shared/stripe/stripe-reader-sdk.js';
import { allLookupKeys } from '@billing/shared/plans/catalog.js';
import { createApp } from '../app.js';
import type { IapVerifier } from '../auth/iap-verifier.js';
import { noUsageView, type UsageView } from '../ports/usage-view.js';
import { createMetering, type Metering } from '../usage/metering.js';
import { listen, type Listening } from './listen.js';

/**
 * Metering (API keys, /v1, quotas) as production composes it, for `startHarness({ metering })`: its
 * own listener-backed account cache, and no automatic flush (the tests flush). `close` stops both.
 */
export function testMetering(firestore: Firestore, clock: Clock = systemClock): { metering: Metering; close: () => Promise<void> } {
  const logger = silentLogger();
  const accounts = createAccountStateCache({ firestore, logger, ttlMs: 60_000, maxEntries: 100, clock });
  const metering = createMetering({
    firestore,
    accounts,
    clock,
    logger,
    upgradeUrl: 'http://127.0.0.1:8789/billing',
    pastDueGraceSeconds: 3 * 86_400,
    autoFlush: false,
  });
  return {
    metering,
    close: async () => {
      await metering.close();
      accounts.close();
    },
  };
}

/** Nothing listens here: a test that unexpectedly calls Stripe fails instead of passing. */
const NO_STRIPE = 'http://127.0.0.1:9';

export interface Harness extends Listening {
  accounts: AccountStateCache;
}

export async function startHarness(opts: {
  firestore: Firestore;
  verifier: IapVerifier;
  clock?: Clock;
  usage?: UsageView;
  metering?: Metering;
  adminEmails?: string[];
}): Promise<Harness> {
  const logger = process.env['APP_TEST_LOGS'] ? createLogger({ service: 'app-test', level: 'debug' }) : silentLogger();
  const clock = opts.clock ?? systemClock;
  const stripe = createStripeClient({ secretKey: 'sk_test_harness', apiBase: NO_STRIPE, maxNetworkRetries: 0, timeoutMs: 1000 });
  const accounts = createAccountStateCache({ firestore: opts.firestore, logger, ttlMs: 60_000, maxEntries: 1000, clock });
  const app = createApp({
    logger,
    clock,
    verifier: opts.verifier,
    devIap: null,
    accounts,
    firestore: opts.firestore,
    billing: {
      firestore: opts.firestore,
      gateway: createSdkBillingGateway(stripe),
      reader: createSdkStripeReader(stripe),
      priceIds: Object.fromEntries(allLookupKeys().map((k) => [k, `price_${k}`])),
      clock,
      livemode: false,
      publicBaseUrl: 'http://127.0.0.1:8789',
      allowPromotionCodes: false,
      refreshStoredSubscription: () => Promise.reject(new Error('not used by harness tests')),
    },
    usage: opts.usage ?? noUsageView,
    metering: opts.metering,
    pastDueGraceSeconds: 3 * 86_400,
    adminEmails: opts.adminEmails ?? [],
  });
  const server = await listen(app);
  return {
    ...server,
    accounts,
    close: async () => {
      accounts.close();
      await server.close();
    },
  };
}
