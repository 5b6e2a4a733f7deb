// Firestore transactions require every read before the first write. The applier's handlers read
// and write in the natural order (write the subscription, then recompute the account's summary from
// all subscriptions), so writes are staged here and flushed at the end of the transaction.
// A staged `set` is visible to later reads through this wrapper (read-your-writes), which is what
// lets the summary be computed from the state this very transaction is about to commit.
//
// Reads are cached per document for the life of the transaction (a transactional read returns the
// same snapshot every time), and `prefetch` reads several documents in one round trip (getAll):
// an event touches 4-8 documents, and round trips to Firestore are what an event costs.
import type { DocumentReference, Query, Transaction, UpdateData } from '@google-cloud/firestore';

type StagedWrite =
  { kind: 'set'; ref: DocumentReference<never>; data: unknown } | { kind: 'update'; ref: DocumentReference<never>; data: unknown };

export class StagedTransaction {
  readonly #tx: Transaction;
  readonly #writes = new Map<string, StagedWrite>();
  readonly #reads = new Map<string, Promise<unknown>>();
  #flushed = false;

  constructor(tx: Transaction) {
    this.#tx = tx;
  }

  /** The document as this transaction will leave it (a staged set wins over the stored one). */
  async get<T>(ref: DocumentReference<T>): Promise<T | undefined> {
    this.#assertOpen();
    const staged = this.#writes.get(ref.path);
    // A staged set holds a full, already-validated document of this type.
    if (staged?.kind === 'set') return staged.data as T;
    let read = this.#reads.get(ref.path) as Promise<T | undefined> | undefined;
    if (!read) {
      read = this.#tx.get(ref).then((snap) => snap.data());
      this.#reads.set(ref.path, read);
    }
    return read;
  }

  /**
   * Reads documents not read yet in one round trip, so later `get`s are served from memory.
   * Safe to over-fetch: a document read but never written is only part of the read set.
   */
  async prefetch(refs: ReadonlyArray<DocumentReference<unknown>>): Promise<void> {
    this.#assertOpen();
    const unique = new Map<string, DocumentReference<unknown>>();
    for (const ref of refs) if (!this.#reads.has(ref.path) && !this.#writes.has(ref.path)) unique.set(ref.path, ref);
    if (unique.size === 0) return;
    const all = this.#tx.getAll(...unique.values());
    for (const [path] of unique) {
      const read = all.then((snaps) => snaps.find((snap) => snap.ref.path === path)?.data());
      // The failure reaches the caller through `await all` below and any later `get` of this
      // document; a document never read again must not leave an unhandled rejection behind (Node
      // ends the process on one: a transaction the emulator closed under contention did that).
      read.catch(() => undefined);
      this.#reads.set(path, read);
    }
    await all;
  }

  /**
   * The documents a query matches, read through the transaction, with staged sets overlaid (see
   * `docsOf`). The query itself runs OUTSIDE the transaction and only its documents are read (and
   * locked) inside: a transactional query locks a whole index range (the emulator locks far more),
   * which serialises unrelated customers. The caller must make this safe against a matching
   * document created concurrently; stage-customer-change.ts does it by locking the user document first.
   */
  async queryDocs<T>(query: Query<T>, collectionPath: string, matches: (doc: T) => boolean): Promise<T[]> {
    this.#assertOpen();
    const found = await query.get();
    return this.docsOf(
      found.docs.map((d) => d.ref),
      collectionPath,
      matches,
    );
  }

  /**
   * The given documents of one collection (read in one round trip where not read yet) that
   * `matches` accepts, with staged sets overlaid: a staged document replaces its stored version,
   * and a staged document of the collection that is not among `refs` is included when it matches.
   */
  async docsOf<T>(refs: ReadonlyArray<DocumentReference<T>>, collectionPath: string, matches: (doc: T) => boolean): Promise<T[]> {
    this.#assertOpen();
    const out = new Map<string, T>();
    await this.prefetch(refs);
    for (const ref of refs) {
      const doc = await this.get(ref);
      if (doc !== undefined && matches(doc)) out.set(ref.path, doc);
    }
    for (const [path, w] of this.#writes) {
      if (w.kind !== 'set' || !path.startsWith(`${collectionPath}/`) || path.split('/').length !== collectionPath.split('/').length + 1)
        continue;
      const doc = w.data as T;
      if (matches(doc)) out.set(path, doc);
      else out.delete(path);
    }
    return [...out.values()];
  }

  set<T>(ref: DocumentReference<T>, data: T): void {
    this.#assertOpen();
    this.#writes.set(ref.path, { kind: 'set', ref: ref as DocumentReference<never>, data });
  }

  /** A partial update of an existing document (not visible to later reads through get). */
  update<T>(ref: DocumentReference<T>, data: UpdateData<T>): void {
    this.#assertOpen();
    if (this.#writes.has(ref.path)) throw new Error(`${ref.path} is already staged in this transaction`);
    this.#writes.set(ref.path, { kind: 'update', ref: ref as DocumentReference<never>, data });
  }

  get stagedPaths(): string[] {
    return [...this.#writes.keys()];
  }

  /** Applies the staged writes to the Firestore transaction; call once, as the callback's last step. */
  flush(): void {
    this.#assertOpen();
    this.#flushed = true;
    for (const w of this.#writes.values()) {
      if (w.kind === 'set') this.#tx.set(w.ref, w.data as never);
      else this.#tx.update(w.ref, w.data as never);
    }
  }

  #assertOpen(): void {
    if (this.#flushed) throw new Error('StagedTransaction used after flush');
  }
}
