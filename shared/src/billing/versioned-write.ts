/**
 * ORDER SAFETY: the one primitive every object kind (subscription, customer, entitlements,
 * invoice) is written through. Stripe delivers at least once, in no order, and several events can
 * share one `created` second, so "last delivery wins" is wrong and "newest `created` wins" cannot
 * order a same-second pair. The rule:
 *
 * Every object document D carries `version {created, eventId, source, revision}`. Applying event e
 * (created E, payload P) to D, inside the event's transaction (which also checks and writes the
 * ledger `stripe_events/{e.id}`, so each event is applied at most once):
 *   1. D absent, or D.version.created < E  -> write P, version {E, e.id, 'event', revision+1}.
 *   2. D.version.created > E               -> stale: write nothing (ledger outcome `stale`).
 *   3. D.version.created == E, same event  -> already applied: stale.
 *   4. D.version.created == E, other event -> TIE. Two payloads of one second cannot be ordered, so
 *      neither is trusted: the transaction aborts, the object is refetched from Stripe OUTSIDE any
 *      transaction, and a second transaction compare-and-sets the fetched object with version
 *      {max(D.created, E), e.id, 'fetch', revision+1}, only if D.version.revision is still the one
 *      read before the fetch and the ledger still lacks e.id. If the revision moved, start over
 *      (re-decide from 1.); after MAX_ATTEMPTS the event fails with a TransientError and Pub/Sub
 *      redelivers it.
 * The same compare-and-set path (`writeFetched`) serves payloads that are insufficient on their
 * own (checkout.session.completed carries only the subscription id; an entitlements summary with
 * more than 10 entries) and the app's post-checkout refresh (`refreshSubscription`).
 *
 * Proof sketch (convergence, not "usually right"). Let S(t) be Stripe's state of an object at time
 * t. (a) An event created at E carries S(E). (b) A fetch done at time F returns S(F), and F is later
 * than the receipt of every event it raced with, so S(F) already includes every change whose event
 * has created <= E for any event received before it. (c) Writes are linearised by Firestore
 * transactions and the CAS on `revision` guarantees no write lands between a fetch's read of D and
 * its write, so a fetch never overwrites a state it did not see. Now take the last change to the
 * object, with event e_n (largest created, E_n). When e_n is applied either D.created < E_n and
 * P_n is written (1.), or D.created == E_n and a fetch taken after e_n's receipt is written (4.,
 * (b): it includes change n). D.created > E_n is impossible: only events (created <= E_n) and
 * fetches stamped max(D.created, E) <= E_n ever set `created`. Afterwards every older event is
 * stale (2.), every same-second event triggers another fetch (4.) which again returns S after
 * change n, i.e. the final state. Hence the document ends equal to P_n or to a later fetch: the
 * true final state, whatever the delivery order and however many duplicates.
 * The fetch is stamped max(D.created, E) and not "now" on purpose: our clock is not Stripe's, and
 * a stamp ahead of Stripe's clock would make a genuinely newer event look stale.
 * Rate limits: a fetch happens only on a same-second tie, a checkout, an entitlements overflow or a
 * missing customer mapping, never on every event (FACTS: 25 req/s in test mode).
 */
import type { DocumentReference, Firestore } from '@google-cloud/firestore';
import { TransientError } from '../errors/app-error.js';
import { isTransactionGone } from '../firestore/classify-firestore-error.js';
import type { Version } from '../model/documents.js';
import { StagedTransaction } from './staged-transaction.js';

/** Who is writing: an event (id + created) or a refresh with no event (eventId null). */
export interface VersionStamp {
  eventId: string | null;
  created: number;
}

/** Builds the document to store from the version to stamp and the current document. */
export type BuildDoc<T> = (version: Version, current: T | undefined) => T;

interface FetchedEntry {
  value: unknown;
  /** The revision of the document when the fetch started; `undefined` for plain look-ups. */
  expectedRevision: number | null | undefined;
}

/**
 * Thrown inside a transaction when a value must be read from Stripe first: the transaction rolls
 * back, `runVersioned` fetches outside it and runs the body again with the value available.
 */
export class FetchRequired extends Error {
  constructor(
    readonly key: string,
    readonly expectedRevision: number | null | undefined,
    readonly fetch: () => Promise<unknown>,
  ) {
    super(`fetch required: ${key}`);
    this.name = 'FetchRequired';
  }
}

export interface VersionedContext {
  readonly tx: StagedTransaction;
  readonly stamp: VersionStamp;
  /** Values fetched from Stripe by earlier attempts of this same unit of work. */
  readonly fetched: Map<string, FetchedEntry>;
}

