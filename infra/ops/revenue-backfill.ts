// `npm run ops -- revenue-backfill [--months 12] [--dry-run] [--overwrite]`: writes the revenue
// history's past monthly snapshots (`revenue_months/{YYYY-MM}`, revenue/monthly-snapshot.ts) that
// the scheduled job could not take because it was not running yet, so the console's 12-month
// charts are not empty on a fresh install or one that enabled the job late.
//
// Source: Stripe, not Firestore. The ledger keeps no amounts and expires (TTL); the stored
// subscriptions hold only their current state, and only those the applier has seen. Stripe keeps,
// for every subscription ever made, its dates (created, trial, ended_at) and, on its invoices, what
// each item was billed at for each period (subscription-as-of.ts): the MRR at each month start,
// expansions and contractions included. Each month's MRR is then computed by the scheduled job's own
// code: the rebuilt subscription goes through the applier's mapping (subscription-doc.ts) and the
// snapshot's `mrrByAccount`, keyed by the account the Firestore customer mapping names.
//
// Idempotent: a month's document depends only on Stripe's history (its `takenAt` is the month's
// first second, the instant it describes), so a re-run writes the same documents. A month already
// stored (by the job, or by an earlier run) is kept unless `overwrite`; so a killed run is resumed
// by running it again, and a month the job wrote from live data is never replaced by a rebuilt one.
import { Timestamp } from '@google-cloud/firestore';
import type Stripe from 'stripe';
import { PricePayload, SubscriptionPayload, parsePayload } from '@billing/shared/billing/object-payloads.js';
import { isMetered, subscriptionDoc } from '@billing/shared/billing/subscription-doc.js';
import { isAlreadyExists } from '@billing/shared/firestore/already-exists.js';
import type { Store } from '@billing/shared/firestore/store.js';
import type { Logger } from '@billing/shared/logging/logger.js';
import type { RevenueMonthDoc } from '@billing/shared/model/operator-documents.js';
import { nowSeconds, type Clock } from '@billing/shared/ports/clock.js';
import { lastMonths, mrrByAccount } from '@billing/shared/revenue/monthly-snapshot.js';
import type { z } from 'zod';
import { subscriptionAsOf, type BilledLine } from './subscription-as-of.js';

type Price = z.infer<typeof PricePayload>;

export interface RevenueBackfillOptions {
  stripe: Stripe;
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Months of movements wanted: snapshots for the `months + 1` month starts up to the current month's. */
  months: number;
  dryRun: boolean;
  /** Replace months already stored (the job's included). */
  overwrite: boolean;
}

export const MonthAction = ['written', 'overwritten', 'kept', 'would write', 'would overwrite', 'would keep'] as const;
export type MonthAction = (typeof MonthAction)[number];

export interface BackfilledMonth {
  month: string;
  action: MonthAction;
  /** Cents per month (usd) and paying accounts, as computed from Stripe (also for a kept month). */
  mrr: number;
  customers: number;
  /** Licensed items counted at today's price because no invoice line covered the month start. */
  estimatedItems: number;
}

export interface RevenueBackfillResult {
  dryRun: boolean;
  overwrite: boolean;
  /** Subscriptions read (every status, created before the newest month start). */
  subscriptions: number;
  /** Invoice lines of licensed items read from those subscriptions' invoices. */
  invoiceLines: number;
  months: BackfilledMonth[];
}

const PAGE = 100;
/** The version stamp of a rebuilt document: it is never stored, only read by mrrByAccount. */
const REBUILT = { created: 0, eventId: null, source: 'fetch' as const, revision: 0 };

/** Unix seconds of the first second of a `YYYY-MM` month (UTC): the instant its snapshot describes. */
export function monthStart(month: string): number {
  const [year, mon] = month.split('-').map(Number);
  return Date.UTC(year ?? NaN, (mon ?? NaN) - 1, 1) / 1000;
}

const idOf = (field: string | { id: string }): string => (typeof field === 'string' ? field : field.id);

