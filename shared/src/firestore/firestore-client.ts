// Builds the one Firestore client a deployable uses. With FIRESTORE_EMULATOR_HOST set (local stack,
// tests) the SDK talks to the emulator; projectId comes from configuration, never guessed.
import { Firestore } from '@google-cloud/firestore';

export function createFirestore(projectId: string, databaseId = '(default)'): Firestore {
  return new Firestore({ projectId, databaseId, ignoreUndefinedProperties: false });
}
