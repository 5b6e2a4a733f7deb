// Applies one parsed Stripe event to Firestore: exactly once (ledger `stripe_events/{id}` checked
// and written in the same transaction as the state) and order-safe (versioned-write.ts).
import { Timestamp } from '@google-cloud/firestore';
import type { LedgerEntry, LedgerOutcome } from '../model/documents.js';
import type { Logger } from '../logging/logger.js';
import { nowSeconds, type Clock } from '../ports/clock.js';
import type { StripeReader } from '../ports/stripe-reader.js';
import { HandledEventType } from '../stripe/event-types.js';
import type { ApplyContext } from './apply-context.js';
import type { Store } from '../firestore/store.js';
import { eventObjectIds, type EventEnvelope } from './event-envelope.js';
import { eventHandlers } from './handlers/handler-map.js';
import type { EventOf } from './handlers/handler.js';
import { accountIdHint, metadataAccountId } from './resolve-account.js';
import { runVersioned } from './versioned-write.js';

export interface ApplierDeps {
  store: Store;
  reader: StripeReader;
  clock: Clock;
  logger: Logger;
  /** Events older than this are dropped (ledger `expired`); the ledger keeps entries this long too. */
  maxEventAgeSeconds: number;
}

/** `duplicate`: the ledger already held the event, nothing was done. */
export type ApplyOutcome = LedgerOutcome | 'duplicate';

const DAY = 86_400;

/** The account id our checkout puts on the session and in the metadata of customers and subscriptions, if present. */
function payloadAccountIdHint(event: EventEnvelope): string | null {
  const obj = event.data.object;
  const metadata = obj['metadata'];
  const fromMetadata = metadata && typeof metadata === 'object' ? metadataAccountId(metadata as Record<string, unknown>) : null;
  const reference = typeof obj['client_reference_id'] === 'string' ? obj['client_reference_id'] : null;
  // The order the checkout handler uses (client_reference_id first), so the guess is its choice.
  return accountIdHint(reference, fromMetadata);
}

function dispatch<K extends HandledEventType>(type: K, event: EventEnvelope, ctx: ApplyContext): Promise<LedgerOutcome> {
  const handler = eventHandlers[type];
  const typed: EventOf<K> = { ...event, type };
  return handler(typed, ctx);
}

export async function applyEvent(deps: ApplierDeps, event: EventEnvelope): Promise<ApplyOutcome> {
  const { store, clock } = deps;
  const now = Timestamp.fromMillis(clock.now());
  const expired = event.created < nowSeconds(clock) - deps.maxEventAgeSeconds;
  const handled = HandledEventType.safeParse(event.type);
  const ledgerRef = store.ledger.doc(event.id);
  const { objectId, customerId } = eventObjectIds(event);
  const ledgerEntry = (outcome: LedgerOutcome): LedgerEntry => ({
    eventId: event.id,
    type: event.type,
    created: event.created,
    livemode: event.livemode,
    objectId,
    customerId,
    outcome,
    appliedAt: now,
    // Kept until the event itself would be dropped as expired (plus a day), so a redelivery is
    // always caught by the ledger or by the age check, never applied twice.
    expireAt: Timestamp.fromMillis((event.created + deps.maxEventAgeSeconds + DAY) * 1000),
  });

  const userHint = payloadAccountIdHint(event);
  const likelyReads = [
    ledgerRef,
    ...(customerId ? [store.customers.doc(customerId), store.entitlements.doc(customerId), store.customerObjects.doc(customerId)] : []),
    // The user is known for sure only from the customer mapping; the payload's hint is right in
    // the common case and saves a round trip (a wrong guess only adds a document to the read set).
    ...(userHint ? [store.accounts.doc(userHint)] : []),
    ...(objectId && event.type.startsWith('customer.subscription.') ? [store.subscriptions.doc(objectId)] : []),
    ...(objectId && event.type.startsWith('invoice.') ? [store.invoices.doc(objectId)] : []),
  ];
  return runVersioned(store.db, { eventId: event.id, created: event.created }, async (v) => {
    // One round trip for the documents this event will almost certainly read.
    await v.tx.prefetch(likelyReads);
    if (await v.tx.get(ledgerRef)) return 'duplicate';
    let outcome: LedgerOutcome;
    if (expired) outcome = 'expired';
    else if (!handled.success) outcome = 'ignored';
    else outcome = await dispatch(handled.data, event, { ...v, store, reader: deps.reader, logger: deps.logger, now });
    v.tx.set(ledgerRef, ledgerEntry(outcome));
    return outcome;
  });
}