/** Every licensed-item invoice line and pending invoice item of the given subscriptions, and their prices (one retrieve per distinct price). */
async function readBilledLines(
  stripe: Stripe,
  subscriptionIds: ReadonlySet<string>,
): Promise<{ lines: BilledLine[]; prices: Map<string, Price> }> {
  const raw: BilledLine[] = [];
  // All invoices: a month start's price can sit on an invoice created long before it (a yearly
  // renewal) or after it (the proration of a change, billed at the next renewal).
  for await (const invoice of stripe.invoices.list({ limit: PAGE })) {
    const lines = invoice.lines.has_more ? stripe.invoices.listLineItems(invoice.id, { limit: PAGE }) : invoice.lines.data;
    for await (const line of lines) {
      const details = line.parent?.subscription_item_details;
      const price = line.pricing?.price_details?.price;
      if (!details?.subscription || !subscriptionIds.has(details.subscription) || price === undefined || line.quantity === null) continue;
      raw.push({
        subscriptionId: details.subscription,
        itemId: details.subscription_item,
        priceId: idOf(price),
        quantity: line.quantity,
        amount: line.amount,
        start: line.period.start,
        end: line.period.end,
      });
    }
  }
  // A change's prorations wait as pending invoice items until the next invoice: without them the
  // newest month start would read the price before a change made since the last invoice.
  for await (const item of stripe.invoiceItems.list({ pending: true, limit: PAGE })) {
    const details = item.parent?.subscription_details;
    const price = item.pricing?.price_details?.price;
    if (!details?.subscription || !details.subscription_item || !subscriptionIds.has(details.subscription) || price === undefined) continue;
    raw.push({
      subscriptionId: details.subscription,
      itemId: details.subscription_item,
      priceId: idOf(price),
      quantity: item.quantity,
      amount: item.amount,
      start: item.period.start,
      end: item.period.end,
    });
  }
  const prices = new Map<string, Price>();
  for (const id of new Set(raw.map((l) => l.priceId)))
    prices.set(id, parsePayload(PricePayload, await stripe.prices.retrieve(id), 'price'));
  // Usage lines (billed in arrears for the period before) say nothing of the price at a month start.
  const lines = raw.filter((l) => {
    const price = prices.get(l.priceId);
    return price !== undefined && !isMetered({ id: l.itemId, current_period_start: l.start, current_period_end: l.end, price });
  });
  return { lines, prices };
}

/** Customer id -> account id, from the applier's mapping documents (`customers/{id}`), read by id, 100 at a time. */
async function accountsOf(store: Store, customerIds: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let i = 0; i < customerIds.length; i += PAGE) {
    const snaps = await Promise.all(customerIds.slice(i, i + PAGE).map((id) => store.customers.doc(id).get()));
    for (const snap of snaps) {
      const mapping = snap.data();
      // A deleted customer's subscriptions keep naming its account (as the stored subscriptions do).
      if (mapping) out.set(mapping.customerId, mapping.accountId);
    }
  }
  return out;
}

