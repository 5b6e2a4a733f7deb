// `npm run bench`: every speed/scale target of the issues, measured against a baseline run in the
// same process on the real emulators (started fresh here). Prints one block per benchmark and a
// summary of ratios against their targets. Figures on this 2-core machine vary ±30% between runs.
// `npm run bench -- <name> [<name>...]` runs only those: ingest, apply, apply-tracing, access, usage,
// service, startup, latency (and the opt-in apply-warm); without a name, all but apply-warm.
import { runIngestBench } from '../../../../services/webhook/bench/ingest-bench.js';
import { runApplyBench, type BenchResult as ApplyBenchResult } from '../../../../functions/bench/apply-bench.js';
import { runApplyTracingOverhead } from '../../../../functions/bench/apply-bench-tracing.js';
import { runUsageBench } from '../../../../functions/bench/usage-bench.js';
import { runAccessBench } from '../../../../services/app/bench/access-bench.js';
import { runServiceApiBench } from '../../../../services/app/bench/service-api-bench.js';
import { measureSteal } from './cpu-steal.js';
import { runLatencyBench } from './latency-bench.js';
import { runStartupBench, STARTUP_TARGETS } from './startup-bench.js';
import { cpuSampler, type CpuSample } from '@billing/shared/testing/process-cpu.js';
import { startFirestoreEmulator, startPubSubEmulator, type RunningEmulator } from '../emulators.js';

interface Line {
  name: string;
  /** CPU steal during the benchmark (see cpu-steal.ts). */
  steal?: number | null;
  measured: string;
  baseline: string;
  /** Absent for a line that is measured against nothing. */
  ratio?: number;
  target: string;
  ok: boolean;
}

const stealText = (steal: number | null | undefined) => (steal === null || steal === undefined ? 'n/a' : `${(steal * 100).toFixed(1)}%`);
/** ` (CPU ms per <unit>: firestore 6.3, pubsub 1.3, node 4.4)`, or nothing without a sample. */
const cpuText = (cpu: CpuSample | undefined, unit: string) =>
  cpu
    ? ` (CPU ms per ${unit}: ${Object.entries(cpu)
        .map(([name, ms]) => `${name} ${fmt(ms, 1)}`)
        .join(', ')})`
    : '';
/** `, 180 µs CPU/request`, or nothing when not measured. */
const cpuMicrosText = (micros: number | undefined) => (micros === undefined ? '' : `, ${fmt(micros)} µs CPU/request`);
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** CPU steal (0..1) during the last benchmark run by withFreshEmulators, shown in the summary. */
let lastSteal: number | null = null;

async function withFreshEmulators<T>(fn: (cpu: () => CpuSample) => Promise<T>): Promise<T> {
  // A fresh pair per benchmark: the Pub/Sub emulator keeps everything in memory and has no reset.
  const emulators: RunningEmulator[] = await Promise.all([startFirestoreEmulator(), startPubSubEmulator()]);
  process.env['FIRESTORE_EMULATOR_HOST'] = emulators[0]!.host;
  process.env['PUBSUB_EMULATOR_HOST'] = emulators[1]!.host;
  const steal = measureSteal();
  try {
    return await fn(cpuSampler({ firestore: emulators[0]!.processGroup, pubsub: emulators[1]!.processGroup }));
  } finally {
    lastSteal = steal();
    await Promise.all(emulators.map((e) => e.stop()));
  }
}

function applyLine(r: ApplyBenchResult, label: string): Line {
  return {
    steal: lastSteal,
    name: `apply messages/s (${label}; round ratios ${r.roundRatios.map((x) => fmt(x, 2)).join(' ')})`,
    measured: `${fmt(r.applyMessagesPerSecond)}${cpuText(r.cpuMsPerMessage, 'message')}`,
    baseline: `${fmt(r.baselineTransactionsPerSecond)} plain tx/s${cpuText(r.cpuMsPerBaselineTransaction, 'tx')}`,
    ratio: r.ratio,
    target: `>= ${fmt(r.target, 2)}`,
    ok: r.ratio >= r.target,
  };
}

