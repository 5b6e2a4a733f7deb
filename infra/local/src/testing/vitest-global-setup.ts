import type { TestProject } from 'vitest/node';
import { startFirestoreEmulator, startPubSubEmulator } from '../emulators.js';

declare module 'vitest' {
  export interface ProvidedContext {
    firestoreEmulatorHost: string;
    pubsubEmulatorHost: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [firestore, pubsub] = await Promise.all([startFirestoreEmulator(), startPubSubEmulator()]);
  // Child test processes are forked after this runs, so they inherit these.
  process.env['FIRESTORE_EMULATOR_HOST'] = firestore.host;
  process.env['PUBSUB_EMULATOR_HOST'] = pubsub.host;
  process.env['METADATA_SERVER_DETECTION'] = 'none';
  project.provide('firestoreEmulatorHost', firestore.host);
  project.provide('pubsubEmulatorHost', pubsub.host);
  return async () => {
    await Promise.all([firestore.stop(), pubsub.stop()]);
  };
}
