// The CloudEvent handler, built from injected dependencies (no client is created here). Pub/Sub
// delivers `google.cloud.pubsub.topic.v1.messagePublished`; returning acknowledges, throwing makes
// Pub/Sub redeliver (the retry policy itself is in shared/src/billing/process-event-message.ts).
import type { CloudEvent } from '@google-cloud/functions-framework';
import { z } from 'zod';
import { processEventMessage, type MessageDeps, type MessageResult } from '@billing/shared/billing/process-event-message.js';

/** The CloudEvent data of a Pub/Sub push (message.data is base64). */
export interface MessagePublishedData {
  message?: { data?: string; attributes?: Record<string, string>; messageId?: string; publishTime?: string };
  subscription?: string;
}

const MessagePublished = z.object({
  message: z.object({
    data: z.string().default(''),
    attributes: z.record(z.string(), z.string()).nullish().transform((a) => a ?? {}),
    messageId: z.string().optional(),
  }),
});

export type StripeEventHandler = (event: CloudEvent<MessagePublishedData>) => Promise<void>;

export function createStripeEventHandler(deps: MessageDeps, onResult?: (result: MessageResult) => void): StripeEventHandler {
  return async (cloudEvent) => {
    const parsed = MessagePublished.safeParse(cloudEvent.data);
    // Not a Pub/Sub message at all: nothing to dead-letter, and retrying cannot help.
    const message = parsed.success ? parsed.data.message : { data: '', attributes: {} };
    if (!parsed.success) deps.logger.error({ event: 'stripe_event.not_pubsub', cloudEventId: cloudEvent.id, cloudEventType: cloudEvent.type }, 'CloudEvent is not a Pub/Sub message');
    const result = await processEventMessage(deps, { data: Buffer.from(message.data, 'base64'), attributes: message.attributes });
    onResult?.(result);
  };
}
