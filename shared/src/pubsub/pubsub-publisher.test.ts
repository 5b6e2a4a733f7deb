import { describe, expect, it } from 'vitest';
import { testPubSub, testProjectId } from '../testing/emulator.js';
import { pullAtLeast } from '../testing/pull-messages.js';
import { createPubSubPublisher } from './pubsub-publisher.js';

describe('createPubSubPublisher (Pub/Sub emulator)', () => {
  it('resolves with the server message id and delivers data and attributes unchanged', async () => {
    const pubsub = testPubSub(testProjectId('publisher'));
    const [topic] = await pubsub.createTopic('stripe-events');
    const [subscription] = await topic.createSubscription('inspect');
    const publisher = createPubSubPublisher({ pubsub, topic: 'stripe-events', closeClient: true });

    const data = Buffer.from('{"id":"evt_1",  "raw": "bytes kept"}\n');
    const ids = await Promise.all([
      publisher.publish({ data, attributes: { eventId: 'evt_1', type: 'invoice.paid' } }),
      publisher.publish({ data: Buffer.from('{"id":"evt_2"}'), attributes: { eventId: 'evt_2' } }),
    ]);
    expect(ids[0]).toMatch(/^\d+$/);
    expect(ids[0]).not.toBe(ids[1]);

    const messages = await pullAtLeast(pubsub, subscription, 2);
    expect(messages).toHaveLength(2);
    const first = messages.find((m) => m.attributes['eventId'] === 'evt_1');
    expect(first?.messageId).toBe(ids[0]);
    expect(first?.data.equals(data)).toBe(true);
    expect(first?.attributes).toEqual({ eventId: 'evt_1', type: 'invoice.paid' });

    await publisher.close();
    await expect(publisher.publish({ data, attributes: {} })).rejects.toThrow(/closed/);
  });

  it('rejects when the topic does not exist', async () => {
    const pubsub = testPubSub(testProjectId('publisher'));
    const publisher = createPubSubPublisher({ pubsub, topic: 'missing', closeClient: true });
    await expect(publisher.publish({ data: Buffer.from('{}'), attributes: {} })).rejects.toThrow();
    await publisher.close();
  });
});
