// The usage summary the app shows (GET /api/usage, GET /api/me, the billing page): used / limit /
// period end per metered feature for the account's current period, and the units of each member
// who made them. Cheap enough for every page view: a counter this instance synced recently is
// answered from memory, otherwise the counters are read (one read each, in parallel), reused for
// `ttlMs`. Other instances' unflushed units show up within one flush interval.
import type { Firestore } from '@google-cloud/firestore';
import type { AccountId } from '../model/ids.js';
import { MeteredFeature, type Quota } from '../plans/catalog.js';
import type { Clock } from '../ports/clock.js';
import type { MemberUnits } from './counter-state.js';
import type { LocalUsage } from './lease-policy.js';
import { usageAccountOf, type BillingSource } from './usage-account.js';

import type { UsageRecorder } from './usage-recorder.js';
import { createStore } from '../firestore/store.js';

export interface MemberUsage {
  readonly userId: string;
  readonly used: number;
}

export interface FeatureUsage {
  readonly feature: MeteredFeature;
  readonly used: number;
  readonly limit: Quota;
  /** Unix seconds: when the quota month ends and the quota resets. */
  readonly periodEnd: number;
  /**
   * `used` by the member who made it, largest first. It sums to `used` except for units counted
   * before usage was attributed (kept in `used` only).
   */
  readonly byMember: readonly MemberUsage[];
}

export interface UsageSummary {
  summary(accountId: AccountId): Promise<FeatureUsage[]>;
  /** One feature's figures without the members (what a check needs): the same sources as `summary`. */
  featureUsage(accountId: AccountId, feature: MeteredFeature): Promise<Omit<FeatureUsage, 'byMember'>>;
}

export interface UsageSummaryOptions {
  db: Firestore;
  billing: BillingSource;
  clock: Clock;
  recorder?: Pick<UsageRecorder, 'localUsage'>;
  /** The same past-due grace as the recorder's, so the summary shows the quotas being enforced. */
  pastDueGraceSeconds: number;
  ttlMs?: number;
}

/** Members largest first; ties by user id, so the order is stable. */
export function rankMembers(byMember: MemberUnits): MemberUsage[] {
  return Object.entries(byMember)
    .map(([userId, used]) => ({ userId, used }))
    .sort((a, b) => b.used - a.used || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
}

const NOTHING: LocalUsage = { used: 0, byMember: {} };

export function createUsageSummary(opts: UsageSummaryOptions): UsageSummary {
  const ttlMs = opts.ttlMs ?? 5_000;
  const store = createStore(opts.db);
  const cache = new Map<string, { at: number; usage: Promise<Map<MeteredFeature, LocalUsage>> }>();

  function readCounters(accountId: AccountId, periodStart: number): Promise<Map<MeteredFeature, LocalUsage>> {
    const key = `${accountId}|${periodStart}`;
    const now = opts.clock.now();
    const hit = cache.get(key);
    if (hit && now - hit.at < ttlMs) return hit.usage;
    if (cache.size > 50_000) cache.clear();
    const reads = MeteredFeature.options.map(async (feature) => {
      const doc = (await store.usageCounter(accountId, feature, periodStart).get()).data();
      return [feature, doc ? { used: doc.used, byMember: doc.byMember } : NOTHING] as const;
    });
    const usage = Promise.all(reads).then((rows) => new Map<MeteredFeature, LocalUsage>(rows));
    const entry = { at: now, usage };
    cache.set(key, entry);
    void usage.catch(() => {
      if (cache.get(key) === entry) cache.delete(key);
    });
    return usage;
  }

  /**
   * The account's quota month now and each feature's usage in it: this instance's view of a counter
   * it synced recently (the stored figures and its own unflushed units, both by member), else the
   * stored counters (read only when some feature has no local view).
   */
  async function current(accountId: AccountId, features: readonly MeteredFeature[]) {
    const account = usageAccountOf(accountId, await opts.billing.billing(accountId), opts.clock.now(), opts);
    const local = features.map((f) => opts.recorder?.localUsage(accountId, f, account.periodStart) ?? null);
    const stored = local.every((x) => x !== null) ? null : await readCounters(accountId, account.periodStart);
    return { account, usages: features.map((f, i) => local[i] ?? stored?.get(f) ?? NOTHING) };
  }

  return {
    async summary(accountId) {
      const { account, usages } = await current(accountId, MeteredFeature.options);
      return MeteredFeature.options.map((feature, i) => {
        const usage = usages[i] ?? NOTHING;
        return {
          feature,
          used: usage.used,
          limit: account.quotas[feature],
          periodEnd: account.periodEnd,
          byMember: rankMembers(usage.byMember),
        };
      });
    },
    async featureUsage(accountId, feature) {
      const { account, usages } = await current(accountId, [feature]);
      return { feature, used: usages[0]?.used ?? 0, limit: account.quotas[feature], periodEnd: account.periodEnd };
    },
  };
}
