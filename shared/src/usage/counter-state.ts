// One quota counter as an app instance holds it in memory, and the writes it sends to Firestore.
// A plain record: lease-policy.ts creates it and returns each next state; usage-recorder.ts keeps
// the current one per counter and does the I/O; sync-counter.ts writes the requests.
import type { MeteredFeature, Quota } from '../plans/catalog.js';

/**
 * Units per member of the account: user id -> units. User ids are keys, never field paths (they
 * contain ':' and '.'); sync-counter.ts writes them as nested map keys.
 */
export type MemberUnits = Readonly<Record<string, number>>;

/** Units per UTC day of the quota month: 'YYYY-MM-DD' -> units (the counter's `byDay`, the billing page's daily chart). */
export type DayUnits = Readonly<Record<string, number>>;

/** Unix seconds -> its UTC day, 'YYYY-MM-DD': the key of `byDay`. */
export function utcDay(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().slice(0, 10);
}

/** Which counter: `accounts/{accountId}/usage/{feature}_{periodStart}`. */
export interface CounterKey {
  readonly accountId: string;
  readonly feature: MeteredFeature;
  /** Quota month, unix seconds, [start, end). */
  readonly periodStart: number;
  readonly periodEnd: number;
}

/** Where flushed units of a metered feature are billed: the outbox entry's customer and meter. */
export interface MeterTarget {
  readonly customerId: string;
  readonly eventName: string;
}

/** One write of a counter: a flush (`need` 0, a blind increment) or a lease. */
export interface SyncRequest {
  readonly key: CounterKey;
  readonly limit: Exclude<Quota, 0>;
  readonly retentionDays: number;
  /** Admitted units to add to `used`. */
  readonly commitUsed: number;
  /** The same units by the member who made them (user id -> units; sums to commitUsed), added to `byMember`. */
  readonly commitByMember: MemberUnits;
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

/** A flush: a write that wants no lease. */
export type FlushRequest = Omit<SyncRequest, 'need' | 'want'>;

/** What a lease answers. */
export interface SyncResult {
  readonly granted: number;
  /** The counter after the lease. */
  readonly used: number;
  readonly byMember: MemberUnits;
  readonly reserved: number;
  /** What is still unleased, or 'unlimited'. */
  readonly available: number | 'unlimited';
  readonly wrote: boolean;
  /** An earlier attempt of this write had committed (its receipt was found): nothing was written now. */
  readonly replayed: boolean;
}

/** The plan's terms for a counter; a plan change within the month changes them, not the counter. */
export interface CounterTerms {
  readonly limit: Exclude<Quota, 0>;
  readonly retentionDays: number;
  readonly meter: MeterTarget | null;
}

/** Times are epoch milliseconds of the recorder's clock; `-Infinity` means never. */
export interface CounterState extends CounterTerms {
  readonly key: CounterKey;
  /** Units leased from Firestore and not yet admitted. */
  readonly lease: number;
  /** Units admitted and not yet written. */
  readonly pending: number;
  /** The same units by member (sums to `pending`): the next write carries them as `commitByMember`. */
  readonly pendingByMember: MemberUnits;
  /** Units being written by the write in flight or left unconfirmed (so views never dip meanwhile). */
  readonly committing: number;
  /** The counter as the last lease saw it, moved since by this instance's own flushes. */
  readonly usedSeen: number;
  readonly byMemberSeen: MemberUnits;
  readonly reservedSeen: number;
  readonly availableSeen: number | 'unlimited';
  /** When a lease last read the counter: refusals trust `availableSeen` this long. */
  readonly checkedAt: number;
  /** When this instance last wrote the counter (lease or flush): flushes are at most one per interval. */
  readonly writtenAt: number;
  /** The size of the next lease block beyond what is needed. */
  readonly block: number;
  readonly lastGrantAt: number;
  readonly lastAdmitAt: number;
  /** A write that was sent and not confirmed (in flight, or failed so may or may not have committed): the next sync repeats it first. */
  readonly unconfirmed: SyncRequest | null;
}

/** The recorder's map key of a counter. */
export function counterId(accountId: string, feature: MeteredFeature, periodStart: number): string {
  return `${accountId}|${feature}|${periodStart}`;
}
