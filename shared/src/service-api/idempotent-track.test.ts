// The idempotent track's own guarantees on the Firestore emulator (the service API's tests drive it
// through /v1/track): one run per key, and a shutdown that never leaves a counted call's key pending.
import { Writable } from 'node:stream';
import type { Firestore } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransientError } from '../errors/app-error.js';
import { createStore, type Store } from '../firestore/store.js';
import { createLogger, silentLogger } from '../logging/logger.js';
import { systemClock } from '../ports/clock.js';
import { testFirestore } from '../testing/emulator.js';
import { createIdempotentTrack, type TrackKey } from './idempotent-track.js';

let db: Firestore;
let store: Store;
beforeAll(() => {
  db = testFirestore();
  store = createStore(db);
});
afterAll(async () => {
  await db.terminate();
});

const key = (idempotencyKey: string): TrackKey => ({ accountId: 'acct_track', idempotencyKey, feature: 'api_calls', units: 5 });
const states = async () => (await store.trackKeys.get()).docs.map((d) => d.data().state);

describe('idempotent track', () => {
  it('runs a key once: a repeat answers the first outcome without admitting again', async () => {
    const track = createIdempotentTrack({ store, clock: systemClock, logger: silentLogger() });
    let admitted = 0;
    const admit = () => Promise.resolve({ admitted: ++admitted });
    const first = await track.run(key('once'), admit);
    const again = await track.run(key('once'), admit);
    expect(first).toEqual({ status: 200, body: { admitted: 1 }, replayed: false });
    expect(again).toEqual({ status: 200, body: { admitted: 1 }, replayed: true });
    expect(admitted).toBe(1);
    await track.close();
  });

  it('on close, lets a call under way finish and store its outcome, and refuses calls after it', async () => {
    const track = createIdempotentTrack({ store, clock: systemClock, logger: silentLogger() });
    let release!: () => void;
    const admitting = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const hasStarted = new Promise<void>((resolve) => (started = resolve));
    const underWay = track.run(key('under-way'), async () => {
      started();
      await admitting;
      return { ok: true };
    });
    await hasStarted;
    let closed = false;
    const closing = track.close().then(() => (closed = true));
    await expect(track.run(key('after-close'), () => Promise.resolve({ ok: true }))).rejects.toBeInstanceOf(TransientError);
    expect(closed).toBe(false);
    release();
    expect(await underWay).toMatchObject({ status: 200, replayed: false });
    await closing;
    const stored = (await store.trackKeys.get()).docs.map((d) => d.data());
    expect(stored.filter((d) => d.state === 'pending')).toEqual([]);
    expect(await states()).toHaveLength(2); // 'once' and 'under-way'; the refused call claimed nothing
  });

  it('answers a counted call whose outcome cannot be stored, and logs the key at ERROR instead of failing it', async () => {
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const track = createIdempotentTrack({ store, clock: systemClock, logger: createLogger({ service: 'track-test', destination }) });
    // The claim vanishes while the units are admitted: storing the outcome (an update) then fails, as in an outage.
    const outcome = await track.run(key('unstored'), async () => {
      await Promise.all((await store.trackKeys.where('accountId', '==', 'acct_track').get()).docs.map((d) => d.ref.delete()));
      return { admitted: true };
    });
    expect(outcome).toEqual({ status: 200, body: { admitted: true }, replayed: false });
    expect(lines).toEqual([
      expect.objectContaining({
        severity: 'ERROR',
        event: 'service.track_outcome_unrecorded',
        accountId: 'acct_track',
        idempotencyKey: 'unstored',
        state: 'admitted',
      }),
    ]);
    await track.close();
  });
});
