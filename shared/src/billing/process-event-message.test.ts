import { afterEach, describe, expect, it } from 'vitest';
import type { Firestore } from '@google-cloud/firestore';
import { TransientError } from '../errors/app-error.js';
import { createLogger } from '../logging/logger.js';
import type { DeadLetterPublisher, PublishedMessage } from '../ports/event-bus.js';
import { testFirestore } from '../testing/emulator.js';
import { fixtureEvent, randomStripeId } from '../testing/signed-event.js';
import { createStore } from '../firestore/store.js';
import { applyLag, processEventMessage, type MessageDeps } from './process-event-message.js';
import { createFakeStripeReader } from './testing/fake-stripe-reader.js';
import { Writable } from 'node:stream';
import { createCustomerLanes } from './customer-lanes.js';

const open: Firestore[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((db) => db.terminate()));
});

function setup(deadLetter: DeadLetterPublisher) {
  const db = testFirestore();
  open.push(db);
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const deps: MessageDeps = {
    store: createStore(db),
    reader: createFakeStripeReader(),
    clock: { now: () => Date.now() },
    logger: createLogger({ service: 'test', destination }),
    maxEventAgeSeconds: 30 * 86_400,
    deadLetter,
    livemode: false,
    lanes: createCustomerLanes(),
  };
  return { deps, lines };
}

const recordingPublisher = () => {
  const sent: PublishedMessage[] = [];
  return { sent, publish: (m: PublishedMessage) => (sent.push(m), Promise.resolve(`m${sent.length}`)) };
};

function message(event: object, attributes: Record<string, string> = {}): PublishedMessage {
  return { data: Buffer.from(JSON.stringify(event)), attributes };
}

describe('processEventMessage retry policy', () => {
  it('dead-letters an event of the other livemode with an ERROR log naming it', async () => {
    const dlq = recordingPublisher();
    const { deps, lines } = setup(dlq);
    const e = fixtureEvent('customer.created');
    e.id = randomStripeId('evt');
    e.livemode = true;
    const result = await processEventMessage(deps, message(e, { eventId: e.id, type: e.type }));
    expect(result).toMatchObject({ kind: 'dead_lettered', eventId: e.id });
    expect(dlq.sent[0]?.attributes).toMatchObject({ eventId: e.id, type: e.type });
    expect(dlq.sent[0]?.attributes['reason']).toMatch(/livemode/);
    expect(lines.find((l) => l['event'] === 'stripe_event.dead_lettered')).toMatchObject({ severity: 'ERROR', eventId: e.id });
  });

  it('logs an applied event with the customer id read from the event, even when the message has no attributes', async () => {
    const { deps, lines } = setup(recordingPublisher());
    const e = fixtureEvent('customer.updated');
    e.id = randomStripeId('evt');
    e.created = Math.floor(Date.now() / 1000);
    const result = await processEventMessage(deps, message(e));
    expect(result).toMatchObject({ kind: 'processed', eventId: e.id });
    const logged = lines.find((l) => l['eventId'] === e.id && l['event'] !== 'stripe_event.retry');
    expect(logged).toMatchObject({ customerId: (e.data.object as { id: string }).id, type: 'customer.updated' });
  });

  it('dead-letters a schema-invalid object of a handled type', async () => {
    const dlq = recordingPublisher();
    const { deps } = setup(dlq);
    const e = {
      id: randomStripeId('evt'),
      type: 'customer.subscription.updated',
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      data: { object: { id: 'sub_x' } },
    };
    const result = await processEventMessage(deps, message(e));
    expect(result.kind === 'dead_lettered' && result.reason).toMatch(/unreadable subscription/);
  });

  it('dead-letters at once, before any write, a customer event whose id is a path (../../x) that reached it without the webhook', async () => {
    const dlq = recordingPublisher();
    const { deps } = setup(dlq);
    const e = fixtureEvent('customer.updated');
    e.id = randomStripeId('evt');
    e.created = Math.floor(Date.now() / 1000);
    (e.data.object as { id: string }).id = '../../x';
    // Replayed or hand-published: the message carries whatever attributes its sender chose.
    const result = await processEventMessage(deps, message(e, { eventId: e.id, type: e.type, customerId: '../../x' }));
    expect(result).toMatchObject({ kind: 'dead_lettered', eventId: e.id });
    expect(result.kind === 'dead_lettered' && result.reason).toMatch(/data\.object\.id is not a Stripe cus id/);
    expect(dlq.sent).toHaveLength(1);
    expect((await deps.store.ledger.doc(e.id).get()).exists).toBe(false);
  });

  it('dead-letters at once an event that Firestore refuses as INVALID_ARGUMENT (a retry would repeat the same write)', async () => {
    const dlq = recordingPublisher();
    const { deps, lines } = setup(dlq);
    // A well-formed event whose ledger entry cannot be stored: its type alone is over Firestore's 1 MiB document limit.
    const e = {
      id: randomStripeId('evt'),
      type: `x.${'y'.repeat(1_100_000)}`,
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      data: { object: { id: randomStripeId('cus'), object: 'customer' } },
    };
    const result = await processEventMessage(deps, message(e));
    expect(result.kind === 'dead_lettered' && result.reason).toMatch(/^Firestore refused the write: 3 INVALID_ARGUMENT/);
    expect(dlq.sent).toHaveLength(1);
    expect(lines.filter((l) => l['event'] === 'stripe_event.retry')).toEqual([]);
    expect(lines.find((l) => l['event'] === 'stripe_event.dead_lettered')).toMatchObject({ severity: 'ERROR', eventId: e.id });
  });

  it('throws (so Pub/Sub redelivers) when the dead-letter publish fails', async () => {
    const { deps } = setup({ publish: () => Promise.reject(new Error('pubsub down')) });
    await expect(processEventMessage(deps, { data: Buffer.from('{'), attributes: {} })).rejects.toThrow('pubsub down');
  });

  it('throws on a transient failure instead of acknowledging', async () => {
    const dlq = recordingPublisher();
    const { deps } = setup(dlq);
    deps.reader.retrieveCustomer = () => Promise.reject(new TransientError('stripe 503'));
    const e = fixtureEvent('invoice.paid'); // no mapping yet: the customer must be fetched
    e.id = randomStripeId('evt');
    e.created = Math.floor(Date.now() / 1000);
    await expect(processEventMessage(deps, message(e))).rejects.toThrow('stripe 503');
    expect(dlq.sent).toHaveLength(0);
  });
});

