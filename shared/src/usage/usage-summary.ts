// The usage summary the app shows (GET /api/usage, GET /api/me, the billing page): used / limit /
// period end per metered feature for the user's current period. Cheap enough for every page view:
// a counter this instance synced recently is answered from memory, otherwise the counters are read
// (one read each, in parallel), reused for `ttlMs`. Other instances' unflushed units show up within one
// flush interval.
import type { Firestore } from '@google-cloud/firestore';
import type { AccountId } from '../model/ids.js';
import { MeteredFeature, type Quota } from '../plans/catalog.js';
import type { Clock } from '../ports/clock.js';
import { usageAccount, type BillingSource } from './usage-account.js';

import type { UsageRecorder } from './usage-recorder.js';
import { createStore } from '../firestore/store.js';

export interface FeatureUsage {
  readonly feature: MeteredFeature;
  readonly used: number;
  readonly limit: Quota;
  /** Unix seconds: when the quota month ends and the quota resets. */
  readonly periodEnd: number;
}

export interface UsageSummary {
  summary(accountId: AccountId): Promise<FeatureUsage[]>;
}

export interface UsageSummaryOptions {
  db: Firestore;
  billing: BillingSource;
  clock: Clock;
  recorder?: Pick<UsageRecorder, 'localUsed'>;
  /** The same past-due grace as the recorder's, so the summary shows the quotas being enforced. */
  pastDueGraceSeconds: number;
  ttlMs?: number;
}

export function createUsageSummary(opts: UsageSummaryOptions): UsageSummary {
  const ttlMs = opts.ttlMs ?? 5_000;
  const cache = new Map<string, { at: number; used: Promise<Map<MeteredFeature, number>> }>();

  function readCounters(accountId: AccountId, periodStart: number): Promise<Map<MeteredFeature, number>> {
    const key = `${accountId}|${periodStart}`;
    const now = opts.clock.now();
    const hit = cache.get(key);
    if (hit && now - hit.at < ttlMs) return hit.used;
    if (cache.size > 50_000) cache.clear();
    const refs = MeteredFeature.options.map((f) => createStore(opts.db).usageCounter(accountId, f, periodStart));
    const used = Promise.all(refs.map((ref) => ref.get())).then((snaps) => new Map<MeteredFeature, number>(snaps.map((s, i) => [MeteredFeature.options[i] as MeteredFeature, s.data()?.used ?? 0])));
    const entry = { at: now, used };
    cache.set(key, entry);
    void used.catch(() => {
      if (cache.get(key) === entry) cache.delete(key);
    });
    return used;
  }

  return {
    async summary(accountId) {
      const account = usageAccount(accountId, await opts.billing.billing(accountId), opts.clock.now(), opts);
      const periodEnd = account.periodEnd;
      const local = MeteredFeature.options.map((f) => opts.recorder?.localUsed(accountId, f, account.periodStart) ?? null);
      const stored = local.every((x) => x !== null) ? null : await readCounters(accountId, account.periodStart);
      return MeteredFeature.options.map((feature, i) => ({
        feature,
        used: local[i] ?? stored?.get(feature) ?? 0,
        limit: account.plan.quotas[feature],
        periodEnd,
      }));
    },
  };
}
