// The listener-backed document cache over the real Firestore emulator. The source is the real
// Firestore one, seen through a port wrapper that counts what the cache opens and closes, and
// that can hold snapshots back (a listener still opening, a slow Firestore) or fail a listener
// (what Firestore does when a stream breaks for good; the emulator offers no way to cause it).
import type { Firestore } from '@google-cloud/firestore';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { TransientError } from '../errors/app-error.js';
import { silentLogger } from '../logging/logger.js';
import type { Clock } from '../ports/clock.js';
import { testFirestore } from '../testing/emulator.js';
import { createDocumentCache, type DocumentCache, type DocumentCacheOptions } from './document-cache.js';
import { firestoreDocumentSource, MalformedDocumentError, type DocumentSource } from './document-source.js';
import { zodConverter } from './zod-converter.js';

const Counter = z.object({ n: z.number() });
type Counter = z.infer<typeof Counter>;

/** A live update reaches the cache within this (the listener's latency against the emulator). */
const LIVE_UPDATE_MS = 2_000;

// The first realtime listener of a test process takes seconds to open against the emulator.
beforeAll(async () => {
  const db = testFirestore();
  await new Promise<void>((resolve, reject) => {
    const stop = db.doc('warmup/listener').onSnapshot(() => {
      stop();
      resolve();
    }, reject);
  });
  await db.terminate();
});

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** The real source, counting reads and listeners; `hold` keeps snapshots back until `release`. */
function instrumented(inner: DocumentSource<Counter>) {
  const counts = { reads: 0, opened: 0, closed: 0 };
  const failers = new Map<string, (err: unknown) => void>();
  let held: (() => void)[] | null = null;
  const source: DocumentSource<Counter> = {
    read: (id) => {
      counts.reads++;
      return inner.read(id);
    },
    watch: (id, onDoc, onError) => {
      counts.opened++;
      failers.set(id, onError);
      const stop = inner.watch(
        id,
        (doc) => {
          if (held) held.push(() => onDoc(doc));
          else onDoc(doc);
        },
        onError,
      );
      return () => {
        counts.closed++;
        stop();
      };
    },
  };
  return {
    source,
    counts,
    openListeners: () => counts.opened - counts.closed,
    hold: () => (held = []),
    release: () => {
      const queued = held ?? [];
      held = null;
      for (const deliver of queued) deliver();
    },
    /** Fails the listener last opened on `id`, as Firestore does when its stream breaks. */
    failListener: (id: string) => failers.get(id)?.(new Error('stream broke')),
  };
}

class SettableClock implements Clock {
  constructor(public t: number) {}
  now(): number {
    return this.t;
  }
}

function setup(options: Partial<DocumentCacheOptions<Counter>> = {}) {
  const db: Firestore = testFirestore();
  const counters = db.collection('counters').withConverter(zodConverter(Counter));
  const port = instrumented(firestoreDocumentSource(counters, 'Counter'));
  const clock = new SettableClock(Date.now());
  const cache: DocumentCache<Counter> = createDocumentCache({
    source: port.source,
    firstLoad: 'snapshot',
    logger: silentLogger(),
    name: 'test_cache',
    maxEntries: 100,
    clock,
    ...options,
  });
  cleanup.push(
    () => db.terminate(),
    () => cache.close(),
  );
  // Writes bypass the converter: a malformed document is written as it would arrive.
  const write = (id: string, data: Record<string, unknown>) => db.collection('counters').doc(id).set(data);
  return { db, cache, clock, write, ...port };
}

