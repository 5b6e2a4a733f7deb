// Replays Stripe's own event log (GET /v1/events, kept 30 days) into the events topic: the way to
// recover events the webhook never received (endpoint down for longer than Stripe retries, a
// misconfigured secret). Each event is published exactly as the webhook would publish it; the
// applier's ledger skips the ones it already applied and its order guard skips stale ones.
// Listed events are rendered in the account's default API version at their creation, not the
// endpoint's: those in a version the applier does not read (api-version.ts) are left out and
// counted, and `resync` restores what they changed from Stripe's current state instead. An event
// the webhook would refuse (ids that are not Stripe ids: stripe-event-envelope.ts) is left out and
// counted too, so one odd entry in the log never stops the replay of the others.
import type Stripe from 'stripe';
import type { EventPublisher } from '@billing/shared/ports/event-bus.js';
import type { Logger } from '@billing/shared/logging/logger.js';
import { WEBHOOK_ENABLED_EVENTS } from '@billing/shared/stripe/event-types.js';
import { isReadableApiVersion, PINNED_API_VERSION } from '@billing/shared/stripe/api-version.js';
import { StripeEventEnvelope, eventAttributes } from '@billing/shared/stripe/stripe-event-envelope.js';

export interface ReplayStripeEventsOptions {
  stripe: Stripe;
  publisher: EventPublisher;
  logger: Logger;
  /** Unix seconds: replay events created at or after this. */
  since: number;
  dryRun: boolean;
}

export interface ReplayResult {
  published: number;
  seen: number;
  /** Handled events left out because of the API version they are rendered in, per version. */
  unreadable: Record<string, number>;
  /** Handled events left out because the webhook would refuse them too (not an event of Stripe's shape). */
  malformed: string[];
}

export async function replayStripeEvents(opts: ReplayStripeEventsOptions): Promise<ReplayResult> {
  let published = 0;
  let seen = 0;
  const unreadable: Record<string, number> = {};
  const malformed: string[] = [];
  const handled = new Set<string>(WEBHOOK_ENABLED_EVENTS);
  // Stripe lists newest first; order does not matter to the applier (it is order-safe).
  for await (const event of opts.stripe.events.list({ created: { gte: opts.since }, limit: 100 })) {
    seen++;
    if (!handled.has(event.type)) continue;
    const parsed = StripeEventEnvelope.safeParse(event);
    if (!parsed.success) {
      malformed.push(String(event.id).slice(0, 80));
      continue;
    }
    const envelope = parsed.data;
    if (!isReadableApiVersion(envelope.api_version)) {
      const version = envelope.api_version ?? '(none)';
      unreadable[version] = (unreadable[version] ?? 0) + 1;
      continue;
    }
    if (!opts.dryRun) await opts.publisher.publish({ data: Buffer.from(JSON.stringify(event)), attributes: eventAttributes(envelope) });
    published++;
  }
  opts.logger.info(
    { event: 'ops.stripe_events_replayed', since: opts.since, seen, published, dryRun: opts.dryRun },
    'Stripe events replayed',
  );
  if (Object.keys(unreadable).length > 0) {
    opts.logger.warn(
      { event: 'ops.stripe_events_unreadable', unreadable, pinnedApiVersion: PINNED_API_VERSION },
      'events rendered in an API version the applier does not read were not replayed: run `resync` for their customers (or all)',
    );
  }
  if (malformed.length > 0) {
    opts.logger.warn(
      { event: 'ops.stripe_events_malformed', count: malformed.length, eventIds: malformed.slice(0, 20) },
      'events the webhook would refuse were not replayed',
    );
  }
  return { published, seen, unreadable, malformed };
}
