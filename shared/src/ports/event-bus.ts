// The event bus: the webhook service hands verified events on through it, and the applier sends
// what it can never apply to the dead letters (Pub/Sub topics in production).
export interface PublishedMessage {
  data: Buffer;
  attributes: Record<string, string>;
  /**
   * Messages with the same key are delivered one at a time, in publish order (the Stripe customer
   * id): events of one customer then never contend for the same documents. Correctness does not
   * rest on it (the applier's version guard does); it removes transaction contention and retries.
   */
  orderingKey?: string | undefined;
}

/**
 * Where the event applier sends a message it can never apply (Pub/Sub's dead-letter topic in
 * production), original bytes and attributes kept so that it can be inspected and replayed.
 */
export interface DeadLetterPublisher {
  /** Resolves with the message id once the broker acknowledged the publish; rejects otherwise. */
  publish(message: PublishedMessage): Promise<string>;
}

export interface EventPublisher {
  /** Resolves with the message id only once the broker has acknowledged the publish. */
  publish(message: PublishedMessage): Promise<string>;
  /** Sends what is buffered and releases connections (SIGTERM). */
  close(): Promise<void>;
}
