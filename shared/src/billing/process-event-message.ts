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

export async function processEventMessage(deps: MessageDeps, message: PublishedMessage): Promise<MessageResult> {
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
    else logger.info({ event: 'stripe_event.applied', ...fields }, 'stripe event processed');
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
