// Builds the real dependency graph from configuration: used by server.ts, and by the
// integration tests and the bench, which run exactly what production runs (against the
// emulators and the Stripe stand-in).
import type { Express } from 'express';
import type { Firestore } from '@google-cloud/firestore';
import { createAccountStateCache, type AccountStateCache } from '@billing/shared/access/account-state-cache.js';
import { createStore } from '@billing/shared/firestore/store.js';
import { refreshSubscription } from '@billing/shared/billing/refresh-subscription.js';
import type { Logger } from '@billing/shared/logging/logger.js';
import type { DeadLetterQueue } from '@billing/shared/ports/dead-letter-queue.js';
import { systemClock, type Clock } from '@billing/shared/ports/clock.js';
import { createSdkBillingGateway } from '@billing/shared/stripe/billing-gateway-sdk.js';
import { createSdkOperatorGateway } from '@billing/shared/stripe/operator-gateway-sdk.js';
import { createStripeClient } from '@billing/shared/stripe/stripe-client.js';
import { createSdkStripeReader } from '@billing/shared/stripe/stripe-reader-sdk.js';
import { createApp } from './app.js';
import {
  createServiceTokenVerifier,
  devServiceIdentity,
  googleIdTokenKeys,
  type DevServiceIdentity,
  type ServiceTokenVerifier,
} from './service-api/service-identity.js';
import { createDevIap, type DevIap } from './auth/dev-iap.js';
import { createIapVerifier, googleIapKeys, type IapVerifier } from './auth/iap-verifier.js';
import type { AppConfig, IdentityConfig } from './config.js';
import type { UsageView } from './ports/usage-view.js';
import { createMetering, type Metering } from './usage/metering.js';

export interface ComposedApp {
  app: Express;
  accounts: AccountStateCache;
  /** Null in production (IAP) mode. */
  devIap: DevIap | null;
  verifier: IapVerifier;
  /** Verifies the service API's callers (Google ID tokens of SERVICE_ACCOUNTS). */
  serviceVerifier: ServiceTokenVerifier;
  metering: Metering;
  /** Flushes admitted usage, returns held quota, stops listeners (the Firestore client belongs to the caller). */
  close(): Promise<void>;
}

/** Google's ID-token keys in production; in dev mode a local key pair that /dev/service-token signs with. */
async function buildServiceIdentity(
  identity: IdentityConfig,
  serviceApi: AppConfig['serviceApi'],
): Promise<{ verifier: ServiceTokenVerifier; dev: DevServiceIdentity | null }> {
  const dev = identity.mode === 'dev' ? await devServiceIdentity() : null;
  return { verifier: createServiceTokenVerifier({ keys: dev ? dev.keys : googleIdTokenKeys(), ...serviceApi }), dev };
}

export async function buildIdentity(identity: IdentityConfig): Promise<{ verifier: IapVerifier; devIap: DevIap | null }> {
  if (identity.mode === 'iap') return { verifier: createIapVerifier({ keys: googleIapKeys(), audience: identity.audience }), devIap: null };
  const devIap = await createDevIap({ privateJwk: identity.privateJwk });
  return { verifier: createIapVerifier({ keys: devIap.keys, audience: devIap.audience }), devIap };
}

/**
 * The console's dead-letter queue, built on first use: the Pub/Sub client is imported dynamically
 * on that path only, so the app's start-up (and every request but the pipeline view's) never loads it.
 */
function lazyDeadLetters(config: AppConfig, logger: Logger): { get: () => Promise<DeadLetterQueue>; close: () => Promise<void> } {
  let queue: Promise<DeadLetterQueue> | null = null;
  return {
    get: () => {
      if (!queue) {
        const loading = import('@billing/shared/pubsub/dead-letter-queue.js').then(({ createDeadLetterQueue }) =>
          createDeadLetterQueue({
            projectId: config.projectId,
            subscription: config.deadLetters.subscription,
            topic: config.deadLetters.topic,
            logger,
          }),
        );
        queue = loading;
        // A failed load is not kept: the next view tries again.
        loading.catch(() => {
          if (queue === loading) queue = null;
        });
      }
      return queue;
    },
    close: async () => {
      if (queue) await (await queue.catch(() => null))?.close();
    },
  };
}

export async function composeApp(
  config: AppConfig,
  opts: { logger: Logger; firestore: Firestore; clock?: Clock; usage?: UsageView },
): Promise<ComposedApp> {
  const { logger, firestore } = opts;
  const clock = opts.clock ?? systemClock;
  const stripe = createStripeClient({ secretKey: config.stripe.secretKey, apiBase: config.stripe.apiBase });
  const reader = createSdkStripeReader(stripe);
  const store = createStore(firestore);
  const { verifier, devIap } = await buildIdentity(config.identity);
  const service = await buildServiceIdentity(config.identity, config.serviceApi);
  if (devIap) logger.warn({ event: 'app.dev_identity' }, 'DEV_IAP: local sign-in enabled; never use in production');
  const accounts = createAccountStateCache({
    firestore,
    logger,
    ttlMs: config.accessCache.ttlMs,
    maxEntries: config.accessCache.maxUsers,
    clock,
  });
  const deadLetters = lazyDeadLetters(config, logger);
  const metering = createMetering({
    firestore,
    accounts,
    clock,
    logger,
    upgradeUrl: `${config.publicBaseUrl}/billing`,
    pastDueGraceSeconds: config.pastDueGraceSeconds,
  });
  const app = createApp({
    logger,
    projectId: config.projectId,
    clock,
    verifier,
    devIap,
    accounts,
    firestore,
    billing: {
      firestore,
      gateway: createSdkBillingGateway(stripe),
      reader,
      priceIds: config.priceIds,
      clock,
      livemode: config.stripe.livemode,
      publicBaseUrl: config.publicBaseUrl,
      allowPromotionCodes: config.allowPromotionCodes,
      refreshStoredSubscription: async (subscriptionId, refreshOpts) => {
        await refreshSubscription({ store, reader, clock, logger }, subscriptionId, refreshOpts);
      },
    },
    usage: opts.usage ?? metering.view,
    metering,
    pastDueGraceSeconds: config.pastDueGraceSeconds,
    adminEmails: config.adminEmails,
    salesContactUrl: config.salesContactUrl,
    operatorGateway: createSdkOperatorGateway(stripe),
    deadLetters: deadLetters.get,
    service: { verifier: service.verifier, dev: service.dev, audience: config.serviceApi.audience },
  });
  return {
    app,
    accounts,
    devIap,
    verifier,
    serviceVerifier: service.verifier,
    metering,
    close: async () => {
      await metering.close();
      accounts.close();
      await deadLetters.close();
    },
  };
}
