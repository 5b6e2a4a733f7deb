// A short smoke run of the ingest benchmark: every server answers every request with 200 and the
// figures are well-formed. Throughput targets belong to `npm run bench`, not to a test.
import { describe, expect, it } from 'vitest';
import { requireEmulators } from '@billing/shared/testing/emulator.js';
import { runIngestBench } from './ingest-bench.js';

describe('runIngestBench', () => {
  it('measures the webhook against both baselines with no failed requests', async () => {
    requireEmulators();
    const result = await runIngestBench({ concurrency: 4, durationMs: 400, warmupMs: 100 });
    expect(result.baseline.errors).toBe(0);
    expect(result.webhook.errors).toBe(0);
    expect(result.baseline.requests).toBeGreaterThan(0);
    expect(result.webhook.requests).toBeGreaterThan(0);
    expect(result.webhook.p99Ms).toBeGreaterThanOrEqual(result.webhook.p50Ms);
    expect(result.webhook.serverMsPerEvent).toBeGreaterThan(0);
    expect(result.baseline.serverMsPerEvent).toBeGreaterThan(0);
    expect(result.ratio).toBeCloseTo(result.webhook.eventsPerSecond / result.baseline.eventsPerSecond, 2);
    expect(result.integrator.errors).toBe(0);
    expect(result.integrator.requests).toBeGreaterThan(0);
    expect(result.integratorRatio).toBeCloseTo(result.webhook.eventsPerSecond / result.integrator.eventsPerSecond, 2);
    expect(result.unpublished.errors).toBe(0);
    expect(result.unpublished.requests).toBeGreaterThan(0);
    expect(result.unpublishedRatio).toBeCloseTo(result.unpublished.eventsPerSecond / result.baseline.eventsPerSecond, 2);
  });
});
