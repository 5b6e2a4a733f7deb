// The recorder's two Firestore write paths on a quota counter:
//  - syncCounter, a compare-and-set that leases new units out of what is left of the limit
//    (`reserved`), and at once commits units this instance admitted (`used`) and gives back lease;
//  - flushCounter, a blind atomic batch for the periodic flush (commit units, give back lease, no
//    lease wanted): both are commutative increments, so it needs no read, takes no lock and never
//    contends with other instances' flushes of the same counter (the lease is the only
//    read-modify-write, and it is what keeps over-admission at zero).
// The lease is optimistic, not a transaction: it reads the counter and its receipt without locks,
// decides, and commits only if the counter is still the version it read (`lastUpdateTime`, or
// `create` for a counter not stored yet); a lost race reads again at once. A transaction held the
// counter's lock while deciding: under load, two instances' leases and the flushes queued on that
// lock until Firestore aborted one ("Transaction lock timeout"), and the client's retry backs off
// for about a second: the service bench's track p99 was 3 s on a slower machine. A commit applies
// exactly what was decided on the state it read, so zero over-admission holds as before.
// Both add the units of each member (user id) who made them to the counter's `byMember` map, and
// the units to the day they commit in its `byDay` map (lease-policy.ts, dayIncrements).
// Both write, for metered features, the outbox entry that the `reportUsage` function turns into a
// Stripe meter event, in the same commit as the counter: admitted usage that reached Firestore is
// always reported.
// Both also create a receipt `usage_receipts/{writeId}` in that commit. A commit can fail after it
// was applied (a deadline or a dropped connection): the caller then retries the same request with
// the same `writeId`, and the receipt makes the retry a no-op that reports what the first attempt
// did, so units are never counted (nor lease given back) twice.
// The figures (what is granted, what `reserved` becomes) are the lease policy's (lease-policy.ts);
// this module only reads and writes.
import type { DocumentSnapshot, WriteBatch } from '@google-cloud/firestore';
import { FieldValue, Timestamp } from '@google-cloud/firestore';
import { TransientError } from '../errors/app-error.js';
import { isAlreadyExists } from '../firestore/already-exists.js';
import { GrpcStatus, grpcStatusOf } from '../firestore/classify-firestore-error.js';
import type { UsageCounterDoc, UsageWriteReceipt } from '../model/usage-documents.js';
import type { DayUnits, FlushRequest, MemberUnits, SyncRequest, SyncResult } from './counter-state.js';
import { addMemberUnits, dayIncrements, flushIncrements, leaseOutcome, replayedOutcome } from './lease-policy.js';
import type { Store } from '../firestore/store.js';

const DAY_SECONDS = 86_400;
/** Past Stripe's 35-day meter event window: an entry older than this can no longer be billed. */
export const OUTBOX_RETENTION_DAYS = 40;
/** A write is retried within seconds (at worst until its instance stops): a day is far beyond that. */
const RECEIPT_RETENTION_MS = DAY_SECONDS * 1000;

/** Lost races before a lease gives up (TransientError: the caller's write is retried later, as any failed write). */
const MAX_LEASE_ATTEMPTS = 20;

