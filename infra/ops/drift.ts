// `npm run ops -- drift [--customer cus_...] [--since <date>] [--json] [--fix]`: compares what
// Firestore holds with Stripe, customer by customer, on what access and the pages read: each
// subscription's status, price, period end, cancel flags and seats (as the applier would store
// Stripe's object: subscription-doc.ts, the one mapping), the customer's active entitlements and
// open invoices. Reports every difference; the CLI exits 1 when there is any. `--fix` resyncs the
// drifted customers' subscriptions (and so their billing summaries) through the applier's
// compare-and-set path (resync-subscriptions.ts); entitlements and invoices are reported only: they
// follow the customer's next event, or `replay-stripe-events`.
import { setTimeout as sleep } from 'node:timers/promises';
import type Stripe from 'stripe';

import { Timestamp } from '@google-cloud/firestore';
import { SubscriptionPayload, parsePayload } from '@billing/shared/billing/object-payloads.js';
import { subscriptionDoc } from '@billing/shared/billing/subscription-doc.js';
import type { Store } from '@billing/shared/firestore/store.js';
import type { SubscriptionDoc } from '@billing/shared/model/documents.js';

/** Every page of a list (the SDK's own paging); far above any count these tools meet. */
const ALL = { limit: 10_000 };

export interface Difference {
  /** `subscription sub_...: status`, `entitlements`, `open invoices`. */
  what: string;
  firestore: unknown;
  stripe: unknown;
}

export interface CustomerDrift {
  customerId: string;
  accountId: string | null;
  differences: Difference[];
}

export interface DriftOptions {
  stripe: Stripe;
  store: Store;
  customerId?: string | undefined;
  /** Unix seconds: only customers whose mapping document changed since. */
  since?: number | undefined;
  /** Customers compared per second (each costs three Stripe list calls). */
  perSecond?: number;
}

/** The fields compared on each subscription: what access, seats and the pages read. */
const COMPARED = [
  'status',
  'priceId',
  'planId',
  'quantity',
  'currentPeriodEnd',
  'cancelAtPeriodEnd',
  'cancelAt',
  'trialEnd',
] as const satisfies readonly (keyof SubscriptionDoc)[];

const sorted = (xs: readonly string[]) => [...xs].sort();
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export async function customerDrift(
  opts: Pick<DriftOptions, 'stripe' | 'store'>,
  customerId: string,
  accountId: string | null,
): Promise<CustomerDrift> {
  const { stripe, store } = opts;
  const differences: Difference[] = [];
  const [subscriptions, entitlements, openInvoices] = await Promise.all([
    stripe.subscriptions.list({ customer: customerId, status: 'all', limit: 100 }).autoPagingToArray(ALL),
    stripe.entitlements.activeEntitlements.list({ customer: customerId, limit: 100 }).autoPagingToArray(ALL),
    stripe.invoices.list({ customer: customerId, status: 'open', limit: 100 }).autoPagingToArray(ALL),
  ]);
  const now = Timestamp.now();
  const version = { created: 0, eventId: null, source: 'fetch' as const, revision: 0 };
  for (const sub of subscriptions) {
    const stored = (await store.subscriptions.doc(sub.id).get()).data();
    const expected = subscriptionDoc(parsePayload(SubscriptionPayload, sub, 'subscription'), accountId, version, now, stored);
    if (!stored) {
      differences.push({ what: `subscription ${sub.id}`, firestore: null, stripe: expected.status });
      continue;
    }
    for (const field of COMPARED) {
      if (!same(stored[field], expected[field]))
        differences.push({ what: `subscription ${sub.id}: ${field}`, firestore: stored[field], stripe: expected[field] });
    }
  }
  const storedFeatures = sorted((await store.entitlements.doc(customerId).get()).data()?.features ?? []);
  const stripeFeatures = sorted([...new Set(entitlements.map((e) => e.lookup_key))]);
  if (!same(storedFeatures, stripeFeatures)) differences.push({ what: 'entitlements', firestore: storedFeatures, stripe: stripeFeatures });
  const storedOpen = sorted(
    (await store.invoices.where('customerId', '==', customerId).where('status', '==', 'open').get()).docs.map((d) => d.id),
  );
  const stripeOpen = sorted(openInvoices.map((i) => i.id));
  if (!same(storedOpen, stripeOpen)) differences.push({ what: 'open invoices', firestore: storedOpen, stripe: stripeOpen });
  return { customerId, accountId, differences };
}

/** Every customer compared (the mapped ones Firestore knows, or the one asked), drifted ones returned. */
export async function findDrift(opts: DriftOptions): Promise<{ compared: number; drifted: CustomerDrift[] }> {
  const gapMs = 1000 / (opts.perSecond ?? 5);
  const customers = opts.customerId
    ? [{ customerId: opts.customerId, accountId: (await opts.store.customers.doc(opts.customerId).get()).data()?.accountId ?? null }]
    : (await opts.store.customers.get()).docs
        .map((d) => d.data())
        .filter((c) => !c.deleted && (opts.since === undefined || c.updatedAt.toMillis() >= opts.since * 1000))
        .map((c) => ({ customerId: c.customerId, accountId: c.accountId }));
  const drifted: CustomerDrift[] = [];
  for (const c of customers) {
    const started = Date.now();
    const drift = await customerDrift(opts, c.customerId, c.accountId);
    if (drift.differences.length > 0) drifted.push(drift);
    const wait = gapMs - (Date.now() - started);
    if (wait > 0 && customers.length > 1) await sleep(wait);
  }
  return { compared: customers.length, drifted };
}

/** Human-readable report lines. */
export function driftLines(result: { compared: number; drifted: CustomerDrift[] }): string[] {
  const lines = [`${result.compared} customers compared, ${result.drifted.length} drifted`];
  for (const d of result.drifted) {
    lines.push(`${d.customerId} (account ${d.accountId ?? 'none'}):`);
    for (const x of d.differences) lines.push(`  ${x.what}: Firestore ${JSON.stringify(x.firestore)}, Stripe ${JSON.stringify(x.stripe)}`);
  }
  return lines;
}