async function eventually<T>(read: () => T | Promise<T>, done: (v: T) => boolean, withinMs: number): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (done(await read())) return Date.now() - start;
    if (Date.now() - start > withinMs) throw new Error(`condition not met within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("document cache, 'snapshot' first load", () => {
  it('answers from the first snapshot, shares one listener between concurrent and later gets, and follows the document live', async () => {
    const { cache, write, counts } = setup();
    await write('a', { n: 1 });
    const first = await Promise.all([cache.get('a'), cache.get('a'), cache.get('a')]);
    expect(first).toEqual([{ n: 1 }, { n: 1 }, { n: 1 }]);
    for (let i = 0; i < 20; i++) await cache.get('a');
    expect(cache.peek('a')).toEqual({ n: 1 }); // the steady state, synchronously
    expect(cache.peek('not-cached')).toBeUndefined();
    expect(counts).toEqual({ reads: 0, opened: 1, closed: 0 });
    expect(cache.stats()).toEqual({ size: 1, hits: 23, loads: 1 });

    await write('a', { n: 2 });
    const ms = await eventually(
      () => cache.get('a'),
      (v) => v?.n === 2,
      LIVE_UPDATE_MS,
    );
    expect(ms).toBeLessThan(LIVE_UPDATE_MS);
    expect(counts.opened).toBe(1);
  });

  it('reports a missing document as null and keeps listening for its creation', async () => {
    const { cache, write, counts } = setup();
    expect(await cache.get('later')).toBeNull();
    await write('later', { n: 7 });
    await eventually(
      () => cache.get('later'),
      (v) => v?.n === 7,
      LIVE_UPDATE_MS,
    );
    expect(counts.opened).toBe(1);
  });

  it('a failed listener is dropped at once (listener closed, not served again) and the next get opens a new one', async () => {
    const { cache, write, counts, failListener, openListeners } = setup();
    await write('f', { n: 1 });
    expect(await cache.get('f')).toEqual({ n: 1 });
    failListener('f');
    expect(cache.stats().size).toBe(0);
    expect(openListeners()).toBe(0);
    await write('f', { n: 2 });
    expect(await cache.get('f')).toEqual({ n: 2 }); // from the new listener's first snapshot, not the dropped value
    expect(counts.opened).toBe(2);
  });

  it('a listener that fails before its first snapshot fails the waiting gets with TransientError', async () => {
    const { cache, write, hold, failListener, openListeners } = setup();
    await write('g', { n: 1 });
    hold();
    const waiting = [cache.get('g'), cache.get('g')];
    await new Promise((r) => setTimeout(r, 50));
    failListener('g');
    for (const get of waiting) await expect(get).rejects.toBeInstanceOf(TransientError);
    expect(cache.stats().size).toBe(0);
    expect(openListeners()).toBe(0);
  });

  it('a malformed document fails with MalformedDocumentError and is not cached; once fixed it is served', async () => {
    const { cache, write, openListeners } = setup();
    await write('bad', { n: 'three' });
    await expect(cache.get('bad')).rejects.toThrow(MalformedDocumentError);
    await expect(cache.get('bad')).rejects.toThrow(/counters\/bad does not match the Counter schema/);
    expect(cache.stats().size).toBe(0);
    expect(openListeners()).toBe(0);

    await write('bad', { n: 3 });
    expect(await cache.get('bad')).toEqual({ n: 3 });
    await write('bad', { n: 'four' }); // goes bad while cached: dropped, the next get reports it
    await eventually(
      () => cache.stats().size,
      (size) => size === 0,
      LIVE_UPDATE_MS,
    );
    await expect(cache.get('bad')).rejects.toThrow(MalformedDocumentError);
  });

  it('a first load slower than loadTimeoutMs fails with TransientError and closes its listener', async () => {
    const { cache, write, hold, openListeners } = setup({ loadTimeoutMs: 200 });
    await write('slow', { n: 1 });
    hold();
    const started = Date.now();
    await expect(cache.get('slow')).rejects.toThrow(TransientError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(cache.stats().size).toBe(0);
    expect(openListeners()).toBe(0);
  });

  it('holds at most maxEntries documents, evicting the least recently used and closing its listener', async () => {
    const { cache, write, counts, openListeners } = setup({ maxEntries: 2 });
    await Promise.all(['a', 'b', 'c'].map((id, n) => write(id, { n })));
    await cache.get('a');
    await cache.get('b');
    await cache.get('a'); // b is now the least recently used
    await cache.get('c');
    expect(cache.stats().size).toBe(2);
    expect(openListeners()).toBe(2);
    expect(counts.closed).toBe(1);
    const loads = cache.stats().loads;
    await cache.get('a'); // still cached
    expect(cache.stats().loads).toBe(loads);
    await cache.get('b'); // evicted: loaded again, evicting c
    expect(cache.stats().loads).toBe(loads + 1);
    expect(openListeners()).toBe(2);
  });

  it('loads an entry again after ttlMs, closing the old listener; sweep() closes idle and expired entries', async () => {
    const { cache, clock, write, counts, openListeners } = setup({ ttlMs: 10_000, idleMs: 5_000 });
    await write('t', { n: 1 });
    await write('idle', { n: 2 });
    await cache.get('t');
    clock.t += 9_999;
    await cache.get('t');
    expect(cache.stats().loads).toBe(1);
    clock.t += 1;
    expect(cache.peek('t')).toBeUndefined(); // past its TTL: only a get (which reloads) answers
    await cache.get('t');
    expect(cache.stats().loads).toBe(2);
    expect(counts).toMatchObject({ opened: 2, closed: 1 });

    await cache.get('idle');
    clock.t += 5_000;
    await cache.get('t'); // used: stays
    cache.sweep();
    expect(cache.stats().size).toBe(2); // exactly idleMs: not yet idle
    clock.t += 1;
    cache.sweep();
    expect(cache.stats().size).toBe(1);
    clock.t += 10_000;
    cache.sweep(); // t is now unused for longer than idleMs (and past its TTL)
    expect(cache.stats().size).toBe(0);
    expect(openListeners()).toBe(0);
  });

  it('close() closes every listener', async () => {
    const { cache, write, openListeners } = setup();
    await Promise.all(['x', 'y', 'z'].map((id) => write(id, { n: 0 })));
    await Promise.all(['x', 'y', 'z'].map((id) => cache.get(id)));
    expect(openListeners()).toBe(3);
    await cache.close();
    expect(openListeners()).toBe(0);
    expect(cache.stats().size).toBe(0);
  });
});

describe("document cache, 'read' first load", () => {
  // What the API-key verifier wants: a listener only for documents that exist.
  const exists = (_id: string, doc: Counter | null) => doc !== null;

  it('answers from one read shared by concurrent gets; a listener opens only when keep accepts the value', async () => {
    const { cache, write, counts } = setup({ firstLoad: 'read', keep: exists });
    expect(await Promise.all([cache.get('none'), cache.get('none')])).toEqual([null, null]);
    expect(counts).toEqual({ reads: 1, opened: 0, closed: 0 });
    expect(cache.stats().size).toBe(0); // not kept: the next get reads again
    await cache.get('none');
    expect(counts.reads).toBe(2);

    await write('k', { n: 1 });
    expect(await Promise.all([cache.get('k'), cache.get('k')])).toEqual([{ n: 1 }, { n: 1 }]);
    expect(counts).toEqual({ reads: 3, opened: 1, closed: 0 });
    await write('k', { n: 2 });
    await eventually(
      () => cache.get('k'),
      (v) => v?.n === 2,
      LIVE_UPDATE_MS,
    );
    expect(counts.reads).toBe(3);
  });

  it('drops the entry when a snapshot is no longer kept (the document was deleted)', async () => {
    const { db, cache, write, openListeners } = setup({ firstLoad: 'read', keep: exists });
    await write('gone', { n: 1 });
    await cache.get('gone');
    await eventually(
      () => openListeners(),
      (n) => n === 1,
      LIVE_UPDATE_MS,
    );
    await db.collection('counters').doc('gone').delete();
    await eventually(
      () => cache.stats().size,
      (size) => size === 0,
      LIVE_UPDATE_MS,
    );
    expect(openListeners()).toBe(0);
  });

  it('close() waits for a listener still opening before closing it, and for at most openWaitMs', async () => {
    const { cache, write, hold, release, counts } = setup({ firstLoad: 'read', keep: exists, openWaitMs: 1_000 });
    await write('o', { n: 1 });
    hold(); // the listener's first snapshot is held back: it is still opening
    expect(await cache.get('o')).toEqual({ n: 1 }); // answered from the read
    let closed = false;
    const closing = cache.close().then(() => (closed = true));
    await new Promise((r) => setTimeout(r, 100));
    expect([closed, counts.closed]).toEqual([false, 0]);
    release();
    await closing;
    expect(counts.closed).toBe(1);

    const bounded = setup({ firstLoad: 'read', keep: exists, openWaitMs: 300 });
    await bounded.write('p', { n: 1 });
    bounded.hold(); // never released
    await bounded.cache.get('p');
    await eventually(
      () => bounded.counts.opened,
      (n) => n === 1,
      LIVE_UPDATE_MS,
    );
    const started = Date.now();
    await bounded.cache.close();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(bounded.counts.closed).toBe(1);
  });
});
