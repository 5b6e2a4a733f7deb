// Operators' overrides (operator console) in the one access decision: a feature override allows
// the feature whatever the plan until it expires; a quota override replaces the plan's monthly
// quota in the service API's check until it expires.
import { describe, expect, it } from 'vitest';
import type { AccessOverride } from '../model/operator-documents.js';
import { billingSummaryFixture } from '../testing/billing-summary-fixture.js';
import { decideAccess } from './access-decision.js';
import { decideCheck, quotaOverride } from './check-decision.js';

const now = 1_800_000_000;
const base = { id: 'ovr_1', grantedBy: 'ops@example.com', grantedAt: now - 10, reason: '' };
const sso: AccessOverride = { ...base, kind: 'feature', feature: 'sso', expiresAt: now + 60 };
const expiredSso: AccessOverride = { ...sso, expiresAt: now };
const moreCalls: AccessOverride = { ...base, id: 'ovr_2', kind: 'quota', feature: 'api_calls', limit: 5_000, expiresAt: now + 60 };

describe('overrides in the access decision', () => {
  it.each<[string, Parameters<typeof decideAccess>[0]['billing'], AccessOverride[], boolean]>([
    ['a feature the plan lacks, overridden', billingSummaryFixture({ planId: 'pro' }), [sso], true],
    ['the same on the free plan', null, [sso], true],
    ['an expired override grants nothing', billingSummaryFixture({ planId: 'pro' }), [expiredSso], false],
    [
      'an override of another feature grants nothing',
      billingSummaryFixture({ planId: 'pro' }),
      [{ ...sso, feature: 'priority_support' }],
      false,
    ],
    ['no override: the plan decides', billingSummaryFixture({ planId: 'pro' }), [], false],
  ])('%s', (_name, billing, overrides, allowed) => {
    expect(decideAccess({ billing, feature: 'sso', now, pastDueGraceSeconds: 0, overrides }).allow).toBe(allowed);
  });

  it('replaces the quota in the check while in force, the largest grant winning', () => {
    const usage = { used: 1_500, limit: 1_000, resetsAt: now + 1_000 };
    const check = (overrides: AccessOverride[]) =>
      decideCheck({ billing: null, feature: 'api_calls', units: 1, usage, now, pastDueGraceSeconds: 0, overrides });
    expect(check([]).allowed).toBe(false);
    expect(check([moreCalls])).toMatchObject({ allowed: true, reason: null });
    expect(check([{ ...moreCalls, expiresAt: now }]).reason).toBe('quota_exceeded');
    expect(quotaOverride([moreCalls, { ...moreCalls, id: 'ovr_3', limit: 9_000 }], 'api_calls', now)).toBe(9_000);
    expect(quotaOverride([moreCalls], 'tokens', now)).toBeNull();
  });
});
