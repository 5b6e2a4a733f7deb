// Where a document cache (document-cache.ts) reads and watches single documents: a one-off read
// and a snapshot listener, both typed. A port so a test can count what a cache opens (reads,
// listeners) or hold a snapshot back, over the real emulator.
import type { CollectionReference } from '@google-cloud/firestore';

export interface DocumentSource<T> {
  /** One document read: the document, or null when it does not exist. Rejects with MalformedDocumentError when it does not parse. */
  read(id: string): Promise<T | null>;
  /**
   * A listener on one document: `onDoc` with every snapshot (null: no such document), `onError`
   * when the listener fails (Firestore then stops it) or a snapshot does not parse
   * (MalformedDocumentError). Returns its unsubscribe.
   */
  watch(id: string, onDoc: (doc: T | null) => void, onError: (err: unknown) => void): () => void;
}

/** A stored document that does not match its schema: a bug or a bad write, not worth retrying. */
export class MalformedDocumentError extends Error {
  constructor(path: string, schemaName: string, cause: unknown) {
    super(`${path} does not match the ${schemaName} schema`, { cause });
    this.name = 'MalformedDocumentError';
  }
}

/**
 * A source over a typed collection, i.e. one with a converter that parses (zodConverter): the
 * converter throws on a malformed document; this reports it as a MalformedDocumentError naming
 * `schemaName`, instead of throwing inside the SDK's snapshot callback.
 */
export function firestoreDocumentSource<T>(collection: CollectionReference<T>, schemaName: string): DocumentSource<T> {
  return {
    async read(id) {
      const ref = collection.doc(id);
      const snap = await ref.get();
      try {
        return snap.data() ?? null;
      } catch (err) {
        throw new MalformedDocumentError(ref.path, schemaName, err);
      }
    },
    watch(id, onDoc, onError) {
      const ref = collection.doc(id);
      return ref.onSnapshot((snap) => {
        let doc: T | null;
        try {
          doc = snap.data() ?? null;
        } catch (err) {
          onError(new MalformedDocumentError(ref.path, schemaName, err));
          return;
        }
        onDoc(doc);
      }, onError);
    },
  };
}
