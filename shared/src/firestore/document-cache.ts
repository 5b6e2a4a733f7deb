// A per-instance cache of single documents, each kept current by its own snapshot listener, so the
// steady state costs no Firestore read per request. What the account-state cache (accounts/{accountId}) and the
// API-key verifier (api_keys/{hash}) are built on.
//
// Staleness bound (stated): a cached value follows its document with the listener's latency (well
// under a second against the emulator, a second or two in production). A listener that fails is
// dropped at once and the next get loads again. Against a silently stalled stream, an entry older
// than `ttlMs` is dropped on its next use and loaded again (one read per document per TTL in use).
//
// Bounds: at most `maxEntries` documents (hence listeners), least recently used evicted first
// with their listener; an entry still loading has a caller waiting on it and is not evicted, so
// the bound may be exceeded briefly by loads in flight. `sweep()` also closes the listeners of
// entries unused for `idleMs` or older than `ttlMs`, for an owner that wants them closed without
// waiting for the next get.
//
// First load, two modes (FirstLoad):
//   - 'snapshot': get opens the listener and waits for its first snapshot;
//   - 'read': get does one read and answers from it; a listener opens only if `keep` accepts the
//     value, so a document that does not exist (an unknown API key) costs one read and no listener.
// Concurrent gets of one document share its load. A first load that takes longer than
// `loadTimeoutMs` fails with TransientError (503) and is dropped.
//
// `keep(id, value)` sees every value a current entry learns (read or snapshot); false drops the
// entry and closes its listener, after answering the callers waiting for that value.
import { z } from 'zod';
import { TransientError } from '../errors/app-error.js';
import type { Logger } from '../logging/logger.js';
import { systemClock, type Clock } from '../ports/clock.js';
import { MalformedDocumentError, type DocumentSource } from './document-source.js';

export const FirstLoad = z.enum(['snapshot', 'read']);
export type FirstLoad = z.infer<typeof FirstLoad>;

export interface DocumentCacheOptions<T> {
  source: DocumentSource<T>;
  firstLoad: FirstLoad;
  logger: Logger;
  /** Names the cache in log events (`<name>.listener_failed`) and error messages. */
  name: string;
  /** The log field that carries a document id; unset: ids never appear in logs or errors (API-key hashes). */
  idLogField?: string;
  /** Bound on cached documents, hence on open listeners. */
  maxEntries: number;
  /** An entry this old is loaded again on its next use (fallback against a stalled listener). */
  ttlMs?: number;
  /** sweep() closes entries unused this long. */
  idleMs?: number;
  /** How long a first load may take before it fails with TransientError (default 10 s). */
  loadTimeoutMs?: number;
  /** How long close() waits for listeners still opening (default 2 s; see close()). */
  openWaitMs?: number;
  keep?: (id: string, value: T | null) => boolean;
  clock?: Clock;
}

export interface DocumentCache<T> {
  /** The document, or null when it does not exist. Rejects with TransientError when Firestore does not answer, MalformedDocumentError when it does not parse. */
  get(id: string): Promise<T | null>;
  /** The value when it is cached, loaded and within its TTL (a use, as a get), else undefined: the steady state without a promise. */
  peek(id: string): T | null | undefined;
  /** Drops the document (closing its listener): the next get loads it again. */
  delete(id: string): void;
  /** Closes the listeners of entries idle for `idleMs` or older than `ttlMs`. */
  sweep(): void;
  /** Closes every listener; waits (≤ openWaitMs) for those still opening. Never rejects. */
  close(): Promise<void>;
  stats(): { size: number; hits: number; loads: number };
}

interface Entry<T> {
  value: T | null;
  /** A first load that failed (the entry is dropped already); its waiting callers reject with it. */
  error: Error | null;
  loaded: boolean;
  /** Settles with the first value or the failure of the first load. */
  readonly ready: Promise<void>;
  settleReady: () => void;
  /** False while a listener is opening: until its first snapshot or its failure. */
  open: boolean;
  /** Settles when `open` becomes true. */
  opened: Promise<void>;
  unsubscribe: () => void;
  loadTimer: NodeJS.Timeout | undefined;
  /** When the load started: the TTL counts from here. */
  readonly since: number;
  lastAccess: number;
}

const noop = (): void => undefined;

