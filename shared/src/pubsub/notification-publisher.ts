// The NotificationPublisher port on a Pub/Sub topic: JSON data, filterable attributes.
import type { NotificationPublisher } from '../ports/notification-publisher.js';
import { notificationAttributes } from '../notifications/messages.js';
import type { EventPublisher } from '../ports/event-bus.js';

export function pubSubNotificationPublisher(publisher: EventPublisher): NotificationPublisher {
  return {
    async publish(notifications) {
      await Promise.all(
        notifications.map((n) => publisher.publish({ data: Buffer.from(JSON.stringify(n)), attributes: notificationAttributes(n) })),
      );
    },
  };
}
