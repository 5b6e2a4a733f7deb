// The retry policy, stated once. For one Pub/Sub message:
//  - applied, duplicate, stale, ignored, unmapped, expired   -> return (acknowledge);
//  - permanent failures (classifyFailure): PermanentError (not JSON, not an event, ids that are no
//    Stripe ids, unreadable object, livemode of the other deployment, Stripe refusing the request)
//    and the Firestore errors a retry cannot fix (INVALID_ARGUMENT...: classify-firestore-error.ts)
//    -> publish the original message to the dead-letter topic with a `reason`, ERROR log, return;
//    if that publish fails, throw (the message must not be lost);
//  - anything else (TransientError, Firestore or Stripe outage, contention) -> throw: Pub/Sub
//    redelivers with backoff, and its dead-letter policy ends a message that never succeeds.
import { PermanentError } from '../errors/app-error.js';
import { classifyFirestoreError } from '../firestore/classify-firestore-error.js';
import type { DeadLetterPublisher, PublishedMessage } from '../ports/event-bus.js';
import { noteEventApplied } from '../admin/pipeline-status.js';
import { applyEvent, type ApplierDeps, type ApplyOutcome } from './apply-event.js';
import type { CustomerLanes } from './customer-lanes.js';
import { eventObjectIds, parseEventMessage, type EventEnvelope } from './event-envelope.js';

export interface MessageDeps extends ApplierDeps {
  deadLetter: DeadLetterPublisher;
  /** The deployment's mode: events of the other mode are dead-lettered, never applied. */
  livemode: boolean;
  /** One per process: a customer's concurrent events are applied one at a time (customer-lanes.ts). */
  lanes: CustomerLanes;
}

/** A message as the applier receives it: what was published, and when Pub/Sub accepted it. */
export interface ReceivedMessage extends PublishedMessage {
  /** Pub/Sub's publish time (RFC 3339, from the push body); absent when the delivery does not carry it. */
  publishTime?: string | undefined;
}

export type MessageResult =
  { kind: 'processed'; eventId: string; outcome: ApplyOutcome } | { kind: 'dead_lettered'; eventId: string | null; reason: string };

/**
 * The one place a failure is judged: the reason to dead-letter it now, or null to throw it (retry).
 * Stripe SDK errors arrive already classified (PermanentError or TransientError) by the Stripe read
 * adapter; schema failures are PermanentErrors (event-envelope.ts, object-payloads.ts).
 */
export function permanentFailureReason(err: unknown): string | null {
  if (err instanceof PermanentError) return err.message;
  if (classifyFirestoreError(err) === 'permanent')
    return `Firestore refused the write: ${err instanceof Error ? err.message : String(err)}`;
  return null;
}

/**
 * How long after Stripe created the event, and after Pub/Sub accepted it, it was applied (ms): the
 * end-to-end SLO's measure (infra/terraform/log_metrics.tf). `created` is in whole seconds, so
 * applyLagMs reads up to 999 ms long; a clock behind Stripe's reads 0, not a negative lag.
 */
export function applyLag(
  createdSeconds: number,
  publishTime: string | undefined,
  appliedAtMs: number,
): { applyLagMs: number; publishLagMs?: number } {
  const applyLagMs = Math.max(0, appliedAtMs - createdSeconds * 1000);
  const publishedAtMs = publishTime === undefined ? NaN : Date.parse(publishTime);
  return Number.isNaN(publishedAtMs) ? { applyLagMs } : { applyLagMs, publishLagMs: Math.max(0, appliedAtMs - publishedAtMs) };
}

export async function processEventMessage(deps: MessageDeps, message: ReceivedMessage): Promise<MessageResult> {
  const { logger } = deps;
  let event: EventEnvelope | null = null;
  try {
    const parsed = parseEventMessage(message.data);
    event = parsed;
    if (parsed.livemode !== deps.livemode)
      throw new PermanentError(`livemode ${parsed.livemode} event in a livemode ${deps.livemode} deployment`);
    // From the event itself, not the message attributes (a replayed or hand-published message may lack them).
    const { customerId } = eventObjectIds(parsed);
    const outcome = await deps.lanes.run(customerId ?? parsed.id, () => applyEvent(deps, parsed));
    const fields = { eventId: event.id, type: event.type, created: event.created, outcome, customerId };
    if (outcome === 'unmapped')
      logger.warn(
        { event: 'stripe_event.customer_unmapped', ...fields },
        'no user maps to this Stripe customer; object stored without a user',
      );
    else if (outcome === 'expired')
      logger.warn(
        { event: 'stripe_event.expired', ...fields, maxEventAgeSeconds: deps.maxEventAgeSeconds },
        'event older than the maximum age dropped',
      );
    else {
      // A duplicate was applied at an earlier delivery: this delivery's lag is not the event's.
      const lag = outcome === 'duplicate' ? {} : applyLag(event.created, message.publishTime, deps.clock.now());
      logger.info({ event: 'stripe_event.applied', ...fields, ...lag }, 'stripe event processed');
    }
    // The console's "last event applied" and apply lag (throttled; never fails the event).
    await noteEventApplied(deps, event, outcome);
    return { kind: 'processed', eventId: event.id, outcome };
  } catch (err) {
    const eventId = event?.id ?? message.attributes['eventId'] ?? null;
    const permanent = permanentFailureReason(err);
    if (permanent === null) {
      logger.warn(
        { event: 'stripe_event.retry', eventId, type: event?.type ?? message.attributes['type'] ?? null, err },
        'stripe event failed; Pub/Sub will redeliver',
      );
      throw err;
    }
    const reason = permanent.slice(0, 1024);
    // Throws if the publish fails: then Pub/Sub redelivers and we try again.
    await deps.deadLetter.publish({ data: message.data, attributes: { ...message.attributes, reason } });
    logger.error(
      { event: 'stripe_event.dead_lettered', eventId, type: event?.type ?? message.attributes['type'] ?? null, reason },
      `stripe event ${eventId ?? '(unparsable)'} dead-lettered`,
    );
    return { kind: 'dead_lettered', eventId, reason };
  }
}
