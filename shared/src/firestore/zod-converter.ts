// A Firestore converter that parses every document it reads with a zod schema, so a malformed
// document fails loudly at the read instead of deep inside business logic.
import type { DocumentData, FirestoreDataConverter, QueryDocumentSnapshot } from '@google-cloud/firestore';
import type { z } from 'zod';

export function zodConverter<S extends z.ZodType<DocumentData>>(schema: S): FirestoreDataConverter<z.infer<S>> {
  return {
    toFirestore: (value) => value,
    fromFirestore: (snap: QueryDocumentSnapshot) => schema.parse(snap.data()),
  };
}
