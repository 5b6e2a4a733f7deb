// Everything the app needs for metering, built once at the composition root from the clients it
// already has: the quota recorder, the usage summary, API keys, the rate limiter, and the
// UsageView the app's /api/me and billing page read, the service API's idempotent track. close() is
// for SIGTERM: it flushes admitted units and lastUsedAt stamps, gives back quota leases, finishes
// writing track outcomes and recording quota notifications.
import type { Firestore } from '@google-cloud/firestore';
import type { AccountStateCache } from '@billing/shared/access/account-state-cache.js';
import { createApiKeyStore, type ApiKeyStore } from '@billing/shared/api-keys/api-key-store.js';
import { createApiKeyVerifier, type ApiKeyVerifier } from '@billing/shared/api-keys/api-key-verifier.js';
import type { Logger } from '@billing/shared/logging/logger.js';
import type { Clock } from '@billing/shared/ports/clock.js';
import { createRateLimiter, type RateLimiter } from '@billing/shared/usage/rate-limiter.js';
import { NO_ACCOUNT, type BillingSource } from '@billing/shared/usage/usage-account.js';
import { createUsageRecorder, type UsageRecorder } from '@billing/shared/usage/usage-recorder.js';
import { createUsageSummary, type UsageSummary } from '@billing/shared/usage/usage-summary.js';
import { createStore } from '@billing/shared/firestore/store.js';
import { createQuotaThresholdWatcher } from '@billing/shared/notifications/quota-thresholds.js';
import type { UsageView } from '../ports/usage-view.js';
import { createIdempotentTrack, type IdempotentTrack } from '@billing/shared/service-api/idempotent-track.js';

export interface Metering {
  readonly billing: BillingSource;
  readonly recorder: UsageRecorder;
  readonly usage: UsageSummary;
  readonly keys: ApiKeyStore;
  readonly keyVerifier: ApiKeyVerifier;
  readonly rateLimiter: RateLimiter;
  /** The service API's track: each idempotency key counted once. */
  readonly track: IdempotentTrack;
  /** Where 402/403/429 bodies send the user. */
  readonly upgradeUrl: string;
  /** PAST_DUE_GRACE_DAYS in seconds: quotas follow the same past-due grace as features (effectivePlan). */
  readonly pastDueGraceSeconds: number;
  /** For GET /api/me and the billing page. */
  readonly view: UsageView;
  close(): Promise<void>;
}

export interface MeteringOptions {
  firestore: Firestore;
  /** The app's listener-backed account cache: plan changes reach quotas as soon as it sees them. */
  accounts: Pick<AccountStateCache, 'get'>;
  clock: Clock;
  logger: Logger;
  /** e.g. `${PUBLIC_BASE_URL}/billing`. */
  upgradeUrl: string;
  /** The app's PAST_DUE_GRACE_DAYS in seconds, the same value access control gets. */
  pastDueGraceSeconds: number;
  flushIntervalMs?: number;
  /** Tests drive flushes themselves. */
  autoFlush?: boolean;
}

export function createMetering(opts: MeteringOptions): Metering {
  const { firestore: db, clock, logger } = opts;
  const billing: BillingSource = { billing: async (accountId) => (await opts.accounts.get(accountId)) ?? NO_ACCOUNT };
  const quotaThresholds = createQuotaThresholdWatcher({ store: createStore(db), clock, logger });
  const recorder = createUsageRecorder({
    onUsage: (usage) => quotaThresholds.observe(usage),
    db,
    billing,
    clock,
    logger,
    upgradeUrl: opts.upgradeUrl,
    pastDueGraceSeconds: opts.pastDueGraceSeconds,
    ...(opts.flushIntervalMs === undefined ? {} : { flushIntervalMs: opts.flushIntervalMs }),
    ...(opts.autoFlush === undefined ? {} : { autoFlush: opts.autoFlush }),
  });
  const usage = createUsageSummary({ db, billing, clock, recorder, pastDueGraceSeconds: opts.pastDueGraceSeconds });
  const keyVerifier = createApiKeyVerifier({ db, clock, logger, ...(opts.autoFlush === undefined ? {} : { autoFlush: opts.autoFlush }) });
  // A key created here is admitted here at once, even if its secret was just refused as unknown.
  const keys = createApiKeyStore(db, clock, { onCreated: (hash) => keyVerifier.created(hash) });
  const track = createIdempotentTrack({ store: createStore(db), clock, logger });
  const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);
  return {
    billing,
    recorder,
    usage,
    keys,
    keyVerifier,
    rateLimiter: createRateLimiter(clock),
    track,
    upgradeUrl: opts.upgradeUrl,
    pastDueGraceSeconds: opts.pastDueGraceSeconds,
    view: {
      summary: (accountId, options) => usage.summary(accountId, options),
      apiKeys: async (accountId) =>
        (await keys.list(accountId)).map((k) => ({
          id: k.id,
          name: k.name,
          prefix: k.prefix,
          createdAt: seconds(k.createdAt),
          lastUsedAt: k.lastUsedAt === null ? null : seconds(k.lastUsedAt),
        })),
    },
    async close() {
      await Promise.all([recorder.close(), keyVerifier.close(), track.close()]);
      // A quota notification noticed just before SIGTERM is written to the outbox before the exit.
      await quotaThresholds.idle();
    },
  };
}
