// The one Stripe call of usage reporting: a Billing Meter event (v1 /v1/billing/meter_events).
// The `identifier` is ours and deterministic (the usage report doc id), so a resend after a crash
// or a timeout is deduplicated by Stripe (for at least 24 h; we resend within minutes). 429s and
// network errors are retried by the SDK with backoff (maxNetworkRetries on the client).
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

/** 4xx other than 409/429 is a request Stripe will keep refusing; anything else may pass later. */
export function classifyStripeError(err: unknown): SendFailure {
  const field = (name: string): unknown => (typeof err === 'object' && err !== null && name in err ? (err as Record<string, unknown>)[name] : undefined);
  const statusCode = field('statusCode');
  const status = typeof statusCode === 'number' ? statusCode : null;
  const rawCode = field('code') ?? field('type');
  const code = typeof rawCode === 'string' ? rawCode : 'unknown';
  if (status !== null && status >= 400 && status < 500 && status !== 409 && status !== 429) return { kind: 'permanent', code };
  return { kind: 'transient', code: status === null ? code : `${status}:${code}` };
}

export function stripeMeterEventSender(stripe: Stripe): MeterEventSender {
  return {
    async send(event) {
      try {
        await stripe.billing.meterEvents.create({
          event_name: event.eventName,
          payload: { stripe_customer_id: event.customerId, value: String(event.value) },
          identifier: event.identifier,
          timestamp: event.timestamp,
        });
      } catch (err) {
        throw new SendFailureError(classifyStripeError(err), { cause: err });
      }
    },
  };
}
