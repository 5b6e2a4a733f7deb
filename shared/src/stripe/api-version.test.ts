import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { isReadableApiVersion, OLDEST_READABLE_API_VERSION, PINNED_API_VERSION } from './api-version.js';

describe('isReadableApiVersion', () => {
  it("reads from 2025-03-31.basil up to the version the SDK pins, and that release's later monthly versions", () => {
    expect(PINNED_API_VERSION).toBe(Stripe.API_VERSION);
    const release = PINNED_API_VERSION.split('.')[1];
    for (const v of [OLDEST_READABLE_API_VERSION, '2025-09-30.clover', '2026-07-29.dahlia', PINNED_API_VERSION, `2099-01-01.${release}`])
      expect(isReadableApiVersion(v)).toBe(true);
  });

  it('refuses older shapes, versions newer than the SDK, and what is not a version', () => {
    for (const v of ['2025-02-24.acacia', '2024-06-20', '2020-08-27', '2099-01-01.zeta', 'endive', '', null, undefined])
      expect(isReadableApiVersion(v)).toBe(false);
  });
});
