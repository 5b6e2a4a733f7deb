// The EventPublisher port over @google-cloud/pubsub. publishMessage resolves only once the
// Pub/Sub server has acknowledged the batch holding the message, which is what lets the webhook
// answer Stripe 2xx only after the event is durably handed on. Each message carries the trace it
// was published in (message-trace.ts).
import type { PubSub } from '@google-cloud/pubsub';
import type { EventPublisher, PublishedMessage } from '../ports/event-bus.js';
import { withTraceAttribute } from './message-trace.js';

export interface PubSubPublisherOptions {
  pubsub: PubSub;
  topic: string;
  /**
   * Batching trades latency for throughput. The library default waits up to 10 ms for 100
   * messages; a webhook answers each request on its own publish, so small batches sent quickly
   * keep latency low while concurrent requests still share RPCs.
   */
  batching?: { maxMessages?: number; maxMilliseconds?: number; maxBytes?: number };
  /**
   * Total time, retries included, before a publish rejects. The library default is 60 s, far
   * beyond what Stripe waits for an answer; rejecting early lets the webhook answer 503 so Stripe
   * retries. Default 5000 ms.
   */
  publishTimeoutMs?: number;
  /** Close the PubSub client in close() (when the publisher owns it). Default false. */
  closeClient?: boolean;
}

export const DEFAULT_PUBLISH_BATCHING = { maxMessages: 10, maxMilliseconds: 10 } as const;

export function createPubSubPublisher(opts: PubSubPublisherOptions): EventPublisher {
  const topic = opts.pubsub.topic(opts.topic, {
    batching: { ...DEFAULT_PUBLISH_BATCHING, ...opts.batching },
    gaxOpts: { timeout: opts.publishTimeoutMs ?? 5000 },
    messageOrdering: true,
  });
  let closed = false;
  return {
    async publish(message: PublishedMessage): Promise<string> {
      if (closed) throw new Error(`publisher for topic ${opts.topic} is closed`);
      const attributes = withTraceAttribute(message.attributes);
      if (!message.orderingKey) return topic.publishMessage({ data: message.data, attributes });
      const orderingKey = message.orderingKey;
      try {
        return await topic.publishMessage({ data: message.data, attributes, orderingKey });
      } catch (err) {
        // A failed publish pauses its ordering key; the caller answers 503 and Stripe retries, so
        // let the key's next publish through instead of failing every later event of this customer.
        topic.resumePublishing(orderingKey);
        throw err;
      }
    },
    async close(): Promise<void> {
      closed = true;
      await topic.flush();
      if (opts.closeClient) await opts.pubsub.close();
    },
  };
}
