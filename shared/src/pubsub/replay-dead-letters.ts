// Replays messages parked in the dead-letter topic (the ops CLI's replay-dead-letters and the
// operator console's replay, pubsub/dead-letter-queue.ts): pulls them from the inspect subscription,
// republishes each (same data bytes, original attributes) to the events topic, and acknowledges it
// only after the republish was acknowledged. Nothing is lost if this stops half way (unacked
// messages are redelivered to the next run), and nothing is applied twice (the applier's ledger
// dedupes on the event id). Fix the cause first: a message that is still poison comes straight back.
import type { Logger } from '../logging/logger.js';
import { createSubscriberClient, type PubSub } from './pubsub-client.js';

/** Attributes the dead-letter path adds; the republished message carries the original ones only. */
const DEAD_LETTER_ATTRIBUTES = [
  'reason',
  'deadLetteredAt',
  'CloudPubSubDeadLetterSourceDeliveryCount',
  'CloudPubSubDeadLetterSourceSubscription',
  'CloudPubSubDeadLetterSourceSubscriptionProject',
  'CloudPubSubDeadLetterSourceTopicPublishTime',
];

export interface ReplayDeadLettersOptions {
  pubsub: PubSub;
  deadLetterSubscription: string;
  topic: string;
  logger: Logger;
  /** Stop after this many messages. */
  max: number;
  /** List what would be replayed; acknowledge nothing, publish nothing. */
  dryRun: boolean;
  /** Replay only messages whose `type` attribute is in this list (all when empty). */
  types?: readonly string[];
}

export interface ReplayResult {
  replayed: number;
  skipped: number;
  listed: Array<{ eventId: string | undefined; type: string | undefined; reason: string | undefined }>;
}

export async function replayDeadLetters(opts: ReplayDeadLettersOptions): Promise<ReplayResult> {
  const subscription = opts.pubsub.subscription(opts.deadLetterSubscription).name;
  const topic = opts.pubsub.topic(opts.topic);
  const client = createSubscriberClient(opts.pubsub);
  const result: ReplayResult = { replayed: 0, skipped: 0, listed: [] };
  try {
    while (result.replayed + result.skipped < opts.max) {
      const [response] = await client.pull({
        subscription,
        maxMessages: Math.min(100, opts.max - result.replayed - result.skipped),
        returnImmediately: true,
      });
      const received = response.receivedMessages ?? [];
      if (received.length === 0) break;
      for (const { ackId, message } of received) {
        if (!ackId || !message) continue;
        const attributes = Object.fromEntries(
          Object.entries(message.attributes ?? {}).filter(([k]) => !DEAD_LETTER_ATTRIBUTES.includes(k)),
        );
        const entry = { eventId: attributes['eventId'], type: attributes['type'], reason: message.attributes?.['reason'] ?? undefined };
        result.listed.push(entry);
        const wanted = !opts.types?.length || (entry.type !== undefined && opts.types.includes(entry.type));
        if (opts.dryRun || !wanted) {
          // Give it back at once so it stays parked for a later run.
          await client.modifyAckDeadline({ subscription, ackIds: [ackId], ackDeadlineSeconds: 0 });
          result.skipped++;
          continue;
        }
        await topic.publishMessage({ data: Buffer.from(message.data ?? new Uint8Array()), attributes });
        await client.acknowledge({ subscription, ackIds: [ackId] });
        result.replayed++;
        opts.logger.info(
          { event: 'ops.dead_letter_replayed', eventId: entry.eventId, type: entry.type, reason: entry.reason },
          'dead-lettered message republished',
        );
      }
      if (opts.dryRun) break; // a dry run lists one batch: nacked messages would come straight back
    }
  } finally {
    await client.close();
  }
  return result;
}
