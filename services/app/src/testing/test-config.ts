// A dev-mode configuration for tests: the local Stripe stand-in's price ids, a demo project.
import { allLookupKeys } from '@billing/shared/plans/catalog.js';
import { loadConfig, type AppConfig } from '../config.js';

export function testConfig(opts: {
  projectId: string;
  stripeApiBase: string;
  publicBaseUrl?: string;
  env?: Record<string, string>;
}): AppConfig {
  const priceIds = Object.fromEntries(allLookupKeys().map((k) => [k, `price_${k}`]));
  return loadConfig({
    GOOGLE_CLOUD_PROJECT: opts.projectId,
    STRIPE_SECRET_KEY: 'sk_test_app_tests',
    STRIPE_LIVEMODE: 'false',
    STRIPE_API_BASE: opts.stripeApiBase,
    STRIPE_PRICE_IDS: JSON.stringify(priceIds),
    DEV_IAP: 'true',
    PUBLIC_BASE_URL: opts.publicBaseUrl ?? 'http://127.0.0.1:8789',
    LOG_LEVEL: 'silent',
    ...opts.env,
  });
}
