// CPU time (ms) of this Node process and of the emulators' process groups, read from /proc, so a
// benchmark can say where the CPU per unit of work went (Linux only; elsewhere only `node`).
import { readdirSync, readFileSync } from 'node:fs';

export type CpuSample = Record<string, number>;

/** USER_HZ: the unit of utime/stime in /proc/<pid>/stat (100 on every Linux this runs on). */
const TICK_MS = 10;

function groupCpuMs(group: number): number {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Fields after "(comm) ": state ppid pgrp ... utime(12th) stime(13th).
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      if (Number(fields[2]) === group) ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      /* the process ended meanwhile */
    }
  }
  return ticks * TICK_MS;
}

/** A sampler of cumulative CPU ms: `node` (this process) plus each named process group. */
export function cpuSampler(groups: Record<string, number | undefined>): () => CpuSample {
  const linux = process.platform === 'linux';
  return () => {
    const usage = process.cpuUsage();
    const sample: CpuSample = { node: (usage.user + usage.system) / 1000 };
    if (linux) for (const [name, group] of Object.entries(groups)) if (group !== undefined) sample[name] = groupCpuMs(group);
    return sample;
  };
}

/** CPU ms per unit of work between two samples, rounded to 0.01 ms. */
export function cpuPerUnit(before: CpuSample, after: CpuSample, units: number): CpuSample {
  const out: CpuSample = {};
  for (const name of Object.keys(after)) out[name] = Math.round((((after[name] ?? 0) - (before[name] ?? 0)) / units) * 100) / 100;
  return out;
}

/** CPU microseconds (user + system) this process spends while `run` runs, with its result. */
export async function withProcessCpu<T>(run: () => Promise<T>): Promise<{ result: T; cpuMicros: number }> {
  const before = process.cpuUsage();
  const result = await run();
  const { user, system } = process.cpuUsage(before);
  return { result, cpuMicros: user + system };
}
