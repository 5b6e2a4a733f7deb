// The benches' load generator in its own process. On the machine it drives the server from the
// other vCPU, with its own heap: the HTTP client's CPU and garbage are not charged to the server
// under test, as they are not in production, where requests come from other machines. (In a
// worker thread of the server's process it was far worse: README, Benchmarks.) All targets of one
// bench share the generator, so the baseline and the measured server are driven alike.
import { fileURLToPath } from 'node:url';
import { startBenchChild } from './bench-child.js';
import type { LoadSample } from './closed-loop-load.js';
import { withProcessCpu } from './process-cpu.js';

/** One request the generator sends; a target's requests are sent round-robin. */
export interface LoadRequest {
  method?: string;
  headers: Record<string, string | number>;
  body?: string;
}

export type ParentMessage =
  | { kind: 'define'; name: string; url: string; requests: LoadRequest[] }
  | { kind: 'run'; name: string; concurrency: number; durationMs: number };

export type ChildAnswer = { kind: 'defined' } | { kind: 'sample'; sample: LoadSample };

export interface LoadGenerator {
  /** Names a target: the URL to send to and the requests to cycle through. */
  define(name: string, url: string, requests: LoadRequest[]): Promise<void>;
  /** Closed-loop load on a defined target (fresh keep-alive connections each run). */
  run(name: string, concurrency: number, durationMs: number): Promise<LoadSample>;
  stop(): Promise<void>;
}

const CHILD = fileURLToPath(new URL('./load-generator-child.ts', import.meta.url));

export async function startLoadGenerator(): Promise<LoadGenerator> {
  const child = await startBenchChild<ParentMessage, ChildAnswer>(CHILD, 'load generator');
  return {
    async define(name, url, requests) {
      await child.ask({ kind: 'define', name, url, requests });
    },
    async run(name, concurrency, durationMs) {
      const answer = await child.ask({ kind: 'run', name, concurrency, durationMs });
      if (answer.kind !== 'sample') throw new Error(`load generator answered ${answer.kind} to run`);
      return answer.sample;
    },
    stop: () => child.stop(),
  };
}

/** What `runInterleaved` measured of one target: its samples, and this process's CPU while it ran. */
export interface InterleavedTarget {
  readonly samples: LoadSample[];
  /** CPU microseconds of this process (the server under test) while this target's load ran. */
  cpuMicros: number;
}

/**
 * Runs every target `rounds` times for `totalMs / rounds` each, in an order that rotates each round,
 * so a busy moment of the shared machine lands on all alike; the process's CPU is charged to the
 * target whose load was running.
 */
export async function runInterleaved(
  generator: LoadGenerator,
  names: readonly string[],
  opts: { rounds: number; concurrency: number; totalMs: number },
): Promise<Map<string, InterleavedTarget>> {
  const measured = new Map<string, InterleavedTarget>(names.map((name) => [name, { samples: [], cpuMicros: 0 }]));
  for (let round = 0; round < opts.rounds; round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + k) % names.length]!;
      const target = measured.get(name)!;
      const { result, cpuMicros } = await withProcessCpu(() => generator.run(name, opts.concurrency, opts.totalMs / opts.rounds));
      target.samples.push(result);
      target.cpuMicros += cpuMicros;
    }
  }
  return measured;
}
