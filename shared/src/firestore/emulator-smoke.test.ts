import { describe, expect, it } from 'vitest';
import { testFirestore } from '../testing/emulator.js';

describe('firestore emulator', () => {
  it('round-trips a document in an isolated project', async () => {
    const db = testFirestore();
    await db.doc('smoke/a').set({ n: 1 });
    const snap = await db.doc('smoke/a').get();
    expect(snap.get('n')).toBe(1);
    await db.terminate();
  });
});
