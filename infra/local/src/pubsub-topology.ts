// The Pub/Sub topology the product runs on, created against the emulator for the local stack and
// the end-to-end tests (production creates the same through Terraform: infra/terraform/pubsub.tf).
import type { PubSub, Subscription, Topic } from '@billing/shared/pubsub/pubsub-client.js';

export const TOPOLOGY = {
  topic: 'stripe-events',
  deadLetterTopic: 'stripe-events-dead-letter',
  applierSubscription: 'stripe-events-applier',
  deadLetterInspectSubscription: 'stripe-events-dead-letter-inspect',
} as const;

export interface TopologyOptions {
  /** Where the applier function listens; the push subscription delivers there. */
  pushEndpoint: string;
  maxDeliveryAttempts?: number;
  minimumBackoffSeconds?: number;
  maximumBackoffSeconds?: number;
}

export interface Topology {
  topic: Topic;
  deadLetterTopic: Topic;
  applierSubscription: Subscription;
  deadLetterInspect: Subscription;
}

async function ensureTopic(pubsub: PubSub, name: string): Promise<Topic> {
  const topic = pubsub.topic(name);
  const [exists] = await topic.exists();
  if (!exists) await topic.create();
  return topic;
}

export async function createTopology(pubsub: PubSub, opts: TopologyOptions): Promise<Topology> {
  const topic = await ensureTopic(pubsub, TOPOLOGY.topic);
  const deadLetterTopic = await ensureTopic(pubsub, TOPOLOGY.deadLetterTopic);

  const deadLetterInspect = deadLetterTopic.subscription(TOPOLOGY.deadLetterInspectSubscription);
  if (!(await deadLetterInspect.exists())[0]) await deadLetterInspect.create();

  const applierSubscription = topic.subscription(TOPOLOGY.applierSubscription);
  if ((await applierSubscription.exists())[0]) await applierSubscription.delete();
  await applierSubscription.create({
    pushConfig: { pushEndpoint: opts.pushEndpoint },
    ackDeadlineSeconds: 60,
    // One customer's events one at a time (the webhook publishes with orderingKey = customer id).
    enableMessageOrdering: true,
    deadLetterPolicy: {
      deadLetterTopic: deadLetterTopic.name,
      maxDeliveryAttempts: opts.maxDeliveryAttempts ?? 5,
    },
    retryPolicy: {
      minimumBackoff: { seconds: opts.minimumBackoffSeconds ?? 1 },
      maximumBackoff: { seconds: opts.maximumBackoffSeconds ?? 10 },
    },
  });
  return { topic, deadLetterTopic, applierSubscription, deadLetterInspect };
}
