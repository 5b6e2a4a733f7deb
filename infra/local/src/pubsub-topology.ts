// The Pub/Sub topology the product runs on, created against the emulator for the local stack and
// the end-to-end tests (production creates the same through Terraform: infra/terraform/pubsub.tf).
import type { PubSub, Subscription, Topic } from '@billing/shared/pubsub/pubsub-client.js';

export const TOPOLOGY = {
  topic: 'stripe-events',
  deadLetterTopic: 'stripe-events-dead-letter',
  applierSubscription: 'stripe-events-applier',
  deadLetterInspectSubscription: 'stripe-events-dead-letter-inspect',
  /** Notifications for hosts (shared/src/notifications/messages.ts), and a pull subscription a local host (or a test) reads. */
  notificationsTopic: 'billing-notifications',
  notificationsSubscription: 'billing-notifications-local',
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
  notifications: Subscription;
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
    // No message ordering here, unlike production's subscription (infra/terraform/pubsub.tf), because
    // the emulator cannot dead-letter on an ordered subscription. Measured on the emulator 0.8.20
    // (push, maxDeliveryAttempts 5, backoff 1-2 s): with ordering enabled, a message that fails
    // every attempt is pushed 5 times, is then neither forwarded to the dead-letter topic nor pushed
    // again, and nothing published afterwards is pushed at all (a healthy message: nothing in 60 s),
    // whether the messages carry no ordering key, the same key or different keys; acknowledged
    // messages published behind the failing one were pushed again with it. Without ordering, the
    // failing message reaches the dead-letter topic after its 5th attempt (with the
    // CloudPubSubDeadLetterSource* attributes) and a healthy message is pushed ~130 ms after it is
    // published. In production, messages without an ordering key (the webhook's default,
    // PUBSUB_ORDER_BY_CUSTOMER=false) are delivered unordered on an ordering-enabled subscription,
    // which is what this subscription does; correctness never rests on ordering (the applier's
    // ledger and version guard decide, and customer-lanes.ts queues a customer's events per instance).
    deadLetterPolicy: {
      deadLetterTopic: deadLetterTopic.name,
      maxDeliveryAttempts: opts.maxDeliveryAttempts ?? 5,
    },
    retryPolicy: {
      minimumBackoff: { seconds: opts.minimumBackoffSeconds ?? 1 },
      maximumBackoff: { seconds: opts.maximumBackoffSeconds ?? 10 },
    },
  });
  const notificationsTopic = await ensureTopic(pubsub, TOPOLOGY.notificationsTopic);
  const notifications = notificationsTopic.subscription(TOPOLOGY.notificationsSubscription);
  const [notificationsExist] = await notifications.exists();
  if (!notificationsExist) await notifications.create();
  return { topic, deadLetterTopic, applierSubscription, deadLetterInspect, notifications };
}
