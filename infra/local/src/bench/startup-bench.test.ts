// A short smoke run of the start-up benchmark: every deployable, built into a scratch directory as
// it ships, starts and answers its main work, and the figures are well-formed. The 2x target
// belongs to `npm run bench -- startup`, not to a test.
import { describe, expect, it } from 'vitest';
import { requireEmulators } from '@billing/shared/testing/emulator.js';
import { runStartupBench, STARTUP_TARGETS } from './startup-bench.js';

describe('runStartupBench', () => {
  it('starts each deployable and the baseline and times them to their first answer', { timeout: 240_000 }, async () => {
    requireEmulators();
    const result = await runStartupBench({ runs: 1 });
    expect(result.runs).toBe(1);
    expect(result.compileCache).toBe(true);
    for (const target of STARTUP_TARGETS) {
      const t = result.targets[target];
      expect(t.runsMs).toHaveLength(1);
      expect(t.medianMs).toBeGreaterThan(0);
      expect(t.minMs).toBeLessThanOrEqual(t.medianMs);
      expect(t.ratio).toBeCloseTo(t.medianMs / result.targets.baseline.medianMs, 1);
    }
    expect(result.targets.baseline.ratio).toBe(1);
  });
});
