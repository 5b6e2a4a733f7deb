import type { TestProject } from 'vitest/node';
import { startFirestoreEmulator, startPubSubEmulator, type RunningEmulator } from '../emulators.js';

declare module 'vitest' {
  export interface ProvidedContext {
    firestoreEmulatorHost: string;
    pubsubEmulatorHost: string;
  }
}

// Several projects (integration, browser, e2e: vitest.config.ts) list this setup and vitest loads it
// once per project, each with its own module instance: the running pair is kept on globalThis so
// one run starts the emulators once, and the last project to finish stops them.
interface Shared {
  emulators: Promise<[RunningEmulator, RunningEmulator]>;
  users: number;
}
const key = Symbol.for('billing.vitest.emulators');
const registry = globalThis as { [key]?: Shared };

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const shared = (registry[key] ??= { emulators: Promise.all([startFirestoreEmulator(), startPubSubEmulator()]), users: 0 });
  shared.users++;
  const [firestore, pubsub] = await shared.emulators;
  // Child test processes are forked after this runs, so they inherit these.
  process.env['FIRESTORE_EMULATOR_HOST'] = firestore.host;
  process.env['PUBSUB_EMULATOR_HOST'] = pubsub.host;
  process.env['METADATA_SERVER_DETECTION'] = 'none';
  project.provide('firestoreEmulatorHost', firestore.host);
  project.provide('pubsubEmulatorHost', pubsub.host);
  return async () => {
    if (--shared.users > 0) return;
    delete registry[key];
    await Promise.all([firestore.stop(), pubsub.stop()]);
  };
}
