// POST /stripe/webhook: verify, check livemode, publish the raw bytes, and answer 200 only once
// Pub/Sub has acknowledged the publish. Stripe treats any 2xx as delivered and never retries it,
// so every failure after verification answers 5xx (Stripe retries for up to 3 days in live mode).
import type { RequestHandler } from 'express';
import { AppError, badRequest } from '@billing/shared/errors/app-error.js';
import { annotateAccessLine, requestLogger } from '@billing/shared/http/request-logging.js';
import type { Logger } from '@billing/shared/logging/logger.js';
import type { Clock } from '@billing/shared/ports/clock.js';
import type { EventPublisher } from '@billing/shared/ports/event-bus.js';
import { isReadableApiVersion, OLDEST_READABLE_API_VERSION, PINNED_API_VERSION } from '@billing/shared/stripe/api-version.js';
import { eventAttributes } from '@billing/shared/stripe/stripe-event-envelope.js';
import { signatureTimestamp, verifyStripeEvent, type VerifyFailure, type WebhookVerifier } from './verify-stripe-event.js';

export interface ReceiveStripeEventDeps {
  publisher: EventPublisher;
  verifier: WebhookVerifier;
  secrets: readonly string[];
  livemode: boolean;
  orderByCustomer: boolean;
  logger: Logger;
  clock: Clock;
}

const CLIENT_MESSAGE: { [K in VerifyFailure]: string } = {
  signature_missing: 'Missing Stripe-Signature header',
  signature_invalid: 'Invalid or expired Stripe signature',
  payload_invalid: 'Payload is not a Stripe event',
};

export function receiveStripeEvent(deps: ReceiveStripeEventDeps): RequestHandler {
  return async (req, res) => {
    // Only the failure paths log here (success is the access line): the request logger is made on demand.
    const log = () => requestLogger(req, deps.logger);
    // express.raw leaves the body undefined when the request has none.
    const payload: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const signatureHeader = req.get('stripe-signature');
    const receivedAtMs = deps.clock.now();

    const verified = verifyStripeEvent({ payload, signatureHeader, secrets: deps.secrets, verifier: deps.verifier, receivedAtMs });
    if (!verified.ok) {
      const t = signatureHeader ? signatureTimestamp(signatureHeader) : undefined;
      log().warn(
        {
          event: `webhook.${verified.reason}`,
          bytes: payload.length,
          ...(t !== undefined ? { signatureAgeSeconds: Math.floor(receivedAtMs / 1000) - t } : {}),
        },
        CLIENT_MESSAGE[verified.reason],
      );
      throw badRequest(CLIENT_MESSAGE[verified.reason]);
    }

    const event = verified.event;
    const ids = { eventId: event.id, type: event.type };
    if (event.livemode !== deps.livemode) {
      // A test-mode endpoint fed live events (or the reverse) is a misconfiguration: refuse loudly.
      log().warn(
        { event: 'webhook.livemode_mismatch', ...ids, eventLivemode: event.livemode, expectedLivemode: deps.livemode },
        'event livemode does not match this deployment',
      );
      throw badRequest('Event livemode does not match this endpoint');
    }
    if (!isReadableApiVersion(event.api_version)) {
      // The endpoint was registered in another API version (often the account's default): its
      // payloads have other shapes. Refused so Stripe retries and the alert fires; nothing is applied.
      log().warn(
        {
          event: 'webhook.api_version_unsupported',
          ...ids,
          eventApiVersion: event.api_version ?? null,
          readable: `${OLDEST_READABLE_API_VERSION} to ${PINNED_API_VERSION}`,
        },
        'event rendered in an API version this deployment does not read',
      );
      throw badRequest(
        `Event API version ${event.api_version ?? '(none)'} is not read here: register the endpoint with api_version ${PINNED_API_VERSION}`,
      );
    }

    let messageId: string;
    try {
      const attributes = eventAttributes(event);
      messageId = await deps.publisher.publish({
        data: payload,
        attributes,
        orderingKey: deps.orderByCustomer ? attributes['customerId'] : undefined,
      });
    } catch (err) {
      log().error({ event: 'webhook.publish_failed', ...ids, err }, 'could not publish the event; Stripe will retry');
      throw new AppError('upstream_unavailable', 'Event not accepted yet; retry later', {}, { cause: err });
    }
    // One line per delivered event: the access line, named and carrying the ids.
    annotateAccessLine(
      res,
      { event: 'webhook.event_published', ...ids, messageId, publishLatencyMs: deps.clock.now() - receivedAtMs },
      'event published',
    );
    res.status(200).json({ received: true, messageId });
  };
}
