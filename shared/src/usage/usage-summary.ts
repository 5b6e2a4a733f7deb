// The usage summary the app shows (GET /api/usage, GET /api/me, the billing page): used / limit /
// period end per metered feature for the account's current period, the units of each member who
// made them, and each feature's units per UTC day (the counters' `byDay`, kept only in Firestore,
// for the billing page's daily chart). Cheap enough for every page view: a counter this instance
// synced recently is answered from memory, the stored counters (one read each, in parallel) are
// reused for `ttlMs`. Other instances' flushed units show up within that. A read is dropped when
// this instance forgets a counter (idle after its last flush): from then on the stored figures are
// the only view of that counter, and a read older than its last flush would show its units gone.
import type { Firestore } from '@google-cloud/firestore';
import type { AccountId } from '../model/ids.js';
import { MeteredFeature, type Quota } from '../plans/catalog.js';
import type { Clock } from '../ports/clock.js';
import { utcDay, type DayUnits, type MemberUnits } from './counter-state.js';
import { addMemberUnits, type LocalUsage } from './lease-policy.js';
import { usageAccountOf, type AccountBilling, type BillingSource } from './usage-account.js';

import type { UsageRecorder } from './usage-recorder.js';
import { createStore } from '../firestore/store.js';

export interface MemberUsage {
  readonly userId: string;
  readonly used: number;
}

export interface DayUsage {
  /** UTC day, 'YYYY-MM-DD'. */
  readonly day: string;
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
  /**
   * Units per UTC day, every day of the period from its first to today (or its last), oldest first,
   * 0 on a day without usage; only when asked for (`{days: true}`). Units counted before the
   * counter kept days are in `used` only; this instance's unflushed units count today.
   */
  readonly byDay?: readonly DayUsage[];
}

export interface UsageSummary {
  /** `days`: with each feature's units per day (the billing page's chart: a read of the stored counters, cached). */
  summary(accountId: AccountId, options?: { days?: boolean }): Promise<FeatureUsage[]>;
  /**
   * One feature's figures without the members (what a check needs): the same sources as `summary`.
   * `state`: the account's billing state when the caller holds it already (not looked up again).
   */
  featureUsage(accountId: AccountId, feature: MeteredFeature, state?: AccountBilling): Promise<Omit<FeatureUsage, 'byMember' | 'byDay'>>;
}

export interface UsageSummaryOptions {
  db: Firestore;
  billing: BillingSource;
  clock: Clock;
  recorder?: Pick<UsageRecorder, 'localUsage' | 'onForget'>;
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

const DAY_SECONDS = 86_400;

/**
 * Every UTC day from `from` to `to` (unix seconds, both included) with its units in `byDay`, 0 for
 * a day without; days of `byDay` outside the range are left out.
 */
export function dailySeries(byDay: DayUnits, from: number, to: number): DayUsage[] {
  const units = new Map(Object.entries(byDay));
  const series: DayUsage[] = [];
  const last = utcDay(to);
  // From midnight of the first day, so each step lands on the next day whatever the start's time.
  for (let t = Math.floor(from / DAY_SECONDS) * DAY_SECONDS; ; t += DAY_SECONDS) {
    const day = utcDay(t);
    series.push({ day, used: units.get(day) ?? 0 });
    if (day >= last) return series;
  }
}

/** A counter as stored: its figures and its days. */
interface StoredUsage extends LocalUsage {
  readonly byDay: DayUnits;
}

const NOTHING: StoredUsage = { used: 0, byMember: {}, byDay: {} };

export function createUsageSummary(opts: UsageSummaryOptions): UsageSummary {
  const ttlMs = opts.ttlMs ?? 5_000;
  const store = createStore(opts.db);
  const cache = new Map<string, { at: number; usage: Promise<Map<MeteredFeature, StoredUsage>> }>();

  const cacheKey = (accountId: string, periodStart: number) => `${accountId}|${periodStart}`;
  opts.recorder?.onForget((counter) => cache.delete(cacheKey(counter.accountId, counter.periodStart)));

  /** The stored counters of the month, read at most once per `ttlMs`. */
  function readCounters(accountId: AccountId, periodStart: number): Promise<Map<MeteredFeature, StoredUsage>> {
    const key = cacheKey(accountId, periodStart);
    const now = opts.clock.now();
    const hit = cache.get(key);
    if (hit && now - hit.at < ttlMs) return hit.usage;
    if (cache.size > 50_000) cache.clear();
    const reads = MeteredFeature.options.map(async (feature) => {
      const doc = (await store.usageCounter(accountId, feature, periodStart).get()).data();
      return [feature, doc ? { used: doc.used, byMember: doc.byMember, byDay: doc.byDay } : NOTHING] as const;
    });
    const usage = Promise.all(reads).then((rows) => new Map<MeteredFeature, StoredUsage>(rows));
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
   * stored counters (read when some feature has no local view, or `withDays`: the summary's days
   * are only stored).
   */
  async function current(accountId: AccountId, features: readonly MeteredFeature[], withDays: boolean, state?: AccountBilling) {
    const account = usageAccountOf(accountId, state ?? (await opts.billing.billing(accountId)), opts.clock.now(), opts);
    const local = features.map((f) => opts.recorder?.localUsage(accountId, f, account.periodStart) ?? null);
    const stored = !withDays && local.every((x) => x !== null) ? null : await readCounters(accountId, account.periodStart);
    return { account, stored, usages: features.map((f, i) => local[i] ?? stored?.get(f) ?? NOTHING) };
  }

  return {
    async summary(accountId, options) {
      const withDays = options?.days === true;
      const { account, stored, usages } = await current(accountId, MeteredFeature.options, withDays);
      // The days are only stored (an instance keeps none in memory): this instance's units not in
      // the read count today.
      const today = Math.min(Math.floor(opts.clock.now() / 1000), account.periodEnd - 1);
      return MeteredFeature.options.map((feature, i) => {
        const usage = usages[i] ?? NOTHING;
        const row = {
          feature,
          used: usage.used,
          limit: account.quotas[feature],
          periodEnd: account.periodEnd,
          byMember: rankMembers(usage.byMember),
        };
        if (!withDays) return row;
        const read = stored?.get(feature) ?? NOTHING;
        const unstored = Math.max(0, usage.used - read.used);
        const byDay = unstored > 0 ? addMemberUnits(read.byDay, { [utcDay(today)]: unstored }) : read.byDay;
        return { ...row, byDay: dailySeries(byDay, account.periodStart, today) };
      });
    },
    async featureUsage(accountId, feature, state) {
      const { account, usages } = await current(accountId, [feature], false, state);
      return { feature, used: usages[0]?.used ?? 0, limit: account.quotas[feature], periodEnd: account.periodEnd };
    },
  };
}
