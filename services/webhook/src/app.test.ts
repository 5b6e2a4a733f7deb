// The webhook app on a real port, publishing to the real Pub/Sub emulator; every assertion about
// what was (not) published reads the subscription back.
import type { PubSub, Subscription } from '@billing/shared/pubsub/pubsub-client.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listenWithGracefulShutdown, type GracefulServer } from '@billing/shared/http/graceful-shutdown.js';
import type { EventPublisher } from '@billing/shared/ports/event-bus.js';
import { createPubSubPublisher } from '@billing/shared/pubsub/pubsub-publisher.js';
import { createWebhookVerifier } from '@billing/shared/stripe/stripe-client.js';
import { testProjectId, testPubSub } from '@billing/shared/testing/emulator.js';
import { pullAtLeast, pullMessages } from '@billing/shared/testing/pull-messages.js';
import { fixtureEvent, randomStripeId, signEvent } from '@billing/shared/testing/signed-event.js';
import { createWebhookApp, type WebhookAppDeps } from './app.js';
import { captureLogs, type CapturedLogs } from './testing/capture-logs.js';

const SECRET = 'whsec_test_current';
const NEXT_SECRET = 'whsec_test_rolled_in';
const BODY_LIMIT = 64 * 1024;

interface Running {
  url: string;
  logs: CapturedLogs;
  server: GracefulServer;
}

async function startApp(overrides: Partial<WebhookAppDeps> & Pick<WebhookAppDeps, 'publisher'>): Promise<Running> {
  const logs = captureLogs();
  const app = createWebhookApp({
    verifier: createWebhookVerifier(),
    secrets: [SECRET],
    livemode: false,
    orderByCustomer: true,
    bodyLimitBytes: BODY_LIMIT,
    logger: logs.logger,
    projectId: 'demo-webhook',
    ...overrides,
  });
  const server = await listenWithGracefulShutdown(app, 0, () => Promise.resolve(), { signals: [], host: '127.0.0.1' });
  return { url: `http://127.0.0.1:${server.port}/stripe/webhook`, logs, server };
}

function post(url: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });
}

function freshEvent(type: Parameters<typeof fixtureEvent>[0] = 'customer.subscription.updated') {
  const event = fixtureEvent(type);
  event.id = randomStripeId('evt');
  return event;
}

/** A correctly signed delivery of a fresh event (of `type`) changed by `change` before signing. */
function signedWith(
  change: (event: ReturnType<typeof freshEvent>) => void,
  type?: Parameters<typeof fixtureEvent>[0],
): { body: string; headers: Record<string, string> } {
  const event = freshEvent(type);
  change(event);
  const { body, signature } = signEvent(event, SECRET);
  return { body, headers: { 'stripe-signature': signature } };
}

const settle = () => new Promise((r) => setTimeout(r, 20));

