// What the app shows about usage and API keys (GET /api/me, the billing page). The metering
// implements it (services/app/src/usage/metering.ts over shared/src/usage); `noUsageView` shows
// nothing, for test harnesses of routes that involve no usage.
import type { AccountId } from '@billing/shared/model/ids.js';
import type { MeteredFeature, Quota } from '@billing/shared/plans/catalog.js';

export interface UsageSummary {
  feature: MeteredFeature;
  used: number;
  limit: Quota;
  /** Unix seconds: when the quota resets (the month anchored on the subscription's billing-cycle anchor, or the calendar month for free users). */
  periodEnd: number | null;
  /** `used` by the member (user id) who made it, largest first; units counted before attribution are in `used` only. */
  byMember: readonly MemberUsage[];
  /**
   * Units per UTC day of the period, from its first day to today, oldest first, 0 on a day without
   * usage (the billing page's daily chart). Metering always sets it; absent in views built by hand.
   */
  byDay?: readonly DayUsage[];
}

export interface DayUsage {
  /** UTC day, 'YYYY-MM-DD'. */
  day: string;
  used: number;
}

export interface MemberUsage {
  userId: string;
  used: number;
}

export interface ApiKeySummary {
  id: string;
  name: string;
  /** Display prefix only: the secret is never stored. */
  prefix: string;
  /** Unix seconds. */
  createdAt: number;
  lastUsedAt: number | null;
}

export interface UsageView {
  /** `days`: with each feature's units per day (the billing page and its poll; /api/me goes without). */
  summary(accountId: AccountId, options?: { days?: boolean }): Promise<UsageSummary[]>;
  apiKeys(accountId: AccountId): Promise<ApiKeySummary[]>;
}

export const noUsageView: UsageView = {
  summary: () => Promise.resolve([]),
  apiKeys: () => Promise.resolve([]),
};
