// Test helpers for the real emulators started by the vitest global setup. Each call returns a
// client on a fresh demo-* project, so test files (and tests) never see each other's data.
import { randomUUID } from 'node:crypto';
import { Firestore } from '@google-cloud/firestore';
import type { PubSub } from '@google-cloud/pubsub';
import { createPubSubClient } from '../pubsub/pubsub-client.js';

export function requireEmulators(): { firestoreHost: string; pubsubHost: string } {
  const firestoreHost = process.env['FIRESTORE_EMULATOR_HOST'];
  const pubsubHost = process.env['PUBSUB_EMULATOR_HOST'];
  if (!firestoreHost || !pubsubHost) throw new Error('The emulators are not running: run tests through `npm test` (vitest global setup).');
  return { firestoreHost, pubsubHost };
}

export function testProjectId(prefix = 'test'): string {
  return `demo-${prefix}-${randomUUID().slice(0, 8)}`;
}

export function testFirestore(projectId = testProjectId()): Firestore {
  requireEmulators();
  return new Firestore({ projectId });
}

export function testPubSub(projectId = testProjectId()): PubSub {
  requireEmulators();
  return createPubSubClient({ projectId });
}
