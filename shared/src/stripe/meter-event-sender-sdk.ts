// The MeterEventSender over the Stripe SDK: v1 /v1/billing/meter_events. Stripe deduplicates the
// event's `identifier` (for at least 24 h; we resend within minutes). 5xx and network errors are
// retried by the SDK (maxNetworkRetries), 429s here (see below).
import { setTimeout } from 'node:timers/promises';
import type Stripe from 'stripe';
import { SendFailureError, type MeterEvent, type MeterEventSender, type SendFailure } from '../ports/meter-event-sender.js';
import { classifyStripeError } from './classify-stripe-error.js';

/** Stripe's error code for a meter event whose identifier it has already seen. */
export const ALREADY_RECORDED = 'resource_already_exists';

/**
 * The send's reading of a failure, from the one Stripe classifier (classify-stripe-error.ts):
 * only its `transient` is retried (by the next run); a refused key (401/403) is permanent, like
 * any refusal, and logged at ERROR by the caller so an operator fixes it. An error that is not the
 * SDK's (a bug in between) is treated as transient: the report stays claimed and is resent.
 */
export function sendFailureOf(err: unknown): SendFailure {
  const failure = classifyStripeError(err);
  if (failure === null) return { kind: 'transient', code: 'unknown', rateLimited: false };
  if (failure.kind !== 'transient') return { kind: 'permanent', code: failure.code, rateLimited: false };
  return {
    kind: 'transient',
    code: failure.status === null ? failure.code : `${failure.status}:${failure.code}`,
    rateLimited: failure.rateLimited,
  };
}

/**
 * stripe-node retries 5xx, 409 and network errors itself (maxNetworkRetries) but a 429 only when
 * Stripe adds `Stripe-Should-Retry: true`, so rate-limit answers are backed off here: wait
 * `rateLimitBackoffMs[i]` (with jitter) and try again; after that the report stays claimed for the
 * next run, a minute later.
 */
export function createSdkMeterEventSender(stripe: Stripe, rateLimitBackoffMs: readonly number[] = [500, 2_000]): MeterEventSender {
  const once = async (event: MeterEvent) => {
    await stripe.billing.meterEvents.create({
      event_name: event.eventName,
      payload: { stripe_customer_id: event.customerId, value: String(event.value) },
      identifier: event.identifier,
      timestamp: event.timestamp,
    });
  };
  return {
    async send(event) {
      for (let attempt = 0; ; attempt++) {
        try {
          await once(event);
          return;
        } catch (err) {
          const failure = sendFailureOf(err);
          // A resend of an identifier Stripe already counted (we crashed after the send, or the
          // answer was lost) is refused as `resource_already_exists`: the event IS recorded, once.
          if (failure.code === ALREADY_RECORDED) return;
          const backoff = rateLimitBackoffMs[attempt];
          if (failure.rateLimited && backoff !== undefined) {
            await setTimeout(backoff * (0.5 + Math.random() / 2));
            continue;
          }
          throw new SendFailureError(failure, { cause: err });
        }
      }
    },
  };
}