describe('webhook app (Pub/Sub emulator)', () => {
  let pubsub: PubSub;
  let subscription: Subscription;
  let publisher: EventPublisher;
  let running: Running;

  beforeAll(async () => {
    pubsub = testPubSub(testProjectId('webhook'));
    const [topic] = await pubsub.createTopic('stripe-events');
    [subscription] = await topic.createSubscription('inspect');
    publisher = createPubSubPublisher({ pubsub, topic: 'stripe-events' });
    running = await startApp({ publisher });
  });

  afterAll(async () => {
    await running.server.shutdown();
    await publisher.close();
    await pubsub.close();
  });

  beforeEach(async () => {
    await pullMessages(pubsub, subscription); // each test starts from an empty subscription
  });

  it('publishes a verified event as the exact raw bytes with the message attributes, then answers 200', async () => {
    const event = freshEvent('customer.subscription.updated');
    // Unusual but valid JSON formatting: the published bytes must be these, not a re-serialisation.
    const body = `${JSON.stringify(event, null, 3)}\r\n`;
    const { signature } = signEvent(body, SECRET);
    const res = await post(running.url, body, { 'stripe-signature': signature, 'x-cloud-trace-context': 'feedface/1;o=1' });

    expect(res.status).toBe(200);
    const answer = (await res.json()) as { received: boolean; messageId: string };
    expect(answer.received).toBe(true);

    const [message, ...rest] = await pullAtLeast(pubsub, subscription, 1);
    expect(rest).toEqual([]);
    expect(message?.messageId).toBe(answer.messageId);
    expect(message?.data.equals(Buffer.from(body, 'utf8'))).toBe(true);
    expect(message?.attributes).toEqual({
      eventId: event.id,
      type: 'customer.subscription.updated',
      created: String(event.created),
      livemode: 'false',
      customerId: 'cus_QXg1o8vcGmoR32',
      objectId: 'sub_1Pgc6rB7WZ01zgkWNy0Cn5nw',
    });
    expect(message?.orderingKey).toBe('cus_QXg1o8vcGmoR32'); // one customer's events in order

    await settle();
    const [published] = running.logs.byEvent('webhook.event_published');
    expect(published).toMatchObject({
      severity: 'INFO',
      eventId: event.id,
      messageId: answer.messageId,
      'logging.googleapis.com/trace': 'projects/demo-webhook/traces/feedface',
      httpRequest: { requestMethod: 'POST', requestUrl: '/stripe/webhook', status: 200 },
    });
    // One line per delivered event: the access line is the outcome line.
    expect(
      running.logs
        .text()
        .split('\n')
        .filter((line) => line.includes(event.id)),
    ).toHaveLength(1);
    expect(running.logs.text()).not.toContain(signature);
  });

  it('uses the object id as customerId for customer events, and omits objectId when the object has none', async () => {
    const customerEvent = freshEvent('customer.created');
    const entitlementsEvent = freshEvent('entitlements.active_entitlement_summary.updated');
    for (const event of [customerEvent, entitlementsEvent]) {
      const { body, signature } = signEvent(event, SECRET);
      expect((await post(running.url, body, { 'stripe-signature': signature })).status).toBe(200);
    }
    const messages = await pullAtLeast(pubsub, subscription, 2);
    const byId = new Map(messages.map((m) => [m.attributes['eventId'], m.attributes]));
    expect(byId.get(customerEvent.id)).toMatchObject({ customerId: 'cus_QXg1o8vcGmoR32', objectId: 'cus_QXg1o8vcGmoR32' });
    expect(byId.get(entitlementsEvent.id)).toMatchObject({ customerId: 'cus_QXg1o8vcGmoR32' });
    expect(byId.get(entitlementsEvent.id)).not.toHaveProperty('objectId');
  });

  describe('refuses bad deliveries and publishes nothing', () => {
    const cases: { name: string; status: number; logEvent: string; request: () => { body: string; headers: Record<string, string> } }[] = [
      {
        name: 'no Stripe-Signature header',
        status: 400,
        logEvent: 'webhook.signature_missing',
        request: () => ({ body: JSON.stringify(freshEvent()), headers: {} }),
      },
      {
        name: 'forged signature (signed with another secret)',
        status: 400,
        logEvent: 'webhook.signature_invalid',
        request: () => {
          const { body, signature } = signEvent(freshEvent(), 'whsec_attacker');
          return { body, headers: { 'stripe-signature': signature } };
        },
      },
      {
        name: 'tampered body',
        status: 400,
        logEvent: 'webhook.signature_invalid',
        request: () => {
          const event = freshEvent();
          const { body, signature } = signEvent(event, SECRET);
          return { body: body.replace('"status":"active"', '"status":"canceled"'), headers: { 'stripe-signature': signature } };
        },
      },
      {
        name: 'stale timestamp (older than 300 s)',
        status: 400,
        logEvent: 'webhook.signature_invalid',
        request: () => {
          const { body, signature } = signEvent(freshEvent(), SECRET, { timestamp: Math.floor(Date.now() / 1000) - 301 });
          return { body, headers: { 'stripe-signature': signature } };
        },
      },
      {
        name: 'non-JSON body with a valid signature',
        status: 400,
        logEvent: 'webhook.payload_invalid',
        request: () => {
          const { body, signature } = signEvent('id=evt_1&type=invoice.paid', SECRET);
          return { body, headers: { 'stripe-signature': signature } };
        },
      },
      {
        name: 'JSON that is not a Stripe event, with a valid signature',
        status: 400,
        logEvent: 'webhook.payload_invalid',
        request: () => {
          const { body, signature } = signEvent({ hello: 'world' }, SECRET);
          return { body, headers: { 'stripe-signature': signature } };
        },
      },
      // Ids that are no Stripe ids (shared/src/stripe/stripe-ids.ts) would name Firestore documents
      // in the applier (`customers/../../x` is refused there as INVALID_ARGUMENT): refused at the edge.
      ...(
        [
          ['customer.updated whose customer id is a path (../../x)', 'customer.updated', (o) => (o['id'] = '../../x')],
          ['customer.updated whose id has another prefix', 'customer.updated', (o) => (o['id'] = 'sub_1Pgc6rB7WZ01zgkWNy0Cn5nw')],
          ['subscription whose customer is a path', 'customer.subscription.updated', (o) => (o['customer'] = 'cus_x/../../y')],
          [
            'subscription whose expanded customer has a reserved Firestore id',
            'customer.subscription.updated',
            (o) => (o['customer'] = { id: '__cus__', object: 'customer' }),
          ],
          ['subscription whose id is not a sub_ id', 'customer.subscription.updated', (o) => (o['id'] = 'sub_a.b')],
          ['invoice whose id is empty', 'invoice.paid', (o) => (o['id'] = '')],
          [
            'entitlement summary whose customer is not a cus_ id',
            'entitlements.active_entitlement_summary.updated',
            (o) => (o['customer'] = 'x'),
          ],
        ] as const satisfies readonly [string, Parameters<typeof fixtureEvent>[0], (object: Record<string, unknown>) => unknown][]
      ).map(([name, type, change]) => ({
        name: `${name}, correctly signed`,
        status: 400,
        logEvent: 'webhook.payload_invalid',
        request: () => signedWith((event) => change(event.data.object as unknown as Record<string, unknown>), type),
      })),
      ...(
        [
          ['an event id that is a path', 'evt_1/../../x'],
          ['an event id without the evt_ prefix', 'cus_QXg1o8vcGmoR32'],
          ['an event id longer than Stripe ids are', `evt_${'a'.repeat(260)}`],
        ] as const
      ).map(([name, id]) => ({
        name: `${name}, correctly signed`,
        status: 400,
        logEvent: 'webhook.payload_invalid',
        request: () =>
          signedWith((event) => {
            event.id = id;
          }),
      })),
      {
        name: 'oversized body',
        status: 413,
        logEvent: 'http.app_error',
        request: () =>
          signedWith((event) => {
            (event.data.object as unknown as Record<string, unknown>)['padding'] = 'x'.repeat(BODY_LIMIT);
          }),
      },
      {
        name: 'event rendered in an API version before 2025-03-31.basil (an endpoint left on the account default)',
        status: 400,
        logEvent: 'webhook.api_version_unsupported',
        request: () =>
          signedWith((event) => {
            event.api_version = '2024-06-20';
          }),
      },
      {
        name: 'event rendered in an API version newer than the SDK pins',
        status: 400,
        logEvent: 'webhook.api_version_unsupported',
        request: () =>
          signedWith((event) => {
            event.api_version = '2099-01-01.zeta';
          }),
      },
      {
        name: 'wrong livemode',
        status: 400,
        logEvent: 'webhook.livemode_mismatch',
        request: () =>
          signedWith((event) => {
            event.livemode = true;
          }),
      },
    ];

    for (const c of cases) {
      it(`${c.name} → ${c.status}`, async () => {
        const { body, headers } = c.request();
        const res = await post(running.url, body, headers);
        expect(res.status).toBe(c.status);
        const answer = (await res.json()) as { error: { code: string } };
        expect(answer.error.code).toBe(c.status === 413 ? 'payload_too_large' : 'bad_request');
        expect(await pullMessages(pubsub, subscription)).toEqual([]);
        await settle();
        const logged = running.logs.byEvent(c.logEvent).at(-1);
        expect(logged?.['severity']).toBe(c.status === 413 ? 'INFO' : 'WARNING');
      });
    }

    it('oversized body sent chunked, without Content-Length → 413', async () => {
      const chunk = new TextEncoder().encode('x'.repeat(16 * 1024));
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent++ < 8) controller.enqueue(chunk);
          else controller.close();
        },
      });
      const res = await fetch(running.url, {
        method: 'POST',
        body: stream,
        duplex: 'half',
        headers: { 'stripe-signature': 't=1,v1=00' },
      } as RequestInit);
      expect(res.status).toBe(413);
      expect(await pullMessages(pubsub, subscription)).toEqual([]);
    });

    it('logs the refused signature without the header value or the secret', async () => {
      const { body, signature } = signEvent(freshEvent(), 'whsec_attacker');
      await post(running.url, body, { 'stripe-signature': signature });
      await settle();
      expect(running.logs.text()).not.toContain(signature);
      expect(running.logs.text()).not.toContain(SECRET);
      expect(running.logs.byEvent('webhook.signature_invalid').at(-1)).toHaveProperty('signatureAgeSeconds');
    });
  });

  it('accepts events signed with any configured secret while one is rolled', async () => {
    const rotating = await startApp({ publisher, secrets: [SECRET, NEXT_SECRET] });
    try {
      const withNew = freshEvent();
      const withOld = freshEvent();
      const signedNew = signEvent(withNew, NEXT_SECRET);
      const signedOld = signEvent(withOld, SECRET);
      expect((await post(rotating.url, signedNew.body, { 'stripe-signature': signedNew.signature })).status).toBe(200);
      expect((await post(rotating.url, signedOld.body, { 'stripe-signature': signedOld.signature })).status).toBe(200);
      const forged = signEvent(freshEvent(), 'whsec_unknown');
      expect((await post(rotating.url, forged.body, { 'stripe-signature': forged.signature })).status).toBe(400);

      const ids = (await pullAtLeast(pubsub, subscription, 2)).map((m) => m.attributes['eventId']).sort();
      expect(ids).toEqual([withNew.id, withOld.id].sort());
    } finally {
      await rotating.server.shutdown();
    }
  });

  it('answers 503 and logs ERROR with the event id when the publisher rejects', async () => {
    const failing: EventPublisher = {
      publish: () => Promise.reject(new Error('broker unavailable')),
      close: () => Promise.resolve(),
    };
    const down = await startApp({ publisher: failing });
    try {
      const event = freshEvent();
      const { body, signature } = signEvent(event, SECRET);
      const res = await post(down.url, body, { 'stripe-signature': signature });
      expect(res.status).toBe(503);
      const text = await res.text();
      expect(text).not.toContain('broker unavailable');
      expect(JSON.parse(text)).toEqual({ error: { code: 'upstream_unavailable', message: 'Event not accepted yet; retry later' } });
      await settle();
      expect(down.logs.byEvent('webhook.publish_failed')[0]).toMatchObject({ severity: 'ERROR', eventId: event.id, type: event.type });
    } finally {
      await down.server.shutdown();
    }
  });

  it('answers 503 when the topic is gone (real Pub/Sub error), so Stripe retries', async () => {
    const other = testPubSub(testProjectId('webhook-gone'));
    const [topic] = await other.createTopic('stripe-events');
    const gonePublisher = createPubSubPublisher({ pubsub: other, topic: 'stripe-events', closeClient: true });
    const gone = await startApp({ publisher: gonePublisher });
    try {
      const first = signEvent(freshEvent(), SECRET);
      expect((await post(gone.url, first.body, { 'stripe-signature': first.signature })).status).toBe(200);
      await topic.delete();
      const second = signEvent(freshEvent(), SECRET);
      expect((await post(gone.url, second.body, { 'stripe-signature': second.signature })).status).toBe(503);
    } finally {
      await gone.server.shutdown();
      await gonePublisher.close();
    }
  });

  it('answers /health without touching dependencies', async () => {
    const res = await fetch(running.url.replace('/stripe/webhook', '/health'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('answers other methods and paths with JSON errors', async () => {
    expect((await fetch(running.url)).status).toBe(404);
    expect((await fetch(running.url.replace('/stripe/webhook', '/other'), { method: 'POST' })).status).toBe(404);
  });
});
