// The Stripe webhook most integrations write (Stripe's docs and the Pub/Sub quick-starts, put
// together): express.raw for the body, stripe.webhooks.constructEvent against one secret, then an
// awaited publish of the event's JSON on a topic with the client's default batching, then 200.
// No envelope or API-version checks, no body limit beyond express's, no ordering, no logging:
// the second baseline of the ingest bench, the bar "ours" has to clear.
import express, { type Express } from 'express';
import Stripe from 'stripe';
import type { PubSub } from '@billing/shared/pubsub/pubsub-client.js';

export function integratorWebhookApp(opts: { pubsub: PubSub; topic: string; secret: string; path: string }): Express {
  const stripe = new Stripe('sk_test_integrator');
  const topic = opts.pubsub.topic(opts.topic);
  const app = express();
  app.post(opts.path, express.raw({ type: 'application/json' }), async (req, res) => {
    let event: Stripe.Event;
    try {
      event = stripe.webhooks.constructEvent(req.body as Buffer, req.header('stripe-signature') ?? '', opts.secret);
    } catch {
      res.status(400).send('Webhook signature verification failed');
      return;
    }
    try {
      await topic.publishMessage({ data: Buffer.from(JSON.stringify(event)) });
      res.json({ received: true });
    } catch {
      res.status(500).send('publish failed');
    }
  });
  return app;
}
