// The pipeline's health as the console shows it: the applier's heartbeat (the newest event an
// instance applied and how long after Stripe created it), and the usage reporter's last run. Both
// are small status documents (`ops_status/*`) their writers keep, read here in one batch (2 reads).
import { Timestamp } from '@google-cloud/firestore';
import type { Store } from '../firestore/store.js';
import type { Logger } from '../logging/logger.js';
import type { ApplierStatusDoc, UsageReporterStatusDoc } from '../model/operator-documents.js';
import type { Clock } from '../ports/clock.js';

/** At most one heartbeat write a minute per applier instance: a few writes a minute in all, whatever the event rate. */
export const HEARTBEAT_INTERVAL_MS = 60_000;

/** Last heartbeat per store (one per applier instance): module state, as the instance is the unit throttled. */
const lastBeat = new WeakMap<Store, number>();

/**
 * Notes an event the applier processed, unless this instance did within the interval. Outside the
 * event's transaction and never failing it: a lost heartbeat only makes the console's figure older.
 */
export async function noteEventApplied(
  deps: { store: Store; clock: Clock; logger: Logger },
  event: { id: string; type: string; created: number },
  outcome: string,
): Promise<void> {
  const now = deps.clock.now();
  const last = lastBeat.get(deps.store);
  if (last !== undefined && now - last < HEARTBEAT_INTERVAL_MS) return;
  lastBeat.set(deps.store, now);
  try {
    await deps.store
      .applierStatus()
      .set({ eventId: event.id, type: event.type, created: event.created, outcome, appliedAt: Timestamp.fromMillis(now) });
  } catch (err) {
    deps.logger.warn({ event: 'pipeline.heartbeat_failed', err }, 'applier heartbeat not written');
  }
}

export interface PipelineHealth {
  applier: (Omit<ApplierStatusDoc, 'appliedAt'> & { appliedAt: number; lagSeconds: number }) | null;
  usageReporter: (Omit<UsageReporterStatusDoc, 'startedAt' | 'finishedAt'> & { startedAt: number; finishedAt: number }) | null;
}

const seconds = (t: { toMillis(): number }) => Math.floor(t.toMillis() / 1000);

export async function readPipelineHealth(store: Store): Promise<PipelineHealth> {
  const [applier, reporter] = await Promise.all([store.applierStatus().get(), store.usageReporterStatus().get()]);
  const a = applier.data();
  const r = reporter.data();
  return {
    applier: a ? { ...a, appliedAt: seconds(a.appliedAt), lagSeconds: Math.max(0, seconds(a.appliedAt) - a.created) } : null,
    usageReporter: r ? { ...r, startedAt: seconds(r.startedAt), finishedAt: seconds(r.finishedAt) } : null,
  };
}

/** Records a usage reporter run (functions/src/report-usage): one write a tick. */
export async function recordUsageReporterRun(
  store: Store,
  run: { startedAtMs: number; finishedAtMs: number; reported: number; failed: boolean },
): Promise<void> {
  await store.usageReporterStatus().set({
    startedAt: Timestamp.fromMillis(run.startedAtMs),
    finishedAt: Timestamp.fromMillis(run.finishedAtMs),
    reported: run.reported,
    failed: run.failed,
  });
}
