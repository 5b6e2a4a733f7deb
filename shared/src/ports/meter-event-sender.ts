// The one outgoing call of usage reporting: a Billing Meter event. Implemented over the Stripe SDK
// in stripe/meter-event-sender-sdk.ts. The `identifier` is ours and deterministic (the usage
// report doc id), so a resend after a crash or a timeout is counted once.

export interface MeterEvent {
  readonly identifier: string;
  readonly eventName: string;
  readonly customerId: string;
  readonly value: number;
  /** Unix seconds, inside Stripe's window (35 days back, 5 minutes ahead). */
  readonly timestamp: number;
}

/**
 * Why a send failed: `permanent` will fail again however often it is retried (bad customer, bad
 * meter, a refused key); `rateLimited` is worth a short backoff inside the run.
 */
export type SendFailure = { readonly kind: 'transient' | 'permanent'; readonly code: string; readonly rateLimited: boolean };

export interface MeterEventSender {
  /** Resolves when Stripe accepted the event (or already had its identifier); rejects with a SendFailureError. */
  send(event: MeterEvent): Promise<void>;
}

/** The one rejection a sender gives for a failure it has read; anything else is a bug in between. */
export class SendFailureError extends Error {
  constructor(
    readonly failure: SendFailure,
    options?: ErrorOptions,
  ) {
    super(`meter event not sent: ${failure.kind} ${failure.code}`, options);
    this.name = 'SendFailureError';
  }
}