describe('the apply lag on the applied line (the end-to-end SLO measure)', () => {
  it("logs the ms from Stripe's created and from Pub/Sub's publish time to applied, and no lag on a duplicate delivery", async () => {
    const { deps, lines } = setup(recordingPublisher());
    const appliedAt = Date.now();
    deps.clock = { now: () => appliedAt };
    const e = fixtureEvent('customer.subscription.created');
    e.id = randomStripeId('evt');
    e.created = Math.floor(appliedAt / 1000) - 3;
    const delivery = { ...message(e), publishTime: new Date(appliedAt - 1_250).toISOString() };
    await processEventMessage(deps, delivery);
    await processEventMessage(deps, delivery);
    const applied = lines.filter((l) => l['event'] === 'stripe_event.applied' && l['eventId'] === e.id);
    expect(applied.map((l) => l['outcome'])).toEqual(['applied', 'duplicate']);
    expect(applied[0]).toMatchObject({ applyLagMs: appliedAt - e.created * 1000, publishLagMs: 1_250 });
    expect(applied[1]).not.toHaveProperty('applyLagMs');
    expect(applied[1]).not.toHaveProperty('publishLagMs');
  });

  it('leaves out the publish lag without a readable publish time, and never reports a negative lag', () => {
    expect(applyLag(1_700_000_000, undefined, 1_700_000_002_500)).toEqual({ applyLagMs: 2_500 });
    expect(applyLag(1_700_000_000, 'not a time', 1_700_000_002_500)).toEqual({ applyLagMs: 2_500 });
    // This clock behind Stripe's and Pub/Sub's: 0, not a negative value.
    expect(applyLag(1_700_000_010, '2023-11-14T22:13:31.000Z', 1_700_000_002_500)).toEqual({ applyLagMs: 0, publishLagMs: 0 });
  });
});
