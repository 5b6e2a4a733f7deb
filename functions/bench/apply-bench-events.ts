// The apply bench's events: customer i's subscription `sub_bench{i}`, mapped to `user_bench{i}`.
// Shared by the bench and its publisher process (apply-bench-publisher.ts).
import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import { fixtureEvent } from '@billing/shared/testing/signed-event.js';

type SubscriptionEventType = 'customer.subscription.created' | 'customer.subscription.updated';

export function subscriptionEvent(i: number, created: number, type: SubscriptionEventType = 'customer.subscription.updated'): Stripe.Event {
  const e = fixtureEvent(type);
  e.id = `evt_bench${i}x${randomUUID().replace(/-/g, '').slice(0, 8)}`;
  e.created = created;
  const sub = e.data.object as Stripe.Subscription;
  sub.id = `sub_bench${i}`;
  sub.customer = `cus_bench${i}`;
  sub.metadata = { accountId: `user_bench${i}` };
  return e;
}

export interface BenchMessage {
  data: Buffer;
  attributes: Record<string, string>;
}

/**
 * One round's messages: a `.updated` created at `created` for each of `events` customers, plus
 * `duplicates` second copies of some of them, in a fixed shuffled order.
 */
export function roundMessages(events: number, duplicates: number, created: number): BenchMessage[] {
  const unique = Array.from({ length: events }, (_, i) => subscriptionEvent(i, created));
  const all = [...unique, ...Array.from({ length: duplicates }, (_, i) => unique[(i * 7919) % events]!)];
  for (let i = all.length - 1; i > 0; i--) {
    const j = (i * 2654435761) % (i + 1); // deterministic shuffle
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.map((e) => ({ data: Buffer.from(JSON.stringify(e)), attributes: { eventId: e.id, type: e.type } }));
}
