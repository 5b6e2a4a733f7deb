// Applies one parsed Stripe event to Firestore: exactly once (ledger `stripe_events/{id}` checked
// and written in the same transaction as the state) and order-safe (versioned-write.ts). What the
// change tells hosts (notifications/messages.ts) is written to the notification outbox in the same
// transaction and published right after the commit; a failed publish is left to the usage
// reporter's minute sweep (notification-outbox.ts), never to a redelivery of the event.
import { Timestamp } from '@google-cloud/firestore';
import type { LedgerEntry, LedgerOutcome } from '../model/documents.js';
import type { Notification } from '../notifications/messages.js';
import { publishNow, stageNotification } from '../notifications/notification-outbox.js';
import type { NotificationPublisher } from '../ports/notification-publisher.js';
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
  /** Where notifications go; none are published without it. */
  notifications?: NotificationPublisher | undefined;
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
  let notifications: Notification[] = [];
  const outcome = await runVersioned(store.db, { eventId: event.id, created: event.created }, async (v): Promise<ApplyOutcome> => {
    notifications = []; // a retried attempt starts over
    // One round trip for the documents this event will almost certainly read.
    await v.tx.prefetch(likelyReads);
    if (await v.tx.get(ledgerRef)) return 'duplicate';
    const notify = (n: Notification) => {
      stageNotification(store, v.tx, n, clock.now());
      notifications.push(n);
    };
    let result: LedgerOutcome;
    if (expired) result = 'expired';
    else if (!handled.success) result = 'ignored';
    else result = await dispatch(handled.data, event, { ...v, store, reader: deps.reader, logger: deps.logger, now, notify });
    v.tx.set(ledgerRef, ledgerEntry(result));
    return result;
  });
  if (deps.notifications) {
    await publishNow({ store, publisher: deps.notifications, clock }, notifications).catch((err: unknown) => {
      deps.logger.warn(
        { event: 'notifications.publish_deferred', eventId: event.id, count: notifications.length, err },
        'notifications not published now; the minute sweep publishes them',
      );
    });
  }
  return outcome;
}
