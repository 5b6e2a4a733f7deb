// Synchronous pull for tests: reads back what a test published, and proves a subscription is
// empty (returnImmediately), which streaming pull cannot. Acknowledges what it returns.
import type { PubSub, Subscription } from '@google-cloud/pubsub';
import { createSubscriberClient } from '../pubsub/pubsub-client.js';

export interface PulledMessage {
  messageId: string;
  data: Buffer;
  attributes: Record<string, string>;
  orderingKey: string;
}

export async function pullMessages(
  pubsub: PubSub,
  subscription: Subscription | string,
  opts: { maxMessages?: number; returnImmediately?: boolean } = {},
): Promise<PulledMessage[]> {
  const name = typeof subscription === 'string' ? pubsub.subscription(subscription).name : subscription.name;
  const client = createSubscriberClient(pubsub);
  try {
    const [response] = await client.pull({
      subscription: name,
      maxMessages: opts.maxMessages ?? 100,
      returnImmediately: opts.returnImmediately ?? true,
    });
    const received = response.receivedMessages ?? [];
    const ackIds = received.flatMap((m) => (m.ackId ? [m.ackId] : []));
    if (ackIds.length > 0) await client.acknowledge({ subscription: name, ackIds });
    return received.map((m) => ({
      messageId: m.message?.messageId ?? '',
      data: Buffer.from(m.message?.data ?? new Uint8Array()),
      attributes: { ...(m.message?.attributes ?? {}) },
      orderingKey: m.message?.orderingKey ?? '',
    }));
  } finally {
    await client.close();
  }
}

/** Pulls until `count` messages arrived or `timeoutMs` passed (the emulator may split a backlog). */
export async function pullAtLeast(
  pubsub: PubSub,
  subscription: Subscription | string,
  count: number,
  timeoutMs = 5000,
): Promise<PulledMessage[]> {
  const all: PulledMessage[] = [];
  const deadline = Date.now() + timeoutMs;
  while (all.length < count && Date.now() < deadline) {
    all.push(...(await pullMessages(pubsub, subscription)));
    if (all.length < count) await new Promise((r) => setTimeout(r, 50));
  }
  return all;
}
