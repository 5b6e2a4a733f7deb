// The recorder's two Firestore write paths on a quota counter:
//  - syncCounter, a transaction that leases new units out of what is left of the limit
//    (`reserved`), and at once commits units this instance admitted (`used`) and gives back lease;
//  - flushCounter, a blind atomic batch for the periodic flush (commit units, give back lease, no
//    lease wanted): both are commutative increments, so it needs no read, takes no lock and never
//    contends with other instances' flushes of the same counter (the lease transactions are the
//    only read-modify-write, and they are what keeps over-admission at zero).
// Both write, for metered features, the outbox entry that the `reportUsage` function turns into a
// Stripe meter event, in the same commit as the counter: admitted usage that reached Firestore is
// always reported.
// Both also create a receipt `usage_receipts/{writeId}` in that commit. A commit can fail after it
// was applied (a deadline or a dropped connection): the caller then retries the same request with
// the same `writeId`, and the receipt makes the retry a no-op that reports what the first attempt
// did, so units are never counted (nor lease given back) twice.
import type { DocumentData, Firestore, Transaction, WriteBatch } from '@google-cloud/firestore';
import { FieldValue, Timestamp } from '@google-cloud/firestore';
import type { MeteredFeature, Quota } from '../plans/catalog.js';
import { isAlreadyExists } from '../firestore/already-exists.js';
import { outboxCollection, receiptRef, usageCounterRef, type UsageCounterDoc, type UsageWriteReceipt } from './usage-documents.js';

const DAY_SECONDS = 86_400;
/** Past Stripe's 35-day meter event window: an entry older than this can no longer be billed. */
export const OUTBOX_RETENTION_DAYS = 40;
/** A write is retried within seconds (at worst until its instance stops): a day is far beyond that. */
const RECEIPT_RETENTION_MS = DAY_SECONDS * 1000;

export interface CounterKey {
  readonly userId: string;
  readonly feature: MeteredFeature;
  /** Billing period, unix seconds, [start, end). */
  readonly periodStart: number;
  readonly periodEnd: number;
}

export interface MeterTarget {
  readonly customerId: string;
  readonly eventName: string;
}

export interface SyncRequest {
  readonly key: CounterKey;
  readonly limit: Exclude<Quota, 0>;
  readonly retentionDays: number;
  /** Admitted units to add to `used`. */
  readonly commitUsed: number;
  /** Leased units given back (finite limits only). */
  readonly returnLease: number;
  /** Units the caller needs now; nothing is granted if fewer are left. 0 = flush only. */
  readonly need: number;
  /** Units the caller would like to lease (>= need), to serve the next requests locally. */
  readonly want: number;
  /** Set for metered features of a subscribed customer: the outbox entry to write. */
  readonly meter: MeterTarget | null;
  /** Unique per write, and the same on every retry of it: the receipt's and the outbox entry's id. */
  readonly writeId: string;
  readonly nowMs: number;
}

export interface SyncResult {
  readonly granted: number;
  /** The counter after the transaction. */
  readonly used: number;
  readonly reserved: number;
  /** What is still unleased, or 'unlimited'. */
  readonly available: number | 'unlimited';
  readonly wrote: boolean;
  /** An earlier attempt of this write had committed (its receipt was found): nothing was written now. */
  readonly replayed: boolean;
}

/**
 * Lease policy: grant `need` at least, `want` at most, and never more than half of what is left
 * beyond `need`, so near the limit the remainder is shared out instead of parked on one instance
 * (that keeps under-admission small; over-admission is zero because every admitted unit comes out
 * of `reserved <= limit`).
 */
export function grantFor(available: number, need: number, want: number): number {
  if (need <= 0 || available < need) return 0;
  return Math.min(available, Math.max(need, Math.min(want, Math.ceil(available / 2))));
}

