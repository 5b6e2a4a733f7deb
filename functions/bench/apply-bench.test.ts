// A short smoke run of the apply benchmark: every published message is applied through the
// streaming pull (the bench itself throws otherwise) and the figures are well-formed. Throughput
// targets belong to `npm run bench`, not to a test.
import { describe, expect, it } from 'vitest';
import { requireEmulators } from '@billing/shared/testing/emulator.js';
import { runApplyBench } from './apply-bench.js';

describe('runApplyBench', () => {
  it('applies every round published from its own process and compares it with the baseline', async () => {
    requireEmulators();
    const result = await runApplyBench({ events: 20, rounds: 2, concurrency: 4, duplicateRatio: 0.2, timeoutMs: 20_000 });
    // The unrecorded round and the two recorded ones, each one `.updated` per customer.
    expect(result.ledgerEntries).toBe(60);
    expect(result.messages).toBe(2 * (20 + 4));
    expect(result.roundRatios).toHaveLength(2);
    expect(result.ratio).toBeCloseTo(result.applyMessagesPerSecond / result.baselineTransactionsPerSecond, 6);
    expect(result.applyEventsPerSecond).toBeCloseTo((result.applyMessagesPerSecond * 20) / 24, 6);
  }, 60_000);
});
