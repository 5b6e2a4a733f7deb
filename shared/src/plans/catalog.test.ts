import { describe, expect, it } from 'vitest';
import { PLANS, PriceIdMap, allLookupKeys, catalogPlan, planForLookupKey } from './catalog.js';

describe('plan catalog', () => {
  it('names every lookup key once', () => {
    const keys = allLookupKeys();
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('resolves a lookup key to its plan', () => {
    expect(planForLookupKey('pro_month')?.plan.id).toBe('pro');
    expect(planForLookupKey('nope')).toBeNull();
  });

  it('reads a stored plan id as a catalog plan, and any other as none', () => {
    expect(catalogPlan('team')).toBe(PLANS.team);
    expect(catalogPlan('gold')).toBeNull();
    expect(catalogPlan(null)).toBeNull();
  });

  it('rejects a price map with an unknown lookup key', () => {
    expect(PriceIdMap.safeParse({ pro_month: 'price_1' }).success).toBe(true);
    expect(PriceIdMap.safeParse({ pro_mnth: 'price_1' }).success).toBe(false);
  });

  it('free plan has no prices and paid plans do', () => {
    expect(PLANS.free.prices).toHaveLength(0);
    for (const id of ['pro', 'team', 'enterprise'] as const) expect(PLANS[id].prices.length).toBeGreaterThan(0);
  });

  it('includes api_access in exactly the plans that have API calls: /v1 requires the feature and charges the quota', () => {
    for (const plan of Object.values(PLANS))
      expect({ plan: plan.id, apiAccess: plan.features.includes('api_access') }).toEqual({
        plan: plan.id,
        apiAccess: plan.quotas.api_calls !== 0,
      });
    expect(PLANS.free.features).toContain('api_access');
  });
});
