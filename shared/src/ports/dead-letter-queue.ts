// The dead-lettered Stripe events as the operator console sees them: how many wait, and a replay
// (republish to the events topic, then acknowledge). Implemented over Pub/Sub in
// pubsub/dead-letter-queue.ts, which the app loads only when the console's pipeline view asks.
export interface DeadLetterPeek {
  /** Messages seen, up to the cap asked for. */
  count: number;
  /** True when there may be more than `count`. */
  capped: boolean;
  /** A few of them: event id, type and why it was dead-lettered. */
  sample: { eventId: string | undefined; type: string | undefined; reason: string | undefined }[];
}

export interface DeadLetterQueue {
  /** Counts waiting messages up to `max` by pulling them and giving them back at once (nothing is consumed). */
  peek(max: number): Promise<DeadLetterPeek>;
  replay(max: number): Promise<{ replayed: number; skipped: number }>;
  close(): Promise<void>;
}
