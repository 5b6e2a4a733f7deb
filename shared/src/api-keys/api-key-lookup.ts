// How the verifier reads `api_keys/{hash}`: a one-off read (what a key this instance has not seen
// costs, unknown keys included) and a snapshot listener (kept open only for keys that exist, so a
// revocation reaches this instance at once). A port so the tests can count what a flood of unknown
// keys costs in reads and listeners against the real emulator.
import type { Firestore } from '@google-cloud/firestore';
import { firestoreDocumentSource, type DocumentSource } from '../firestore/document-source.js';
import { type ApiKeyDoc } from '../model/api-key-documents.js';
import { createStore } from '../firestore/store.js';

export type ApiKeyLookup = DocumentSource<ApiKeyDoc>;

export const firestoreApiKeyLookup = (db: Firestore): ApiKeyLookup => firestoreDocumentSource(createStore(db).apiKeys, 'ApiKeyDoc');
