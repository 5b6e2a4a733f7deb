// A short smoke run of the event-to-access latency benchmark on the local stack: every event sent
// shows on /api/me, and the percentiles are well-formed. The p99 target belongs to
// `npm run bench -- latency`, not to a test.
import { describe, expect, it } from 'vitest';
import { requireEmulators } from '@billing/shared/testing/emulator.js';
import { runLatencyBench } from './latency-bench.js';

describe('runLatencyBench', () => {
  it('sees every event on /api/me and reports its latency', { timeout: 180_000 }, async () => {
    requireEmulators();
    const result = await runLatencyBench({ rates: [5], durationMs: 1000, users: 10 });
    expect(result.rates).toHaveLength(1);
    const [f] = result.rates;
    expect(f!.events).toBe(5);
    expect(f!.lost).toBe(0);
    expect(f!.seen).toBe(5);
    expect(f!.p50Ms).toBeGreaterThan(0);
    expect(f!.p99Ms).toBeGreaterThanOrEqual(f!.p50Ms);
    expect(f!.maxMs).toBeGreaterThanOrEqual(f!.p99Ms);
    expect(result.emulatorPush.perSecond).toBeGreaterThan(0);
    expect(result.emulatorPush.maxInFlight).toBeGreaterThanOrEqual(1);
  });
});
