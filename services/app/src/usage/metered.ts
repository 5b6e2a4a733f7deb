// Middleware that charges a request to a metered feature: first the per-minute rate limit of the
// user at their plan's rate, then `n` units against the monthly quota. A refused request records
// nothing. Mounted after apiKeyOrIap.
//
// The rate limit belongs to the user (later: the account), not to the credential: all of a
// user's API keys and their browser (IAP) requests take from one bucket, so creating keys does
// not multiply the plan's limit (issue 17, item 6). The bucket lives in this instance's memory
// (shared/src/usage/rate-limiter.ts): across N instances a user gets at most N x the limit; the
// load balancer's Cloud Armor rules (infra/terraform/app_load_balancer.tf) cap each key and
// client IP globally.
//
// The units are attributed to the member who made them (the IAP user, or the member who created
// the API key), so the account's usage can be shown per member. A key made before accounts has no
// creator: its units go to the account's id, which for a personal account is its user.
import type { RequestHandler } from 'express';
import { AppError } from '@billing/shared/errors/app-error.js';
import type { MeteredFeature } from '@billing/shared/plans/catalog.js';
import type { Clock } from '@billing/shared/ports/clock.js';
import { usageAccountOf, type UsageAccount } from '@billing/shared/usage/usage-account.js';
import { requestPrincipal } from '../api-keys/api-key-auth.js';
import type { Metering } from './metering.js';

/**
 * The account's per-minute rate limit at its plan's rate, one token per request: a 429 with
 * Retry-After when the bucket is empty. The one rule for the app's metered routes and /v1/track.
 */
export function takeRateLimit(metering: Pick<Metering, 'rateLimiter'>, account: UsageAccount): void {
  const limit = metering.rateLimiter.take(`user:${account.accountId}`, account.plan.rateLimitPerMinute);
  if (limit.ok) return;
  const { retryAfterSeconds } = limit;
  throw new AppError(
    'rate_limited',
    'Too many requests',
    { reason: 'rate_limited', retryAfterSeconds, limitPerMinute: account.plan.rateLimitPerMinute },
    { retryAfterSeconds },
  );
}

export function metered(feature: MeteredFeature, deps: { metering: Metering; clock: Clock }, units = 1): RequestHandler {
  return async (_req, res, next) => {
    const { accountId, userId, keyId } = requestPrincipal(res);
    const { metering } = deps;
    takeRateLimit(metering, usageAccountOf(accountId, await metering.billing.billing(accountId), deps.clock.now(), metering));
    await metering.recorder.record({ accountId, userId: userId ?? accountId, keyId }, feature, units);
    next();
  };
}
