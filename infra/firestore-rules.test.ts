// firestore.rules denies every client, signed in or not, on every collection the product uses
// (server SDKs bypass rules; see the file's header). Runs against the real Firestore emulator.
import { readFileSync } from 'node:fs';
import { assertFails, assertSucceeds, initializeTestEnvironment, type RulesTestEnvironment } from '@firebase/rules-unit-testing';
import { doc, getDoc, setDoc, collection, getDocs, deleteDoc, setLogLevel } from 'firebase/firestore';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Collection } from '@billing/shared/model/collections.js';
import { requireEmulators, testProjectId } from '@billing/shared/testing/emulator.js';

const rules = readFileSync(new URL('../firestore.rules', import.meta.url), 'utf8');

// Every top-level collection, plus the usage subcollection under a user.
const DOC_PATHS = [
  ...Object.values(Collection)
    .filter((name) => name !== Collection.usage)
    .map((name) => `${name}/doc-1`),
  `${Collection.accounts}/user-1/${Collection.usage}/api_calls_1700000000`,
];

let env: RulesTestEnvironment;

beforeAll(async () => {
  // Every denial is asserted below; the web SDK would also log each one as a stream error.
  setLogLevel('silent');
  const [host, port] = requireEmulators().firestoreHost.split(':');
  env = await initializeTestEnvironment({
    projectId: testProjectId('rules'),
    firestore: { rules, host: host ?? '127.0.0.1', port: Number(port) },
  });
  // Seed through the rules-bypassing context so reads hit existing documents.
  await env.withSecurityRulesDisabled(async (ctx) => {
    for (const path of DOC_PATHS) await setDoc(doc(ctx.firestore(), path), { seeded: true, accountId: 'user-1' });
  });
});

afterAll(async () => {
  await env.cleanup();
});

describe('firestore.rules', () => {
  test('covers every collection the product names', () => {
    expect(DOC_PATHS.length).toBe(Object.values(Collection).length);
  });

  const clients = {
    unauthenticated: () => env.unauthenticatedContext().firestore(),
    'signed in as the owning user': () => env.authenticatedContext('user-1', { email: 'u@example.com' }).firestore(),
  };

  for (const [who, db] of Object.entries(clients)) {
    describe(who, () => {
      test.each(DOC_PATHS)('cannot read %s', async (path) => {
        await assertFails(getDoc(doc(db(), path)));
      });
      test.each(DOC_PATHS)('cannot list the collection of %s', async (path) => {
        await assertFails(getDocs(collection(db(), path.split('/').slice(0, -1).join('/'))));
      });
      test.each(DOC_PATHS)('cannot create, overwrite or delete %s', async (path) => {
        await assertFails(setDoc(doc(db(), `${path}-new`), { accountId: 'user-1' }));
        await assertFails(setDoc(doc(db(), path), { accountId: 'user-1', billing: { status: 'active' } }));
        await assertFails(deleteDoc(doc(db(), path)));
      });
    });
  }

  test('the seed is really there (the server path, which bypasses rules, can read it)', async () => {
    await env.withSecurityRulesDisabled(async (ctx) => {
      const snap = await assertSucceeds(getDoc(doc(ctx.firestore(), DOC_PATHS[0] ?? '')));
      expect(snap.exists()).toBe(true);
    });
  });
});
