// How much CPU time the hypervisor took from this machine while a benchmark ran (the `steal`
// column of /proc/stat). On a shared 2-core VM this moves absolute figures, p99 above all, by
// far more than most code changes do, so every benchmark prints it next to its figures.
import { readFileSync } from 'node:fs';

interface CpuTimes {
  steal: number;
  total: number;
}

function read(): CpuTimes | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal guest guest_nice (guest is inside user)
    const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
    return { steal: ticks[7] ?? 0, total };
  } catch {
    return null; // not Linux
  }
}

/** Starts a measurement; the returned function gives the stolen share (0..1), or null where unknown. */
export function measureSteal(): () => number | null {
  const start = read();
  return () => {
    const end = read();
    if (!start || !end || end.total === start.total) return null;
    return (end.steal - start.steal) / (end.total - start.total);
  };
}
