// The CloudEvent handler, built from injected dependencies (no client is created here). Pub/Sub
// delivers `google.cloud.pubsub.topic.v1.messagePublished`; returning acknowledges, throwing makes
// Pub/Sub redeliver (the retry policy itself is in shared/src/billing/process-event-message.ts).
// Each message is handled in the trace of the webhook request that published it (or of the push
// request when it carries none), so every line down to the use cases carries that trace.
import type { CloudEvent } from '@google-cloud/functions-framework';
import { z } from 'zod';
import { processEventMessage, type MessageDeps, type MessageResult } from '@billing/shared/billing/process-event-message.js';
import { runForPushedMessage } from '@billing/shared/pubsub/message-trace.js';
import type { Tracing } from '@billing/shared/tracing/start-tracing.js';

/** The CloudEvent data of a Pub/Sub push (message.data is base64). */
const MessagePublished = z.object({
  message: z.object({
    data: z.string().default(''),
    attributes: z
      .record(z.string(), z.string())
      .nullish()
      .transform((a) => a ?? {}),
    messageId: z.string().optional(),
    /** When Pub/Sub accepted the message: the start of the applier's publish lag (applyLag). */
    publishTime: z.string().optional(),
  }),
});

/** The CloudEvent's data is unknown until MessagePublished parses it (the one description of a push message). */
export type StripeEventHandler = (event: CloudEvent<unknown>) => Promise<void>;

/** The Pub/Sub message a push delivery carries, or null when the CloudEvent is not one. */
export function pushedMessage(data: unknown): z.output<typeof MessagePublished>['message'] | null {
  const parsed = MessagePublished.safeParse(data);
  return parsed.success ? parsed.data.message : null;
}

export interface StripeEventHandlerDeps extends MessageDeps {
  /** For the trace field of log lines; lines carry no trace without it. */
  projectId?: string;
  /** Flushed after each message: between deliveries the instance may get no CPU to send spans. */
  tracing?: Tracing;
}

/** The push request's `traceparent`, which functions-framework copies onto the CloudEvent. */
export function pushTraceparent(cloudEvent: CloudEvent<unknown>): string | undefined {
  const value = cloudEvent['traceparent'];
  return typeof value === 'string' ? value : undefined;
}

export function createStripeEventHandler(deps: StripeEventHandlerDeps, onResult?: (result: MessageResult) => void): StripeEventHandler {
  return async (cloudEvent) => {
    const pushed = pushedMessage(cloudEvent.data);
    // Not a Pub/Sub message at all: nothing to dead-letter, and retrying cannot help.
    const message = pushed ?? { data: '', attributes: {}, messageId: undefined, publishTime: undefined };
    const scope = {
      projectId: deps.projectId,
      name: 'stripe-events process',
      attributes: message.attributes,
      messageId: message.messageId,
      pushTraceparent: pushTraceparent(cloudEvent),
    };
    try {
      await runForPushedMessage(scope, async () => {
        if (!pushed)
          deps.logger.error(
            { event: 'stripe_event.not_pubsub', cloudEventId: cloudEvent.id, cloudEventType: cloudEvent.type },
            'CloudEvent is not a Pub/Sub message',
          );
        const result = await processEventMessage(deps, {
          data: Buffer.from(message.data, 'base64'),
          attributes: message.attributes,
          publishTime: message.publishTime,
        });
        onResult?.(result);
      });
    } finally {
      await deps.tracing?.flush();
    }
  };
}
