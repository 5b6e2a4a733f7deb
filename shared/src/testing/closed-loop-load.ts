// The benches' load generator: `concurrency` workers, each sending its next request as soon as the
// previous one was answered, for `durationMs` (closed loop, keep-alive connections are the
// caller's). The benches run it in its own process (load-generator-process.ts).

export interface LoadSample {
  /** Milliseconds per request answered 200. */
  latencies: number[];
  /** Requests answered otherwise, or that failed. */
  errors: number;
  elapsedMs: number;
}

/** Runs the loop; `send(i)` sends the i-th request and resolves to its status. */
export async function closedLoop(send: (i: number) => Promise<number>, concurrency: number, durationMs: number): Promise<LoadSample> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        const status = await send(next++).catch(() => 0);
        if (status === 200) latencies.push(performance.now() - t0);
        else errors++;
      }
    }),
  );
  return { latencies, errors, elapsedMs: performance.now() - started };
}

export interface LoadSummary {
  requests: number;
  errors: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/** Throughput and latency percentiles over several samples of one target (rounds of a bench). */
export function summarizeLoad(samples: readonly LoadSample[]): LoadSummary {
  const latencies = samples.flatMap((s) => s.latencies).sort((a, b) => a - b);
  const elapsedS = samples.reduce((sum, s) => sum + s.elapsedMs, 0) / 1000;
  const round = (n: number) => Math.round(n * 100) / 100;
  const percentile = (p: number) =>
    latencies.length === 0 ? NaN : (latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] ?? NaN);
  return {
    requests: latencies.length,
    errors: samples.reduce((sum, s) => sum + s.errors, 0),
    perSecond: round(latencies.length / elapsedS),
    p50Ms: round(percentile(50)),
    p99Ms: round(percentile(99)),
  };
}
