// Verifies a delivery's Stripe-Signature on the raw bytes with the Stripe SDK's constructEvent
// (HMAC-SHA256 over `${t}.${body}`, 300 s tolerance) against each configured secret, so a
// secret can be rolled without losing events. Returns a result union instead of throwing, so
// the route decides status codes and log lines in one place.
import type Stripe from 'stripe';
import { isSignatureMismatch } from '@billing/shared/stripe/stripe-client.js';
import { StripeEventEnvelope } from '@billing/shared/stripe/stripe-event-envelope.js';

/** Stripe's own default; stated so a reader does not have to look it up. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export type WebhookVerifier = Pick<Stripe.Webhooks, 'constructEvent'>;

/**
 * Why a delivery is refused (logged as `webhook.<reason>`; the alerting in monitoring.tf names them):
 *  - signature_missing: no Stripe-Signature header;
 *  - signature_invalid: matches no secret, or is older than the tolerance (the SDK does not tell
 *    these apart by type);
 *  - payload_invalid: correctly signed but not JSON, or JSON that is not a Stripe event.
 */
export const VERIFY_FAILURES = ['signature_missing', 'signature_invalid', 'payload_invalid'] as const;
export type VerifyFailure = (typeof VERIFY_FAILURES)[number];

export type VerifyResult = { ok: true; event: StripeEventEnvelope } | { ok: false; reason: VerifyFailure };

export interface VerifyInput {
  payload: Buffer;
  signatureHeader: string | undefined;
  secrets: readonly string[];
  verifier: WebhookVerifier;
  /** Milliseconds since the epoch, for the tolerance check. */
  receivedAtMs: number;
}

export function verifyStripeEvent(input: VerifyInput): VerifyResult {
  if (!input.signatureHeader) return { ok: false, reason: 'signature_missing' };
  for (const secret of input.secrets) {
    let parsed: unknown;
    try {
      parsed = input.verifier.constructEvent(
        input.payload,
        input.signatureHeader,
        secret,
        SIGNATURE_TOLERANCE_SECONDS,
        undefined,
        input.receivedAtMs,
      );
    } catch (err) {
      // constructEvent verifies first and parses after: a SyntaxError means the signature matched.
      if (err instanceof SyntaxError) return { ok: false, reason: 'payload_invalid' };
      if (isSignatureMismatch(err)) continue; // try the next secret
      throw err;
    }
    const envelope = StripeEventEnvelope.safeParse(parsed);
    return envelope.success ? { ok: true, event: envelope.data } : { ok: false, reason: 'payload_invalid' };
  }
  return { ok: false, reason: 'signature_invalid' };
}

/** The `t=` of a Stripe-Signature header, for logging how old a refused signature was. */
export function signatureTimestamp(header: string): number | undefined {
  const t = header
    .split(',')
    .map((part) => part.trim().split('='))
    .find(([key]) => key === 't')?.[1];
  const seconds = t === undefined ? NaN : Number(t);
  return Number.isInteger(seconds) ? seconds : undefined;
}
