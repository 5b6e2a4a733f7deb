// Smoke test of the bench itself (short runs; figures are not asserted on a shared CI machine,
// only that every request succeeded and the bench measured something).
import { describe, expect, it } from 'vitest';
import { runAccessBench } from './access-bench.js';

describe('runAccessBench', () => {
  it('measures the baseline, /api/me and the gated route without errors', async () => {
    const result = await runAccessBench({ concurrency: 4, durationMs: 500, warmupMs: 200 });
    for (const target of [result.baseline, result.me, result.gated]) {
      expect(target.requests).toBeGreaterThan(10);
      expect(target.errors).toBe(0);
      expect(target.cpuMicrosPerRequest).toBeGreaterThan(0);
    }
  }, 60_000);
});
