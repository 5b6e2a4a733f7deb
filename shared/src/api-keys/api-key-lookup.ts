// How the verifier reads `api_keys/{hash}`: a one-off read (what a key this instance has not seen
// costs, unknown keys included) and a snapshot listener (kept open only for keys that exist, so a
// revocation reaches this instance at once). A port so the tests can count what a flood of unknown
// keys costs in reads and listeners against the real emulator.
import type { Firestore } from '@google-cloud/firestore';
import { apiKeyCollection, type ApiKeyDoc } from './api-key-documents.js';

export interface ApiKeyLookup {
  /** One document read: the key's document, or null when no such key exists. */
  read(hash: string): Promise<ApiKeyDoc | null>;
  /** A listener on the key's document; returns its unsubscribe. */
  watch(hash: string, onDoc: (doc: ApiKeyDoc | null) => void, onError: (err: unknown) => void): () => void;
}

export function firestoreApiKeyLookup(db: Firestore): ApiKeyLookup {
  const keys = apiKeyCollection(db);
  return {
    async read(hash) {
      const snap = await keys.doc(hash).get();
      return snap.data() ?? null;
    },
    watch(hash, onDoc, onError) {
      return keys.doc(hash).onSnapshot((snap) => onDoc(snap.data() ?? null), onError);
    },
  };
}
