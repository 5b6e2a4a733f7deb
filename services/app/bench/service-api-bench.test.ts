// Smoke test of the service API bench itself (short runs; figures are not asserted on a shared CI
// machine): every request succeeded, and admitted = counted = billed.
import { describe, expect, it } from 'vitest';
import { runServiceApiBench } from './service-api-bench.js';

describe('runServiceApiBench', () => {
  it('measures check against verify-only and track on two instances, and bills what it admitted', async () => {
    const r = await runServiceApiBench({ concurrency: 2, durationMs: 600, warmupMs: 200, rounds: 3, trackDurationMs: 800, accounts: 2 });
    for (const target of [r.baseline, r.check, r.checkMetered, r.track.calls]) {
      expect(target.requests).toBeGreaterThan(5);
      expect(target.errors).toBe(0);
    }
    for (const target of [r.baseline, r.check, r.checkMetered]) expect(target.cpuMicrosPerRequest).toBeGreaterThan(0);
    expect(r.track.admittedUnits).toBeGreaterThan(0);
    expect(r.track.countedUnits).toBe(r.track.admittedUnits);
    expect(r.track.billedUnits).toBe(r.track.admittedUnits);
  }, 90_000);
});
