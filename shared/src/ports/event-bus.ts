// The webhook service hands verified events on through this port (Pub/Sub in production).
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

export interface EventPublisher {
  /** Resolves with the message id only once the broker has acknowledged the publish. */
  publish(message: PublishedMessage): Promise<string>;
  /** Sends what is buffered and releases connections (SIGTERM). */
  close(): Promise<void>;
}
