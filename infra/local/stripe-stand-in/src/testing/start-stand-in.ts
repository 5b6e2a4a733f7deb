// For tests in any workspace: a stand-in on a free port, an SDK client pointed at it (built with
// the shared createStripeClient), and optionally a webhook receiver that verifies every delivery
// with stripe.webhooks.constructEvent and records the events in arrival order.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Stripe from 'stripe';
import { createStripeClient, createWebhookVerifier } from '@billing/shared/stripe/stripe-client.js';
import { createStandIn, type StandIn, type StandInOptions } from '../stand-in.js';

export const TEST_WEBHOOK_SECRET = 'whsec_stand_in_test_secret';

export interface WebhookReceiver {
  url: string;
  /** Verified events in arrival order (duplicates included). */
  received: Stripe.Event[];
  /** Deliveries whose signature did not verify. */
  rejected: number;
  /** Answers the next n deliveries with this status instead of 200. */
  failNext(n: number, status?: number): void;
  close: () => Promise<void>;
}

export async function startWebhookReceiver(secret = TEST_WEBHOOK_SECRET): Promise<WebhookReceiver> {
  const verifier = createWebhookVerifier();
  let failures: { left: number; status: number } = { left: 0, status: 500 };
  const receiver: Omit<WebhookReceiver, 'url' | 'close'> & { rejected: number } = {
    received: [],
    rejected: 0,
    failNext: (n, status = 500) => void (failures = { left: n, status }),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (failures.left > 0) {
        failures.left -= 1;
        res.writeHead(failures.status).end();
        return;
      }
      try {
        const event = verifier.constructEvent(Buffer.concat(chunks), req.headers['stripe-signature'] ?? '', secret);
        receiver.received.push(event);
        res.writeHead(200).end('{}');
      } catch {
        receiver.rejected += 1;
        res.writeHead(400).end();
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/stripe`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

export interface RunningStandIn {
  standIn: StandIn;
  stripe: Stripe;
  url: string;
  close: () => Promise<void>;
}

/** An expandable field's id (`subscription`, `customer`, ...), whether it came expanded or not. */
export function idOf(field: string | { id: string } | null | undefined): string {
  if (field === null || field === undefined) throw new Error('expected an id, got nothing');
  return typeof field === 'string' ? field : field.id;
}

/** `maxNetworkRetries` is 0 unless given, so a test sees injected failures and errors as they are. */
export async function startStandIn(opts: Partial<StandInOptions> & { maxNetworkRetries?: number } = {}): Promise<RunningStandIn> {
  const { maxNetworkRetries = 0, ...standInOpts } = opts;
  const standIn = createStandIn({ webhookSecret: TEST_WEBHOOK_SECRET, ...standInOpts });
  const { url, close } = await standIn.listen(0);
  const stripe = createStripeClient({ secretKey: 'sk_test_stand_in', apiBase: url, maxNetworkRetries });
  return { standIn, stripe, url, close };
}
