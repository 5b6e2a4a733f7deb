// A short smoke run of the tracing overhead bench: the apply bench completes with tracing off and
// on (every message applied both times) and the comparison is well-formed.
import { describe, expect, it } from 'vitest';
import { requireEmulators } from '@billing/shared/testing/emulator.js';
import { runApplyTracingOverhead } from './apply-bench-tracing.js';

describe('runApplyTracingOverhead', () => {
  it('runs the apply bench with tracing off, then on, and compares their ratios', async () => {
    requireEmulators();
    const r = await runApplyTracingOverhead({
      events: 20,
      rounds: 2,
      concurrency: 4,
      timeoutMs: 20_000,
      cpu: () => ({ node: performance.now() }),
    });
    expect([r.off.ledgerEntries, r.on.ledgerEntries]).toEqual([60, 60]);
    expect(r.relativeThroughput).toBeCloseTo(r.on.ratio / r.off.ratio, 9);
    expect(Number.isFinite(r.extraNodeCpuMsPerMessage)).toBe(true);
  }, 120_000);
});