export async function backfillRevenueMonths(opts: RevenueBackfillOptions): Promise<RevenueBackfillResult> {
  const { stripe, store, logger } = opts;
  const months = lastMonths(nowSeconds(opts.clock), opts.months + 1);
  const newest = monthStart(months[months.length - 1] ?? '');
  const subscriptions: SubscriptionPayload[] = [];
  for await (const sub of stripe.subscriptions.list({ status: 'all', created: { lte: newest }, limit: PAGE }))
    subscriptions.push(parsePayload(SubscriptionPayload, sub, 'subscription'));
  const { lines, prices } = await readBilledLines(stripe, new Set(subscriptions.map((s) => s.id)));
  const accounts = await accountsOf(store, [...new Set(subscriptions.map((s) => s.customer))]);
  const linesOf = Map.groupBy(lines, (l) => l.subscriptionId);

  const result: RevenueBackfillResult = {
    dryRun: opts.dryRun,
    overwrite: opts.overwrite,
    subscriptions: subscriptions.length,
    invoiceLines: lines.length,
    months: [],
  };
  for (const month of months) {
    const at = monthStart(month);
    const takenAt = Timestamp.fromMillis(at * 1000);
    let estimatedItems = 0;
    const docs = subscriptions.flatMap((sub) => {
      const asOf = subscriptionAsOf(sub, linesOf.get(sub.id) ?? [], prices, at);
      if (!asOf) return [];
      estimatedItems += asOf.estimatedItems;
      return [subscriptionDoc(asOf.subscription, accounts.get(sub.customer) ?? null, REBUILT, takenAt)];
    });
    const doc: RevenueMonthDoc = { month, takenAt, currency: 'usd', mrrByAccount: mrrByAccount(docs) };
    const action = await storeMonth(store, doc, opts);
    const figures = Object.values(doc.mrrByAccount);
    const done: BackfilledMonth = {
      month,
      action,
      mrr: figures.reduce((a, b) => a + b, 0),
      customers: figures.filter((v) => v > 0).length,
      estimatedItems,
    };
    result.months.push(done);
    logger.info({ event: 'ops.revenue_backfill_month', ...done }, `${month}: ${action}`);
  }
  return result;
}

async function storeMonth(
  store: Store,
  doc: RevenueMonthDoc,
  opts: Pick<RevenueBackfillOptions, 'dryRun' | 'overwrite'>,
): Promise<MonthAction> {
  const ref = store.revenueMonths.doc(doc.month);
  if (opts.dryRun) {
    const exists = (await ref.get()).exists;
    return !exists ? 'would write' : opts.overwrite ? 'would overwrite' : 'would keep';
  }
  if (opts.overwrite) {
    const existed = (await ref.get()).exists;
    await ref.set(doc);
    return existed ? 'overwritten' : 'written';
  }
  try {
    await ref.create(doc);
    return 'written';
  } catch (err) {
    if (isAlreadyExists(err)) return 'kept'; // the job's (or an earlier run's) document stays
    throw err;
  }
}

/** `npm run ops -- revenue-backfill --help`. */
export const REVENUE_BACKFILL_HELP = `npm run ops -- revenue-backfill [--months 12] [--dry-run] [--overwrite]

Writes the revenue history's monthly snapshots (revenue_months/{YYYY-MM}: each account's MRR at the
first second of the month) for the --months + 1 month starts up to this month's, so the console has
--months months of movements (new, expansion, contraction, churn, reactivation) before the scheduled
job's first snapshot. Needs STRIPE_SECRET_KEY and STRIPE_LIVEMODE (and GOOGLE_CLOUD_PROJECT).

Source: Stripe. Every subscription (status=all, created before the newest month start) gives its
dates (created, trial start and end, ended_at); every invoice line of a licensed item, and every
pending invoice item (a change's prorations not invoiced yet), gives the price and quantity billed
for a period, so plan changes and seat changes are seen from the period (or the
proration) that billed them. Each month start's MRR is then the scheduled job's own computation
(the applier's subscription mapping, then mrrByAccount), keyed by the account of the Firestore
customer mapping (the customer id when there is none, as the job does). Firestore's ledger keeps no
amounts and expires, and the stored subscriptions hold only their current state: neither can say
what a customer paid last spring.

Limits: a past due, unpaid or paused spell leaves no date on the subscription, so it counts as paying
from its trial end to its end (past due pays in the job's count too; unpaid and paused do not); a
subscription that never paid (incomplete, incomplete_expired) never counts. A change made with
proration_behavior=none shows from the next renewal, when it was first billed. A licensed item no
invoice line covers at a month start counts at today's price (reported as estimatedItems). Discounts,
tax and usage are not in MRR, as on the console. Reads every invoice and pending invoice item of the
Stripe account once.

Idempotent and resumable: a month's document depends only on Stripe's history (takenAt is the month's
first second), months already stored, by the job or an earlier run, are kept unless --overwrite, so a
killed run is finished by running it again. --dry-run computes and prints every month, writes none.`;
