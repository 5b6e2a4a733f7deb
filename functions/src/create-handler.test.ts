// The function behind a real push subscription on the Pub/Sub emulator (retry policy and
// dead-letter policy as in production), applying to the real Firestore emulator.
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import * as functions from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import type { Firestore } from '@google-cloud/firestore';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '@billing/shared/firestore/store.js';
import { createFakeStripeReader } from '@billing/shared/billing/testing/fake-stripe-reader.js';
import type { MessageResult } from '@billing/shared/billing/process-event-message.js';
import { createLogger } from '@billing/shared/logging/logger.js';
import { createPubSubDeadLetterPublisher } from '@billing/shared/pubsub/dead-letter-publisher.js';
import { testFirestore, testProjectId, testPubSub } from '@billing/shared/testing/emulator.js';
import { fixtureEvent, randomStripeId } from '@billing/shared/testing/signed-event.js';
import { pullAtLeast } from '@billing/shared/testing/pull-messages.js';
import { freePort } from '../../infra/local/src/emulators.js';
import { TOPOLOGY } from '../../infra/local/src/pubsub-topology.js';
import { createStripeEventHandler } from './create-handler.js';
import { createCustomerLanes } from '@billing/shared/billing/customer-lanes.js';

const projectId = testProjectId('applier');
const pubsub = testPubSub(projectId);
let db: Firestore;
let server: Server;
let topology: Awaited<ReturnType<typeof createTopology>>;
let injectedFailures = 0;
const results: MessageResult[] = [];
/** The applier's log lines, parsed. */
const lines: Record<string, unknown>[] = [];
const logDestination = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  },
});

