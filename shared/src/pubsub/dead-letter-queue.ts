// The DeadLetterQueue over Pub/Sub: the dead-letter inspect subscription and the events topic.
// The app imports this module dynamically, on the console's pipeline route only, so its start-up
// never loads the Pub/Sub client (compose-app.ts).
import type { Logger } from '../logging/logger.js';
import type { DeadLetterPeek, DeadLetterQueue } from '../ports/dead-letter-queue.js';
import { createPubSubClient } from './pubsub-client.js';
import { replayDeadLetters } from './replay-dead-letters.js';

export interface DeadLetterQueueOptions {
  projectId: string;
  /** The inspect subscription on the dead-letter topic. */
  subscription: string;
  /** Where replayed events go: the Stripe events topic. */
  topic: string;
  logger: Logger;
}

export function createDeadLetterQueue(opts: DeadLetterQueueOptions): DeadLetterQueue {
  const pubsub = createPubSubClient({ projectId: opts.projectId });
  const common = { pubsub, deadLetterSubscription: opts.subscription, topic: opts.topic, logger: opts.logger };
  return {
    async peek(max): Promise<DeadLetterPeek> {
      // A dry run pulls one batch and gives every message back at once: a count up to the batch, nothing consumed.
      const result = await replayDeadLetters({ ...common, max, dryRun: true });
      return { count: result.listed.length, capped: result.listed.length >= max, sample: result.listed.slice(0, 10) };
    },
    async replay(max) {
      const result = await replayDeadLetters({ ...common, max, dryRun: false });
      return { replayed: result.replayed, skipped: result.skipped };
    },
    close: () => pubsub.close(),
  };
}