async function main(): Promise<void> {
  process.env['METADATA_SERVER_DETECTION'] = 'none';
  const only = process.argv.slice(2);
  const known = ['ingest', 'apply', 'apply-tracing', 'apply-warm', 'access', 'usage', 'service', 'startup', 'latency'];
  const unknown = only.filter((name) => !known.includes(name));
  if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(', ')}: choose from ${known.join(', ')}`);
  const want = (name: string) => only.length === 0 || only.includes(name);
  const lines: Line[] = [];

  if (want('ingest')) {
    const r = await withFreshEmulators(() => runIngestBench({}));
    console.log('\n## ingest (webhook service, signed events)\n', JSON.stringify(r, null, 2));
    const baseline = `${fmt(r.baseline.eventsPerSecond)} (p50 ${fmt(r.baseline.p50Ms, 2)} ms, p99 ${fmt(r.baseline.p99Ms, 2)} ms; ${fmt(r.baseline.serverMsPerEvent, 3)} ms main thread per event)`;
    const webhook = `${fmt(r.webhook.eventsPerSecond)} (p50 ${fmt(r.webhook.p50Ms, 2)} ms, p99 ${fmt(r.webhook.p99Ms, 2)} ms; ${fmt(r.webhook.serverMsPerEvent, 3)} ms main thread per event)`;
    lines.push({
      steal: lastSteal,
      name: `ingest events/s (${r.concurrency} concurrent) against the webhook integrations write (express.raw, constructEvent, awaited publish)`,
      measured: webhook,
      baseline: `${fmt(r.integrator.eventsPerSecond)} (p50 ${fmt(r.integrator.p50Ms, 2)} ms, p99 ${fmt(r.integrator.p99Ms, 2)} ms; ${fmt(r.integrator.serverMsPerEvent, 3)} ms main thread per event)`,
      ratio: r.integratorRatio,
      target: '>= 1.00',
      ok: r.integratorRatio >= 1,
    });
    lines.push({
      steal: lastSteal,
      name: `ingest events/s (${r.concurrency} concurrent) against a do-nothing Express server (0.5 target retired, issue 24)`,
      measured: webhook,
      baseline,
      ratio: r.ratio,
      target: 'informative',
      ok: true,
    });
    lines.push({
      steal: lastSteal,
      name: 'ingest events/s, PUBSUB_ORDER_BY_CUSTOMER=true (not the default)',
      measured: `${fmt(r.ordered.eventsPerSecond)} (p50 ${fmt(r.ordered.p50Ms, 2)} ms, p99 ${fmt(r.ordered.p99Ms, 2)} ms)`,
      baseline: 'same baseline',
      ratio: r.orderedRatio,
      target: 'informative',
      ok: true,
    });
    lines.push({
      steal: lastSteal,
      name: 'ingest events/s, publisher that resolves at once (no Pub/Sub): the ceiling',
      measured: `${fmt(r.unpublished.eventsPerSecond)} (p50 ${fmt(r.unpublished.p50Ms, 2)} ms, p99 ${fmt(r.unpublished.p99Ms, 2)} ms; ${fmt(r.unpublished.serverMsPerEvent, 3)} ms main thread per event)`,
      baseline: 'same baseline',
      ratio: r.unpublishedRatio,
      target: 'informative',
      ok: true,
    });
  }

  if (want('apply')) {
    const r = await withFreshEmulators((cpu) => runApplyBench({ cpu }));
    console.log('\n## apply (Pub/Sub -> applier -> Firestore, 20% duplicates)\n', JSON.stringify(r, null, 2));
    lines.push(applyLine(r, `${r.rounds} interleaved rounds of ${fmt(r.events)} events`));
  }

  // What TRACING=on costs the applier (spans recorded, not exported): its apply/baseline ratio on vs off.
  if (want('apply-tracing')) {
    const r = await withFreshEmulators((cpu) => runApplyTracingOverhead({ cpu, rounds: 4 }));
    console.log('\n## apply with tracing off, then on\n', JSON.stringify(r, null, 2));
    lines.push({
      steal: lastSteal,
      name: `apply with TRACING on vs off (spans recorded, export excluded; ${r.extraNodeCpuMsPerMessage === undefined ? '' : `+${fmt(r.extraNodeCpuMsPerMessage, 2)} applier CPU ms/message; `}ratio on/off = throughput kept)`,
      measured: `on ${fmt(r.on.applyMessagesPerSecond)} msg/s (ratio ${fmt(r.on.ratio, 2)})`,
      baseline: `off ${fmt(r.off.applyMessagesPerSecond)} msg/s (ratio ${fmt(r.off.ratio, 2)})`,
      ratio: r.relativeThroughput,
      target: 'informative',
      ok: true,
    });
  }

  // Opt-in (`npm run bench -- apply-warm`): three apply benches on the same emulators, the later
  // ones on a Firestore emulator already warmed by tens of thousands of transactions (README).
  if (only.includes('apply-warm')) {
    const runs = await withFreshEmulators(async (cpu) => {
      const results: ApplyBenchResult[] = [];
      for (let run = 1; run <= 3; run++) results.push(await runApplyBench({ cpu }));
      return results;
    });
    runs.forEach((r, i) => lines.push(applyLine(r, `run ${i + 1} of 3 on the same emulators`)));
  }

  if (want('access')) {
    const r = await withFreshEmulators(() => runAccessBench({ concurrency: 4 }));
    console.log('\n## access (app service behind IAP)\n', JSON.stringify(r, null, 2));
    for (const [name, route, ratio] of [
      ['GET /api/me', r.me, r.meRatio],
      ['gated route', r.gated, r.gatedRatio],
    ] as const) {
      lines.push({
        steal: lastSteal,
        name: `${name} req/s`,
        measured: `${fmt(route.requestsPerSecond)} (p99 ${fmt(route.p99Ms, 2)} ms${cpuMicrosText(route.cpuMicrosPerRequest)})`,
        baseline: `${fmt(r.baseline.requestsPerSecond)} (p99 ${fmt(r.baseline.p99Ms, 2)} ms${cpuMicrosText(r.baseline.cpuMicrosPerRequest)}) JWT only`,
        ratio,
        target: '>= 0.80, p99 < 5 ms',
        ok: ratio >= 0.8 && route.p99Ms < 5,
      });
    }
  }

  if (want('usage')) {
    const r = await withFreshEmulators(() => runUsageBench({}));
    console.log('\n## usage (metering with quota checks)\n', JSON.stringify(r, null, 2));
    lines.push({
      steal: lastSteal,
      name: 'usage admitted units/s',
      measured: `${fmt(r.admittedUnitsPerSecond)} (${fmt(r.recorderWritesPer10k, 1)} Firestore writes, ${fmt(r.stripeCallsPer10k, 2)} Stripe calls per 10k units)`,
      baseline: `${fmt(r.baselineUnitsPerSecond)} (${fmt(r.baselineWritesPer10k, 0)} writes per 10k)`,
      ratio: r.speedup,
      target: '>= 5,000 units/s',
      ok: r.admittedUnitsPerSecond >= r.target,
    });
  }

  if (want('service')) {
    const r = await withFreshEmulators(() => runServiceApiBench({ concurrency: 4 }));
    console.log('\n## service API (check, track)\n', JSON.stringify(r, null, 2));
    for (const [name, route, ratio] of [
      ['POST /v1/check (a plan feature) req/s', r.check, r.checkRatio],
      ['POST /v1/check (a metered feature, units) req/s', r.checkMetered, r.checkMeteredRatio],
    ] as const) {
      lines.push({
        steal: lastSteal,
        name,
        measured: `${fmt(route.requestsPerSecond)} (p99 ${fmt(route.p99Ms, 2)} ms${cpuMicrosText(route.cpuMicrosPerRequest)})`,
        baseline: `${fmt(r.baseline.requestsPerSecond)} (p99 ${fmt(r.baseline.p99Ms, 2)} ms${cpuMicrosText(r.baseline.cpuMicrosPerRequest)}) ID token only`,
        ratio,
        target: '>= 0.90, p99 < 5 ms',
        ok: ratio >= 0.9 && route.p99Ms < 5,
      });
    }
    const t = r.track;
    const agree = t.admittedUnits === t.countedUnits && t.countedUnits === t.billedUnits;
    lines.push({
      steal: lastSteal,
      name: `POST /v1/track admitted units/s (${t.instances} instances, ${t.unitsPerCall} units per call, quotas on)`,
      measured: `${fmt(t.admittedUnitsPerSecond)} (${fmt(t.calls.requestsPerSecond)} calls/s, p99 ${fmt(t.calls.p99Ms, 1)} ms; admitted ${fmt(t.admittedUnits)} = counted ${fmt(t.countedUnits)} = billed ${fmt(t.billedUnits)}: ${agree ? 'yes' : 'NO'})`,
      baseline: 'n/a',
      ratio: t.admittedUnitsPerSecond / 20_000,
      target: '>= 20,000 units/s, admitted = counted = billed',
      ok: t.admittedUnitsPerSecond >= 20_000 && agree,
    });
  }

  if (want('startup')) {
    const r = await withFreshEmulators(() => runStartupBench({}));
    console.log('\n## startup (process start to first 200 on the main work, built as shipped)\n', JSON.stringify(r, null, 2));
    const base = r.targets.baseline;
    for (const target of STARTUP_TARGETS.filter((t) => t !== 'baseline')) {
      const t = r.targets[target];
      lines.push({
        steal: lastSteal,
        name: `${target} start-up to first 200, ms (median of ${r.runs})`,
        measured: `${fmt(t.medianMs)} (min ${fmt(t.minMs)})`,
        baseline: `${fmt(base.medianMs)} (min ${fmt(base.minMs)}) bare Express`,
        ratio: t.ratio,
        target: `<= ${fmt(r.targetRatio, 2)}x`,
        ok: t.ratio <= r.targetRatio,
      });
    }
  }

  if (want('latency')) {
    const r = await withFreshEmulators(() => runLatencyBench({}));
    console.log('\n## latency (webhook 200 -> /api/me shows the change, local stack)\n', JSON.stringify(r, null, 2));
    lines.push({
      steal: lastSteal,
      name: `the emulator's push to an endpoint that answers at once (${fmt(r.emulatorPush.messages)} messages): the local stack's ceiling`,
      measured: `${fmt(r.emulatorPush.perSecond)} pushes/s, at most ${r.emulatorPush.maxInFlight} in flight`,
      baseline: 'n/a',
      target: 'informative',
      ok: true,
    });
    for (const f of r.rates) {
      const atTarget = f.rate === 20;
      lines.push({
        steal: lastSteal,
        name: `event-to-access latency at ${f.rate} events/s (${f.events} events, ${r.users} users, polled every ${f.pollMs} ms)`,
        measured: `p50 ${fmt(f.p50Ms)} ms, p99 ${fmt(f.p99Ms)} ms, max ${fmt(f.maxMs)} ms; ${f.seen} seen, ${f.lost} lost (not seen in ${fmt(r.giveUpMs / 1000)} s); sent ${fmt(f.sentPerSecond, 1)}/s`,
        baseline: 'n/a',
        ratio: f.p99Ms / r.targetP99Ms,
        target: atTarget ? `p99 < ${fmt(r.targetP99Ms)} ms, none lost` : 'informative, none lost',
        ok: f.lost === 0 && (!atTarget || f.p99Ms < r.targetP99Ms),
      });
    }
  }

  console.log('\n## summary');
  console.log('| benchmark | measured | baseline (same process) | ratio | target | met | CPU steal |');
  console.log('|---|---|---|---|---|---|---|');
  for (const l of lines)
    console.log(
      `| ${l.name} | ${l.measured} | ${l.baseline} | ${l.ratio === undefined ? 'n/a' : fmt(l.ratio, 2)} | ${l.target} | ${l.ok ? 'yes' : 'NO'} | ${stealText(l.steal)} |`,
    );
}

await main();
