// One lane per Stripe customer within a process: events of the same customer that arrive at the
// same time on one instance are applied one after another, and different customers in parallel.
//
// Why: an event's transaction reads and writes the customer's documents (its user summary, its
// index, the ledger entry of a duplicate delivered twice at once). Two such transactions running
// together conflict; Firestore then makes one wait or abort and retry (the emulator stalls them for
// seconds). Queuing them here costs nothing, and correctness never depends on it: across
// instances the transactions, the ledger and the version guard still decide (versioned-write.ts).
export interface CustomerLanes {
  /** Runs `task` after every task queued before it under the same key has settled. */
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
  /** Keys with a task queued or running (for tests). */
  readonly busyKeys: number;
}

export function createCustomerLanes(): CustomerLanes {
  const tails = new Map<string, Promise<unknown>>();
  return {
    run<T>(key: string, task: () => Promise<T>): Promise<T> {
      const previous = tails.get(key) ?? Promise.resolve();
      const result = previous.then(task, task);
      const tail = result.catch(() => undefined);
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
    get busyKeys() {
      return tails.size;
    },
  };
}