export type WriteResult = 'written' | 'stale';

const MAX_ATTEMPTS = 5;

const revisionOf = (doc: { version: Version } | undefined): number | null => doc?.version.revision ?? null;

function fetchVersion(stamp: VersionStamp, current: { version: Version } | undefined): Version {
  return {
    created: Math.max(current?.version.created ?? 0, stamp.created),
    eventId: stamp.eventId,
    source: 'fetch',
    revision: (current?.version.revision ?? 0) + 1,
  };
}

/** A fetched value usable for a CAS on this document: fetched when it had this very revision. */
function takeFetched<T>(ctx: VersionedContext, key: string, current: { version: Version } | undefined): T | undefined {
  const entry = ctx.fetched.get(key);
  if (!entry) return undefined;
  if (entry.expectedRevision !== revisionOf(current)) {
    ctx.fetched.delete(key); // the document moved since the fetch: start over
    return undefined;
  }
  // The entry under this key was produced by the fetch function registered with the same key,
  // which callers type as T (keys are per object kind and id).
  return entry.value as T;
}

/** Applies an event payload under the order rule above. `refetch` resolves a tie. */
export async function writeVersioned<T extends { version: Version }, F>(
  ctx: VersionedContext,
  ref: DocumentReference<T>,
  payload: BuildDoc<T>,
  refetch: { fetch: () => Promise<F>; build: (fetched: F) => BuildDoc<T> },
): Promise<WriteResult> {
  const current = await ctx.tx.get(ref);
  const key = `cas:${ref.path}`;
  const fetched = takeFetched<F>(ctx, key, current);
  if (fetched !== undefined) {
    ctx.tx.set(ref, refetch.build(fetched)(fetchVersion(ctx.stamp, current), current));
    return 'written';
  }
  const { created: E, eventId } = ctx.stamp;
  if (!current || current.version.created < E) {
    const version: Version = { created: E, eventId, source: 'event', revision: (current?.version.revision ?? 0) + 1 };
    ctx.tx.set(ref, payload(version, current));
    return 'written';
  }
  if (current.version.created > E || (eventId !== null && current.version.eventId === eventId)) return 'stale';
  throw new FetchRequired(key, revisionOf(current), refetch.fetch);
}

/** Writes the object as fetched from Stripe (compare-and-set on the revision read before the fetch). */
export async function writeFetched<T extends { version: Version }, F>(
  ctx: VersionedContext,
  ref: DocumentReference<T>,
  fetch: () => Promise<F>,
  build: (fetched: F) => BuildDoc<T>,
): Promise<'written'> {
  const current = await ctx.tx.get(ref);
  const key = `cas:${ref.path}`;
  const fetched = takeFetched<F>(ctx, key, current);
  if (fetched === undefined) throw new FetchRequired(key, revisionOf(current), fetch);
  ctx.tx.set(ref, build(fetched)(fetchVersion(ctx.stamp, current), current));
  return 'written';
}

/** A plain read from Stripe done outside the transaction (e.g. a customer's metadata). */
export function fetchOutside<F>(ctx: VersionedContext, key: string, fetch: () => Promise<F>): F {
  const entry = ctx.fetched.get(`get:${key}`);
  // Same key, same fetch function: the stored value is an F (see takeFetched).
  if (entry) return entry.value as F;
  throw new FetchRequired(`get:${key}`, undefined, fetch);
}

/**
 * Runs `body` in a Firestore transaction whose staged writes are committed together, fetching from
 * Stripe between attempts whenever the body asks for it (FetchRequired). Bounded: a document that
 * keeps moving under us fails with a TransientError so that the message is redelivered later.
 */
export async function runVersioned<R>(
  db: Firestore,
  stamp: VersionStamp,
  body: (ctx: VersionedContext) => Promise<R>,
  maxAttempts = MAX_ATTEMPTS,
): Promise<R> {
  const fetched = new Map<string, FetchedEntry>();
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    try {
      return await db.runTransaction(async (raw) => {
        const tx = new StagedTransaction(raw);
        const result = await body({ tx, stamp, fetched });
        tx.flush();
        return result;
      });
    } catch (err) {
      // A transaction closed under us (the emulator under contention; an expired one) is run again,
      // as runTransaction itself runs one again after ABORTED.
      if (isTransactionGone(err)) continue;
      if (!(err instanceof FetchRequired)) throw err;
      fetched.set(err.key, { value: await err.fetch(), expectedRevision: err.expectedRevision });
    }
  }
  throw new TransientError(`object kept changing during ${maxAttempts} compare-and-set attempts`);
}
