// Documents of the service API (services/app/src/service-api).
import { z } from 'zod';
import { Notification } from '../notifications/messages.js';
import { timestamp } from './documents.js';

/**
 * `track_keys/{sha256(accountId, idempotencyKey)}`: one `track` call's outcome, so a repeat of its
 * idempotency key within the window answers the same without counting again. `pending` while the
 * first call runs; `admitted` or `refused` with the answer it got. TTL `expireAt`: the window.
 */
export const TrackKeyDoc = z.object({
  accountId: z.string(),
  feature: z.string(),
  units: z.number().int().positive(),
  state: z.enum(['pending', 'admitted', 'refused']),
  /** The HTTP status and JSON body the first call answered (null while pending). */
  outcome: z.object({ status: z.number().int(), body: z.record(z.string(), z.unknown()) }).nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
  expireAt: timestamp,
});
export type TrackKeyDoc = z.infer<typeof TrackKeyDoc>;

/**
 * `notification_outbox/{notificationId}`: a notification for hosts (notifications/messages.ts),
 * written in the same commit as the change it tells of (or, for a quota threshold, created once by
 * the app instance that noticed it), and stamped `publishedAt` once published: by the applier right
 * after its commit, else by the usage reporter's minute tick. TTL `expireAt`: 30 days.
 */
export const NotificationOutboxDoc = z.object({
  notification: Notification,
  createdAt: timestamp,
  publishedAt: timestamp.nullable(),
  expireAt: timestamp,
});
export type NotificationOutboxDoc = z.infer<typeof NotificationOutboxDoc>;
