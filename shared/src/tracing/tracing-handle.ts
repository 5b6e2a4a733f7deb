// What a composition root holds of tracing once started (start-tracing.ts), on or off.
export interface Tracing {
  /** Sends the spans ended so far (a function calls it before its instance may be throttled); never rejects. */
  flush(): Promise<void>;
  /** Flushes and stops; part of the drain on SIGTERM. */
  shutdown(): Promise<void>;
}

export const tracingOff: Tracing = { flush: () => Promise.resolve(), shutdown: () => Promise.resolve() };
