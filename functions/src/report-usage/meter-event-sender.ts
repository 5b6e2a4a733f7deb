// The one Stripe call of usage reporting: a Billing Meter event (v1 /v1/billing/meter_events).
// The `identifier` is ours and deterministic (the usage report doc id), so a resend after a crash
// or a timeout is deduplicated by Stripe (for at least 24 h; we resend within minutes).
// 5xx and network errors are retried by the SDK (maxNetworkRetries), 429s here (see below).
import { setTimeout } from 'node:timers/promises';
import type Stripe from 'stripe';

export interface MeterEvent {
  readonly identifier: string;
  readonly eventName: string;
  readonly customerId: string;
  readonly value: number;
  /** Unix seconds, inside Stripe's window (35 days back, 5 minutes ahead). */
  readonly timestamp: number;
}

/** Why a send failed: `permanent` will fail again however often it is retried (bad customer, bad meter). */
export type SendFailure = { readonly kind: 'transient' | 'permanent'; readonly code: string };

export interface MeterEventSender {
  /** Resolves when Stripe accepted the event (or already had its identifier); rejects with a SendFailureError. */
  send(event: MeterEvent): Promise<void>;
}

export class SendFailureError extends Error {
  constructor(
    readonly failure: SendFailure,
    options?: ErrorOptions,
  ) {
    super(`meter event not sent: ${failure.kind} ${failure.code}`, options);
    this.name = 'SendFailureError';
  }
}

/** Stripe's error code for a meter event whose identifier it has already seen. */
export const ALREADY_RECORDED = 'resource_already_exists';

/** 4xx other than 409/429 is a request Stripe will keep refusing; anything else may pass later. */
export function classifyStripeError(err: unknown): SendFailure {
  const field = (name: string): unknown => (typeof err === 'object' && err !== null && name in err ? (err as Record<string, unknown>)[name] : undefined);
  const statusCode = field('statusCode');
  const status = typeof statusCode === 'number' ? statusCode : null;
  const rawCode = field('code') ?? field('type');
  const code = typeof rawCode === 'string' ? rawCode : 'unknown';
  if (status !== null && status >= 400 && status < 500 && status !== 409 && status !== 429) return { kind: 'permanent', code };
  if (code === ALREADY_RECORDED) return { kind: 'permanent', code };
  return { kind: 'transient', code: status === null ? code : `${status}:${code}` };
}

/**
 * stripe-node retries 5xx, 409 and network errors itself (maxNetworkRetries) but a 429 only when
 * Stripe adds `Stripe-Should-Retry: true`, so rate-limit answers are backed off here: wait
 * `rateLimitBackoffMs[i]` (with jitter) and try again; after that the report stays claimed for the
 * next run, a minute later.
 */
export function stripeMeterEventSender(stripe: Stripe, rateLimitBackoffMs: readonly number[] = [500, 2_000]): MeterEventSender {
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
          const failure = classifyStripeError(err);
          // A resend of an identifier Stripe already counted (we crashed after the send, or the
          // answer was lost) is refused as `resource_already_exists`: the event IS recorded, once.
          if (failure.code === ALREADY_RECORDED) return;
          const backoff = rateLimitBackoffMs[attempt];
          if (failure.code.startsWith('429:') && backoff !== undefined) {
            await setTimeout(backoff * (0.5 + Math.random() / 2));
            continue;
          }
          throw new SendFailureError(failure, { cause: err });
        }
      }
    },
  };
}
