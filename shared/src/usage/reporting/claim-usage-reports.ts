// Step 1 of reporting: turn pending outbox entries into usage reports. Entries are grouped per
// (customer, meter, billing period); each group is claimed in ONE transaction that creates the
// report doc and marks its entries claimed. The report id is a hash of the claimed entry ids, and
// it is also the Stripe meter event `identifier`, so whatever happens after the claim, every
// send of that report carries the same identifier and Stripe counts it once.
import { createHash } from 'node:crypto';
import { Timestamp, type Firestore } from '@google-cloud/firestore';
import { type UsageOutboxEntry } from '../../model/usage-documents.js';
import { createStore } from '../../firestore/store.js';

/** Entries per report: one transaction reads and updates all of them. */
export const MAX_ENTRIES_PER_REPORT = 400;
const REPORT_RETENTION_MS = 90 * 86_400_000;

export function reportIdentifier(entryIds: readonly string[]): string {
  return `usage_${createHash('sha256')
    .update([...entryIds].sort().join('\n'))
    .digest('hex')
    .slice(0, 48)}`;
}

export interface ClaimOptions {
  nowMs: number;
  /** Pending entries read per run. */
  scanLimit: number;
  /** Customers (per meter) that already have a report to send this run: their new usage waits for the next run. */
  busy: ReadonlySet<string>;
}

export const groupKey = (e: Pick<UsageOutboxEntry, 'customerId' | 'eventName'>) => `${e.customerId}|${e.eventName}`;

/** Claims what is pending; returns the ids of the reports it created. */
export async function claimUsageReports(db: Firestore, opts: ClaimOptions): Promise<string[]> {
  const pending = await createStore(db).usageOutbox.where('state', '==', 'pending').limit(opts.scanLimit).get();
  const groups = new Map<string, string[]>();
  for (const doc of pending.docs) {
    const e = doc.data();
    if (opts.busy.has(groupKey(e))) continue;
    const key = `${groupKey(e)}|${e.periodStart}`;
    const ids = groups.get(key) ?? [];
    if (ids.length < MAX_ENTRIES_PER_REPORT) ids.push(doc.id);
    groups.set(key, ids);
  }
  const claimed: string[] = [];
  for (const ids of groups.values()) {
    const id = await claimGroup(db, ids, opts.nowMs);
    if (id) claimed.push(id);
  }
  return claimed;
}

async function claimGroup(db: Firestore, entryIds: string[], nowMs: number): Promise<string | null> {
  const outbox = createStore(db).usageOutbox;
  return db.runTransaction(async (tx) => {
    const snaps = await tx.getAll(...entryIds.map((id) => outbox.doc(id)));
    // Another run may have claimed some of them since the query: claim only what is still pending.
    const still = snaps.flatMap((s) => {
      const data = s.data();
      return data?.state === 'pending' ? [{ id: s.id, data }] : [];
    });
    const first = still[0];
    if (!first) return null;
    const identifier = reportIdentifier(still.map((s) => s.id));
    const now = Timestamp.fromMillis(nowMs);
    tx.create(createStore(db).usageReports.doc(identifier), {
      identifier,
      customerId: first.data.customerId,
      eventName: first.data.eventName,
      value: still.reduce((sum, s) => sum + s.data.value, 0),
      // The latest usage of the group, inside its billing period (entries are stamped inside it).
      timestamp: Math.max(...still.map((s) => s.data.timestamp)),
      entryIds: still.map((s) => s.id),
      state: 'claimed',
      attempts: 0,
      lastError: null,
      createdAt: now,
      sentAt: null,
      expireAt: Timestamp.fromMillis(nowMs + REPORT_RETENTION_MS),
    });
    for (const s of still) tx.update(outbox.doc(s.id), { state: 'claimed', reportId: identifier });
    return identifier;
  });
}