/** Firestore whose first transaction fails as an outage would (gRPC UNAVAILABLE). */
function failingOnce(real: Firestore): Firestore {
  return new Proxy(real, {
    get(target, prop) {
      if (prop === 'runTransaction' && injectedFailures === 0) {
        return () => {
          injectedFailures++;
          return Promise.reject(Object.assign(new Error('14 UNAVAILABLE: injected outage'), { code: 14 }));
        };
      }
      const value: unknown = Reflect.get(target, prop);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 25_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await probe();
    if (v !== undefined) return v;
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The production topology (infra/terraform/pubsub.tf): push subscription with retry and dead-letter policies. */
async function createTopology(pushEndpoint: string) {
  const [topic] = await pubsub.createTopic(TOPOLOGY.topic);
  const [deadLetterTopic] = await pubsub.createTopic(TOPOLOGY.deadLetterTopic);
  const [deadLetterInspect] = await deadLetterTopic.createSubscription(TOPOLOGY.deadLetterInspectSubscription);
  const [applierSubscription] = await topic.createSubscription(TOPOLOGY.applierSubscription, {
    pushConfig: { pushEndpoint },
    ackDeadlineSeconds: 60,
    deadLetterPolicy: { deadLetterTopic: deadLetterTopic.name, maxDeliveryAttempts: 5 },
    retryPolicy: { minimumBackoff: { seconds: 1 }, maximumBackoff: { seconds: 2 } },
  });
  return { topic, deadLetterInspect, applierSubscription };
}

beforeAll(async () => {
  db = testFirestore(projectId);
  const name = `applyStripeEvent_${projectId.replace(/-/g, '_')}`;
  const reader = createFakeStripeReader();
  functions.cloudEvent(
    name,
    createStripeEventHandler(
      {
        store: { ...createStore(db), db: failingOnce(db) },
        reader,
        clock: { now: () => Date.now() },
        logger: createLogger({ service: 'applier-test', level: 'info', destination: logDestination }),
        maxEventAgeSeconds: 30 * 86_400,
        deadLetter: createPubSubDeadLetterPublisher(pubsub, TOPOLOGY.deadLetterTopic),
        livemode: false,
        lanes: createCustomerLanes(),
      },
      (r) => results.push(r),
    ),
  );
  const port = await freePort();
  server = getTestServer(name);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  topology = await createTopology(`http://127.0.0.1:${port}/projects/${projectId}/topics/${TOPOLOGY.topic}`);
});

afterAll(async () => {
  await topology?.applierSubscription.delete().catch(() => undefined);
  await new Promise((resolve) => server?.close(resolve));
  await pubsub.close();
  await db?.terminate();
});

describe('applyStripeEvent behind a Pub/Sub push subscription', () => {
  it('redelivers after a Firestore outage and applies the event once', async () => {
    const event = fixtureEvent('customer.subscription.created');
    event.id = randomStripeId('evt');
    event.created = Math.floor(Date.now() / 1000) - 5;
    const sub = event.data.object as Stripe.Subscription;
    await topology.topic.publishMessage({
      data: Buffer.from(JSON.stringify(event)),
      attributes: { eventId: event.id, type: event.type, created: String(event.created), livemode: 'false', objectId: sub.id },
    });

    const store = createStore(db);
    const ledger = await waitFor('ledger entry', async () => (await store.ledger.doc(event.id).get()).data());
    expect(ledger.outcome).toBe('applied');
    expect(injectedFailures).toBe(1); // the first delivery failed, so this one is a redelivery
    expect((await store.subscriptions.doc(sub.id).get()).data()?.version.revision).toBe(1);
    expect((await store.accounts.doc('user_123').get()).data()?.billing?.status).toBe('active');
    // The end-to-end lag the SLO is on: from Stripe's `created` (5 s before publishing) to applied,
    // and from Pub/Sub's publish time (the push body's, which functions-framework passes on).
    const applied = await waitFor('the applied line', () =>
      Promise.resolve(lines.find((l) => l['event'] === 'stripe_event.applied' && l['eventId'] === event.id)),
    );
    const applyLagMs = applied['applyLagMs'] as number;
    const publishLagMs = applied['publishLagMs'] as number;
    expect(applyLagMs).toBeGreaterThanOrEqual(5_000);
    expect(applyLagMs).toBeLessThan(60_000);
    // The first delivery failed, so the applying one came after at least the 1 s minimum backoff.
    expect(publishLagMs).toBeGreaterThanOrEqual(900);
    // Between the two origins: the 5 s from `created` to the publish.
    expect(applyLagMs - publishLagMs).toBeGreaterThanOrEqual(4_900);
  });

  it('sends a poison message to the dead-letter topic and acknowledges it', async () => {
    const received = new Promise<{ data: Buffer; attributes: Record<string, string> }>((resolve) => {
      topology.deadLetterInspect.on('message', (m) => {
        m.ack();
        if (m.attributes['eventId'] === 'poison-1') resolve(m);
      });
    });
    await topology.topic.publishMessage({ data: Buffer.from('this is not json'), attributes: { eventId: 'poison-1', type: 'unknown' } });
    const dead = await Promise.race([received, sleep(25_000).then(() => null)]);
    await topology.deadLetterInspect.close();
    expect(dead).not.toBeNull();
    expect(dead!.data.toString()).toBe('this is not json');
    expect(dead!.attributes['reason']).toMatch(/not JSON/);
    expect(results.filter((r) => r.kind === 'dead_lettered')).toHaveLength(1); // acknowledged, not retried
  });

  it('dead-letters at its first delivery a replayed customer event whose id is a path (../../x), instead of retrying it', async () => {
    const event = fixtureEvent('customer.updated');
    event.id = randomStripeId('evt');
    event.created = Math.floor(Date.now() / 1000);
    (event.data.object as { id: string }).id = '../../x';
    // Published straight to the topic, as a replay or a hand-published message would be: the webhook refuses it.
    await topology.topic.publishMessage({
      data: Buffer.from(JSON.stringify(event)),
      attributes: { eventId: event.id, type: event.type, customerId: '../../x' },
    });
    const dead = (await pullAtLeast(pubsub, topology.deadLetterInspect, 1, 25_000)).find((m) => m.attributes['eventId'] === event.id);
    expect(dead?.attributes['reason']).toMatch(/data\.object\.id is not a Stripe cus id/);
    // Dead-lettered by the applier (a reason, no CloudPubSubDeadLetter* attributes), after one delivery.
    expect(dead?.attributes['CloudPubSubDeadLetterSourceDeliveryCount']).toBeUndefined();
    await waitFor('the applier result', () => Promise.resolve(results.find((r) => r.eventId === event.id)));
    await sleep(1_500); // longer than the subscription's minimum backoff: a redelivery would show by now
    expect(results.filter((r) => r.eventId === event.id)).toEqual([expect.objectContaining({ kind: 'dead_lettered' })]);
  });
});
