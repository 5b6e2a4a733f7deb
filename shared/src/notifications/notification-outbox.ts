// The notification outbox (`notification_outbox/{notificationId}`): a notification is written in
// the same commit as the change it tells of, so it is never lost to a crash or a Pub/Sub outage,
// and published from there: at once by the applier after its commit (publishNow), and every minute
// by the usage reporter's tick for whatever is still unpublished (publishPending: the app's own
// refreshes and quota alerts, and anything a failed publish left). At least once; a notification
// published twice carries the same notificationId.
import { Timestamp, type DocumentReference } from '@google-cloud/firestore';
import type { Store } from '../firestore/store.js';
import type { Clock } from '../ports/clock.js';
import type { NotificationPublisher } from '../ports/notification-publisher.js';
import type { Notification } from './messages.js';

const RETENTION_MS = 30 * 86_400_000;
/** Per tick: a backlog is drained over a few ticks. */
const SWEEP_BATCH = 200;

export function outboxEntry(notification: Notification, nowMs: number) {
  return { notification, createdAt: Timestamp.fromMillis(nowMs), publishedAt: null, expireAt: Timestamp.fromMillis(nowMs + RETENTION_MS) };
}

/** What stages a write in a transaction (the applier's StagedTransaction). */
export interface TransactionWriter {
  set<T>(ref: DocumentReference<T>, data: T): void;
}

/** Inside a transaction: the notification is committed with the change (same id: written once). */
export function stageNotification(store: Store, tx: TransactionWriter, notification: Notification, nowMs: number): void {
  tx.set(store.notificationOutbox.doc(notification.notificationId), outboxEntry(notification, nowMs));
}

async function stampPublished(store: Store, ids: readonly string[], nowMs: number): Promise<void> {
  const batch = store.db.batch();
  for (const id of ids) batch.update(store.notificationOutbox.doc(id), { publishedAt: Timestamp.fromMillis(nowMs) });
  await batch.commit();
}

/** Publishes these (already committed) notifications and stamps them; a failure leaves them to the sweep. */
export async function publishNow(
  deps: { store: Store; publisher: NotificationPublisher; clock: Clock },
  notifications: readonly Notification[],
): Promise<void> {
  if (notifications.length === 0) return;
  await deps.publisher.publish(notifications);
  await stampPublished(
    deps.store,
    notifications.map((n) => n.notificationId),
    deps.clock.now(),
  );
}

/** The sweep: every unpublished notification (up to a batch), published, then stamped. */
export async function publishPending(deps: {
  store: Store;
  publisher: NotificationPublisher;
  clock: Clock;
}): Promise<{ published: number }> {
  const pending = await deps.store.unpublishedNotifications().limit(SWEEP_BATCH).get();
  if (pending.empty) return { published: 0 };
  await deps.publisher.publish(pending.docs.map((d) => d.data().notification));
  await stampPublished(
    deps.store,
    pending.docs.map((d) => d.id),
    deps.clock.now(),
  );
  return { published: pending.size };
}
