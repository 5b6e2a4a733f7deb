// Where the event applier sends messages it can never apply (malformed, wrong schema, wrong
// livemode). The original bytes and attributes are kept, plus `reason`, so a message can be
// inspected and replayed from the `stripe-events-dead-letter-inspect` subscription. The trace
// attribute is the applier's (message-trace.ts), which is the original's trace.
import type { PubSub } from '@google-cloud/pubsub';
import type { DeadLetterPublisher } from '../ports/event-bus.js';
import { withTraceAttribute } from './message-trace.js';

export function createPubSubDeadLetterPublisher(pubsub: PubSub, topicName: string): DeadLetterPublisher {
  const topic = pubsub.topic(topicName);
  return {
    publish: (message) => topic.publishMessage({ data: message.data, attributes: withTraceAttribute(message.attributes) }),
  };
}
