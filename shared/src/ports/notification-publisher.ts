// Where notifications go (notifications/messages.ts): the `billing-notifications` topic in
// production. `publish` resolves once every message is accepted; it rejects if any was not (the
// caller retries them all: a message delivered twice is deduplicated by its notificationId).
import type { Notification } from '../notifications/messages.js';

export interface NotificationPublisher {
  publish(notifications: readonly Notification[]): Promise<void>;
}

/** For deployables that publish none (and tests that do not look). */
export const noNotifications: NotificationPublisher = { publish: () => Promise.resolve() };
