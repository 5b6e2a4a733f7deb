// The webhook service hands verified events on through this port (Pub/Sub in production).
export interface PublishedMessage {
  data: Buffer;
  attributes: Record<string, string>;
}

export interface EventPublisher {
  /** Resolves with the message id only once the broker has acknowledged the publish. */
  publish(message: PublishedMessage): Promise<string>;
  /** Sends what is buffered and releases connections (SIGTERM). */
  close(): Promise<void>;
}