export async function syncCounter(db: Firestore, req: SyncRequest): Promise<SyncResult> {
  const { key } = req;
  const ref = usageCounterRef(db, key.userId, key.feature, key.periodStart);
  const receipt = receiptRef(db, req.writeId);
  return db.runTransaction(async (tx) => {
    // One round trip for both (getAll takes one document type; each reference keeps its converter).
    const [counterSnap, receiptSnap] = await tx.getAll<unknown, DocumentData>(ref, receipt);
    const doc = counterSnap?.data() as UsageCounterDoc | undefined;
    const done = receiptSnap?.data() as UsageWriteReceipt | undefined;
    if (done) {
      // An earlier attempt committed: report its grant and the counter as it is now.
      const reserved = doc?.reserved ?? 0;
      const available = req.limit === 'unlimited' ? 'unlimited' : Math.max(0, req.limit - reserved);
      return { granted: done.granted, used: doc?.used ?? 0, reserved, available, wrote: false, replayed: true };
    }
    const used = (doc?.used ?? 0) + req.commitUsed;
    const held = Math.max(0, (doc?.reserved ?? 0) - req.returnLease);
    let granted = 0;
    let reserved: number;
    let available: number | 'unlimited';
    if (req.limit === 'unlimited') {
      // Nothing to lease: keep `reserved` = units admitted so a later switch to a finite plan starts right.
      reserved = Math.max(held + req.commitUsed, used);
      available = 'unlimited';
    } else {
      granted = grantFor(Math.max(0, req.limit - held), req.need, req.want);
      reserved = held + granted;
      available = Math.max(0, req.limit - reserved);
    }
    const wrote = req.commitUsed > 0 || req.returnLease > 0 || granted > 0;
    if (!wrote) return { granted, used, reserved, available, wrote, replayed: false };

    tx.set(ref, { ...counterFields(req), reserved, used });
    writeReceiptAndOutboxEntry(db, tx, req, granted);
    return { granted, used, reserved, available, wrote, replayed: false };
  });
}

/** A flush: what `syncCounter` does with `need` 0, as one blind atomic batch (see the top). */
export type FlushRequest = Omit<SyncRequest, 'need' | 'want'>;

export async function flushCounter(db: Firestore, req: FlushRequest): Promise<{ wrote: boolean; replayed: boolean }> {
  if (req.commitUsed <= 0 && req.returnLease <= 0) return { wrote: false, replayed: false };
  const { key } = req;
  const batch = db.batch();
  // Unlimited quotas lease nothing: `reserved` follows `used` (see syncCounter).
  const reservedDelta = req.limit === 'unlimited' ? req.commitUsed : -req.returnLease;
  batch.set(
    usageCounterRef(db, key.userId, key.feature, key.periodStart),
    { ...counterFields(req), used: FieldValue.increment(req.commitUsed), reserved: FieldValue.increment(reservedDelta) },
    { merge: true },
  );
  writeReceiptAndOutboxEntry(db, batch, req, 0);
  try {
    await batch.commit();
  } catch (err) {
    // The batch is atomic and its receipt is created, not overwritten: the receipt exists only if
    // an earlier attempt of this very write committed, increments included.
    if (isAlreadyExists(err)) return { wrote: false, replayed: true };
    throw err;
  }
  return { wrote: true, replayed: false };
}

/** The counter's descriptive fields, written with every change (merge keeps them current). */
function counterFields(req: FlushRequest) {
  const { key } = req;
  return {
    userId: key.userId,
    feature: key.feature,
    periodStart: key.periodStart,
    periodEnd: key.periodEnd,
    limit: req.limit,
    expireAt: Timestamp.fromMillis((key.periodEnd + req.retentionDays * DAY_SECONDS) * 1000),
    updatedAt: Timestamp.fromMillis(req.nowMs),
  };
}

/** The write's receipt, and for units of a metered feature its outbox entry, in the same commit as the counter. */
function writeReceiptAndOutboxEntry(db: Firestore, writer: Transaction | WriteBatch, req: FlushRequest, granted: number): void {
  const createdAt = Timestamp.fromMillis(req.nowMs);
  writer.create(receiptRef(db, req.writeId), { granted, createdAt, expireAt: Timestamp.fromMillis(req.nowMs + RECEIPT_RETENTION_MS) });
  if (!req.meter || req.commitUsed <= 0) return;
  const { key } = req;
  const nowSeconds = Math.floor(req.nowMs / 1000);
  writer.create(outboxCollection(db).doc(req.writeId), {
    userId: key.userId,
    customerId: req.meter.customerId,
    feature: key.feature,
    eventName: req.meter.eventName,
    value: req.commitUsed,
    // Units flushed after the period ended still belong to it: bill them inside it.
    timestamp: Math.min(nowSeconds, key.periodEnd - 1),
    periodStart: key.periodStart,
    periodEnd: key.periodEnd,
    state: 'pending',
    reportId: null,
    createdAt,
    expireAt: Timestamp.fromMillis(req.nowMs + OUTBOX_RETENTION_DAYS * DAY_SECONDS * 1000),
  });
}