export async function syncCounter(store: Store, req: SyncRequest): Promise<SyncResult> {
  const { key } = req;
  const ref = store.usageCounter(key.accountId, key.feature, key.periodStart);
  const receipt = store.usageReceipts.doc(req.writeId);
  for (let attempt = 1; ; attempt++) {
    // getAll answers in the order asked: the counter, then the receipt (one round trip for both).
    const [counterSnap, receiptSnap] = (await store.db.getAll(ref, receipt)) as [
      DocumentSnapshot<UsageCounterDoc>,
      DocumentSnapshot<UsageWriteReceipt>,
    ];
    const doc = counterSnap.data();
    const done = receiptSnap.data();
    // An earlier attempt committed: report its grant and the counter as it is now.
    if (done) return replayedOutcome(doc ?? null, req, done.granted);
    const outcome = leaseOutcome(doc ?? null, req);
    if (!outcome.wrote) return { ...outcome, replayed: false };
    // The whole counter is written, the members' figures included: it was read whole.
    const counter: UsageCounterDoc = {
      ...counterFields(req),
      reserved: outcome.reserved,
      used: outcome.used,
      byMember: outcome.byMember,
      byDay: addMemberUnits(doc?.byDay ?? {}, dayIncrements(req)),
    };
    const batch = store.db.batch();
    if (counterSnap.exists && counterSnap.updateTime) batch.update(ref, counter, { lastUpdateTime: counterSnap.updateTime });
    else batch.create(ref, counter);
    writeReceiptAndOutboxEntry(store, batch, req, outcome.granted);
    try {
      await batch.commit();
      return { ...outcome, replayed: false };
    } catch (err) {
      // Another write came first (the counter moved, was created, or this very write committed and
      // its answer was lost: the receipt exists). Decide again on what is stored now.
      if (!isLostRace(err)) throw err;
      if (attempt >= MAX_LEASE_ATTEMPTS)
        throw new TransientError(`quota counter ${ref.path} kept changing during ${attempt} lease attempts`);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}

/** The commit's precondition failed: the counter changed (FAILED_PRECONDITION), appeared (ALREADY_EXISTS) or went (NOT_FOUND) since it was read. */
function isLostRace(err: unknown): boolean {
  const code = grpcStatusOf(err);
  return code === GrpcStatus.FAILED_PRECONDITION || code === GrpcStatus.ALREADY_EXISTS || code === GrpcStatus.NOT_FOUND;
}

/** A flush: what `syncCounter` does with `need` 0, as one blind atomic batch (see the top). */
export async function flushCounter(store: Store, req: FlushRequest): Promise<{ wrote: boolean; replayed: boolean }> {
  if (req.commitUsed <= 0 && req.returnLease <= 0) return { wrote: false, replayed: false };
  const { key } = req;
  const batch = store.db.batch();
  const delta = flushIncrements(req);
  batch.set(
    store.usageCounter(key.accountId, key.feature, key.periodStart),
    {
      ...counterFields(req),
      used: FieldValue.increment(delta.used),
      reserved: FieldValue.increment(delta.reserved),
      ...memberIncrements(delta.byMember),
      ...dayIncrementFields(dayIncrements(req)),
    },
    { merge: true },
  );
  writeReceiptAndOutboxEntry(store, batch, req, 0);
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

/**
 * `byMember: { [userId]: increment(n) }` as a nested map, which a merge applies key by key: a user id
 * (with its ':' and '.') stays one key, where a dotted field path would split it. No members (a
 * give-back only): no field at all, since a merged empty map would replace the stored one.
 */
function memberIncrements(byMember: MemberUnits): { byMember?: Record<string, FieldValue> } {
  const entries = Object.entries(byMember);
  if (entries.length === 0) return {};
  return { byMember: Object.fromEntries(entries.map(([member, n]) => [member, FieldValue.increment(n)])) };
}

/** `byDay: { [day]: increment(n) }`, merged key by key like `byMember`; no units, no field. */
function dayIncrementFields(byDay: DayUnits): { byDay?: Record<string, FieldValue> } {
  const entries = Object.entries(byDay);
  if (entries.length === 0) return {};
  return { byDay: Object.fromEntries(entries.map(([day, n]) => [day, FieldValue.increment(n)])) };
}

/** The counter's descriptive fields, written with every change (merge keeps them current). */
function counterFields(req: FlushRequest) {
  const { key } = req;
  return {
    accountId: key.accountId,
    feature: key.feature,
    periodStart: key.periodStart,
    periodEnd: key.periodEnd,
    limit: req.limit,
    expireAt: Timestamp.fromMillis((key.periodEnd + req.retentionDays * DAY_SECONDS) * 1000),
    updatedAt: Timestamp.fromMillis(req.nowMs),
  };
}

/** The write's receipt, and for units of a metered feature its outbox entry, in the same commit as the counter. */
function writeReceiptAndOutboxEntry(store: Store, writer: WriteBatch, req: FlushRequest, granted: number): void {
  const createdAt = Timestamp.fromMillis(req.nowMs);
  writer.create(store.usageReceipts.doc(req.writeId), {
    granted,
    createdAt,
    expireAt: Timestamp.fromMillis(req.nowMs + RECEIPT_RETENTION_MS),
  });
  if (!req.meter || req.commitUsed <= 0) return;
  const { key } = req;
  const nowSeconds = Math.floor(req.nowMs / 1000);
  writer.create(store.usageOutbox.doc(req.writeId), {
    accountId: key.accountId,
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
