// The app's post-checkout refresh: fetch the subscription from Stripe and write it through the
// same compare-and-set path the applier uses (versioned-write.ts), then recompute the account's
// summary. No event, so no ledger entry and the version stamp's eventId is null.
import { Timestamp } from '@google-cloud/firestore';
import type { BillingSummary, SubscriptionDoc } from '../model/documents.js';
import type { Logger } from '../logging/logger.js';
import type { Clock } from '../ports/clock.js';
import type { StripeReader } from '../ports/stripe-reader.js';
import type { Store } from '../firestore/store.js';
import { stageCustomerChange } from './stage-customer-change.js';
import { fetchSubscription } from './handlers/subscription-events.js';
import { resolveAccountId } from './resolve-account.js';
import type { Notification } from '../notifications/messages.js';
import { stageNotification } from '../notifications/notification-outbox.js';
import { subscriptionDoc } from './subscription-doc.js';
import { runVersioned, writeFetched } from './versioned-write.js';

export interface RefreshDeps {
  store: Store;
  reader: StripeReader;
  clock: Clock;
  logger: Logger;
}

export interface RefreshResult {
  subscription: SubscriptionDoc | undefined;
  /** Null when the customer maps to no user. */
  billing: BillingSummary | null;
}

export async function refreshSubscription(
  deps: RefreshDeps,
  subscriptionId: string,
  opts: { accountIdHint?: string; livemode: boolean },
): Promise<RefreshResult> {
  const now = Timestamp.fromMillis(deps.clock.now());
  return runVersioned(deps.store.db, { eventId: null, created: 0 }, async (v) => {
    // Notifications of a change this refresh finds go to the outbox with it; the usage reporter's
    // minute sweep publishes them (the app holds no Pub/Sub client).
    const notify = (n: Notification) => stageNotification(deps.store, v.tx, n, deps.clock.now());
    const ctx = { ...v, store: deps.store, reader: deps.reader, logger: deps.logger, now, notify };
    const ref = deps.store.subscriptions.doc(subscriptionId);
    const fetch = fetchSubscription(ctx, subscriptionId);
    // The customer (and so the user) is known only once the subscription is fetched: write it
    // first, then read the staged document back and complete it with the user.
    await writeFetched(ctx, ref, fetch, (sub) => (version, current) => subscriptionDoc(sub, null, version, now, current));
    const written = await ctx.tx.get(ref);
    if (!written) throw new Error('unreachable: the subscription was staged above');
    const customerId = written.customerId;
    const accountId = await resolveAccountId(ctx, customerId, {
      hint: opts.accountIdHint ?? null,
      livemode: opts.livemode,
      fetchIfMissing: true,
    });
    if (accountId) ctx.tx.set(ref, { ...written, accountId });
    const billing = await stageCustomerChange(ctx, customerId, accountId);
    return { subscription: accountId ? { ...written, accountId } : written, billing };
  });
}
