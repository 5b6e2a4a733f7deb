// What tracing costs the applier: the apply bench (apply-bench.ts) with TRACING off, then on (spans
// recorded, exported nowhere), on the same emulators. Each run is compared with its own baseline
// of plain transactions, so the emulators' warm-up between the two runs cancels out: the overhead
// is how much the apply/baseline ratio drops, and how much more applier CPU a message takes.
// Off runs first: once the Pub/Sub client's tracing is on it stays on for the process.
import { runApplyBench, type ApplyBenchOptions, type BenchResult } from './apply-bench.js';

export interface TracingOverhead {
  off: BenchResult;
  on: BenchResult;
  /** on.ratio / off.ratio: 1 means no measurable cost, 0.9 a 10% lower throughput. */
  relativeThroughput: number;
  /** Extra applier (node) CPU ms per message with tracing on, when CPU was sampled. */
  extraNodeCpuMsPerMessage?: number;
}

export async function runApplyTracingOverhead(opts: Omit<ApplyBenchOptions, 'tracing'> = {}): Promise<TracingOverhead> {
  const off = await runApplyBench({ ...opts, tracing: false });
  const on = await runApplyBench({ ...opts, tracing: true });
  const nodeOff = off.cpuMsPerMessage?.['node'];
  const nodeOn = on.cpuMsPerMessage?.['node'];
  return {
    off,
    on,
    relativeThroughput: on.ratio / off.ratio,
    ...(nodeOff !== undefined && nodeOn !== undefined ? { extraNodeCpuMsPerMessage: nodeOn - nodeOff } : {}),
  };
}
