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

export const ServiceKeyScope = z.enum(['check', 'track', 'read']);
export type ServiceKeyScope = z.infer<typeof ServiceKeyScope>;

/**
 * `service_keys/{sha256(secret)}`: a server key for a caller of the service API outside Google
 * Cloud (service-api/service-keys.ts). Hash only; scoped; revocable. Made and revoked by operators
 * (`npm run ops -- service-key ...`).
 */
export const ServiceKeyDoc = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(ServiceKeyScope).min(1),
  createdAt: timestamp,
  revokedAt: timestamp.nullable(),
});
export type ServiceKeyDoc = z.infer<typeof ServiceKeyDoc>;
