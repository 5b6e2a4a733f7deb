// Per-minute rate limits: a token bucket per subject (the app uses one per user, shared by all
// their API keys and browser requests: services/app/src/usage/metered.ts), in this instance's
// memory. Capacity = the plan's rateLimitPerMinute, refilled continuously at limit/60 per second,
// so a subject may burst a full minute's allowance and then sustains the limit.
//
// Scope (stated): each app instance enforces the limit on the requests it serves. Cloud Run spreads
// one subject's requests over instances, so the global ceiling is at most instances x limit. A
// shared counter per request would cost a Firestore write per request (the thing quotas avoid);
// the monthly quota, which is shared exactly, is what bounds spend, and the load balancer's Cloud
// Armor rules put a global ceiling on each API key and client IP (infra/README.md).
import type { Clock } from '../ports/clock.js';

export type RateDecision = { readonly ok: true } | { readonly ok: false; readonly retryAfterSeconds: number };

export interface RateLimiter {
  /** Take `cost` tokens from `subject`'s bucket of `perMinute` tokens. */
  take(subject: string, perMinute: number, cost?: number): RateDecision;
}

interface Bucket {
  tokens: number;
  at: number;
}

export function createRateLimiter(clock: Clock, maxSubjects = 100_000): RateLimiter {
  const buckets = new Map<string, Bucket>();
  return {
    take(subject, perMinute, cost = 1) {
      const now = clock.now();
      const perMs = perMinute / 60_000;
      const bucket = buckets.get(subject) ?? { tokens: perMinute, at: now };
      bucket.tokens = Math.min(perMinute, bucket.tokens + (now - bucket.at) * perMs);
      bucket.at = now;
      if (!buckets.has(subject)) {
        // A full bucket carries no state worth keeping: dropping the oldest entries only forgets
        // subjects that were idle, or lets one refilled burst through.
        if (buckets.size >= maxSubjects) for (const key of [...buckets.keys()].slice(0, maxSubjects / 10)) buckets.delete(key);
        buckets.set(subject, bucket);
      }
      if (bucket.tokens >= cost) {
        bucket.tokens -= cost;
        return { ok: true };
      }
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((cost - bucket.tokens) / perMs / 1000)) };
    },
  };
}