export function createDocumentCache<T>(opts: DocumentCacheOptions<T>): DocumentCache<T> {
  const { source, logger, name } = opts;
  const clock = opts.clock ?? systemClock;
  const loadTimeoutMs = opts.loadTimeoutMs ?? 10_000;
  const openWaitMs = opts.openWaitMs ?? 2_000;
  const keep = opts.keep ?? (() => true);
  const idFields = (id: string): Record<string, string> => (opts.idLogField ? { [opts.idLogField]: id } : {});
  const describe = (id: string): string => (opts.idLogField ? `${name} ${id}` : name);
  // A Map iterates in insertion order: re-inserting on use makes the first key the least recently used.
  const entries = new Map<string, Entry<T>>();
  let hits = 0;
  let loads = 0;

  function drop(id: string, entry: Entry<T>): void {
    entry.unsubscribe();
    if (entries.get(id) === entry) entries.delete(id);
  }

  /** A value from the read or a snapshot: answers the waiting callers, then asks `keep`. */
  function deliver(id: string, entry: Entry<T>, value: T | null): void {
    entry.value = value;
    if (!entry.loaded) {
      entry.loaded = true;
      clearTimeout(entry.loadTimer);
      entry.settleReady();
    }
    if (entries.get(id) === entry && !keep(id, value)) drop(id, entry);
  }

  function fail(id: string, entry: Entry<T>, error: Error): void {
    if (!entry.loaded && !entry.error) {
      entry.error = error;
      clearTimeout(entry.loadTimer);
      entry.settleReady();
    }
    drop(id, entry);
  }

  function listen(id: string, entry: Entry<T>): void {
    let settleOpened = noop;
    const opened = (): void => {
      entry.open = true;
      settleOpened();
    };
    entry.open = false;
    entry.opened = new Promise<void>((resolve) => (settleOpened = resolve));
    const unsubscribe = source.watch(
      id,
      (value) => {
        opened();
        deliver(id, entry, value);
      },
      (err) => {
        opened();
        if (!(err instanceof MalformedDocumentError)) {
          logger.warn(
            { event: `${name}.listener_failed`, ...idFields(id), err },
            'document listener failed; entry dropped, the next get loads again',
          );
        }
        fail(
          id,
          entry,
          err instanceof MalformedDocumentError ? err : new TransientError(`${describe(id)} listener failed`, { cause: err }),
        );
      },
    );
    entry.unsubscribe = unsubscribe;
    if (entries.get(id) !== entry) unsubscribe(); // dropped before the source returned
  }

  function load(id: string, now: number): Entry<T> {
    loads += 1;
    let settleReady = noop;
    const ready = new Promise<void>((resolve) => (settleReady = resolve));
    const entry: Entry<T> = {
      value: null,
      error: null,
      loaded: false,
      ready,
      settleReady,
      open: true,
      opened: Promise.resolve(),
      unsubscribe: noop,
      loadTimer: undefined,
      since: now,
      lastAccess: now,
    };
    entry.loadTimer = setTimeout(
      () => fail(id, entry, new TransientError(`${describe(id)} did not load within ${loadTimeoutMs} ms`)),
      loadTimeoutMs,
    );
    entries.set(id, entry);
    if (opts.firstLoad === 'snapshot') {
      listen(id, entry);
    } else {
      source.read(id).then(
        (value) => {
          if (entry.loaded || entry.error) return; // timed out meanwhile
          const current = entries.get(id) === entry; // else dropped while reading: answer, do not listen
          deliver(id, entry, value);
          if (current && entries.get(id) === entry) listen(id, entry);
        },
        (err: unknown) => fail(id, entry, err instanceof Error ? err : new Error(String(err))),
      );
    }
    for (const [candidate, other] of entries) {
      if (entries.size <= opts.maxEntries) break;
      if (other.loaded) drop(candidate, other);
    }
    return entry;
  }

  const expired = (entry: Entry<T>, now: number): boolean => opts.ttlMs !== undefined && now - entry.since >= opts.ttlMs;

  function use(id: string, entry: Entry<T>, now: number): void {
    hits += 1;
    entries.delete(id);
    entries.set(id, entry);
    entry.lastAccess = now;
  }

  return {
    async get(id) {
      const now = clock.now();
      let entry = entries.get(id);
      if (entry && expired(entry, now)) {
        drop(id, entry);
        entry = undefined;
      }
      if (entry) {
        use(id, entry, now);
      } else {
        entry = load(id, now);
      }
      if (!entry.loaded && !entry.error) await entry.ready;
      if (entry.error) throw entry.error;
      return entry.value;
    },
    peek(id) {
      const entry = entries.get(id);
      if (!entry?.loaded) return undefined;
      const now = clock.now();
      if (expired(entry, now)) return undefined; // get drops and reloads it
      use(id, entry, now);
      return entry.value;
    },
    delete(id) {
      const entry = entries.get(id);
      if (entry) drop(id, entry);
    },
    sweep() {
      const now = clock.now();
      for (const [id, entry] of entries) {
        const idle = opts.idleMs !== undefined && now - entry.lastAccess > opts.idleMs;
        if (entry.loaded && (idle || expired(entry, now))) drop(id, entry);
      }
    },
    async close() {
      const closing = [...entries.values()];
      entries.clear();
      for (const entry of closing) if (entry.open) entry.unsubscribe();
      const opening = closing.filter((entry) => !entry.open);
      if (opening.length === 0) return;
      // A listener opened a moment ago ('read' mode answers from the read, not the first snapshot)
      // may still be starting its stream; the Firestore client rejects that start, unhandled, if it
      // is terminated meanwhile (server.ts terminates it right after close()). Let them open first.
      let waited: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(opening.map((e) => e.opened)), new Promise((resolve) => (waited = setTimeout(resolve, openWaitMs)))]);
      clearTimeout(waited);
      for (const entry of opening) entry.unsubscribe();
    },
    stats: () => ({ size: entries.size, hits, loads }),
  };
}
