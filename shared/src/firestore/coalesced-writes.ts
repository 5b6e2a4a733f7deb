// Single-document writes that many concurrent requests make (a track call claims its idempotency
// key, then stores its outcome) sent together: every write issued in one turn of the event loop
// goes to Firestore in one BatchWrite RPC (the client's BulkWriter) instead of one Commit each.
// BatchWrite is not atomic: each write succeeds or fails on its own and its promise says which,
// exactly as a lone `create`/`update` would (ALREADY_EXISTS, NOT_FOUND, UNAVAILABLE...). The
// writer retries nothing: the caller classifies and handles errors as it did for a lone write.
// No delay is added: the batch leaves at the end of the turn in which its first write was issued.
import type { DocumentData, DocumentReference, Firestore, UpdateData, WithFieldValue } from '@google-cloud/firestore';
import { TransientError } from '../errors/app-error.js';

export interface CoalescedWrites {
  create<A, D extends DocumentData>(ref: DocumentReference<A, D>, data: WithFieldValue<A>): Promise<void>;
  update<A, D extends DocumentData>(ref: DocumentReference<A, D>, data: UpdateData<D>): Promise<void>;
  delete<A, D extends DocumentData>(ref: DocumentReference<A, D>): Promise<void>;
  /** Sends what is queued and waits for every write issued so far; a write after it is refused as transient. */
  close(): Promise<void>;
}

export function createCoalescedWrites(db: Firestore): CoalescedWrites {
  // No throttling: the writes are request-driven, not a bulk import the ramp-up protects.
  const writer = db.bulkWriter({ throttling: false });
  writer.onWriteError(() => false);
  let scheduled = false;
  let closed = false;
  function sendAtEndOfTurn(): void {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      // close() has sent the batch already (the client's flush() throws once closed). Otherwise
      // start it: each write's own promise carries its outcome, flush()'s says nothing more.
      if (!closed) writer.flush().catch(() => undefined);
    });
  }
  const queued = async (write: () => Promise<unknown>): Promise<void> => {
    // The client's writer throws once closed; a call that races SIGTERM is told to retry instead.
    if (closed) throw new TransientError('Shutting down: retry');
    const done = write();
    sendAtEndOfTurn();
    await done;
  };
  return {
    create: (ref, data) => queued(() => writer.create(ref, data)),
    update: (ref, data) => queued(() => writer.update(ref, data)),
    delete: (ref) => queued(() => writer.delete(ref)),
    close: () => {
      closed = true;
      return writer.close();
    },
  };
}
