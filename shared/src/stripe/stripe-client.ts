// Builds the one Stripe SDK client a deployable uses. `apiBase` points it at the local Stripe
// stand-in (http://127.0.0.1:12111); production leaves it unset. The SDK pins the API version.
import Stripe from 'stripe';

export interface StripeClientOptions {
  secretKey: string;
  apiBase?: string | undefined;
  maxNetworkRetries?: number;
  timeoutMs?: number;
}

export function createStripeClient(opts: StripeClientOptions): Stripe {
  const config: Stripe.StripeConfig = {
    maxNetworkRetries: opts.maxNetworkRetries ?? 2,
    timeout: opts.timeoutMs ?? 10_000,
    telemetry: false,
  };
  if (opts.apiBase) {
    const url = new URL(opts.apiBase);
    config.host = url.hostname;
    config.port = url.port || (url.protocol === 'https:' ? 443 : 80);
    config.protocol = url.protocol === 'https:' ? 'https' : 'http';
  }
  return new Stripe(opts.secretKey, config);
}

/** A webhook-only client: signature verification needs no key and makes no API calls. */
export function createWebhookVerifier(): Stripe.Webhooks {
  return new Stripe('sk_unused_for_webhook_verification').webhooks;
}

/** The verifier's error for a signature that matches no secret or is too old (not a malformed body). */
export function isSignatureMismatch(err: unknown): boolean {
  return err instanceof Stripe.errors.StripeSignatureVerificationError;
}
