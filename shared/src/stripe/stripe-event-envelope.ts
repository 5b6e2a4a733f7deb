// The few fields of a verified Stripe event the webhook (and the replay tool) read to route it.
// published as the raw bytes Stripe signed; this parse only checks that it is an event and
// derives the Pub/Sub attributes (the message convention shared with the event applier).
import { z } from 'zod';
import { eventObjectIds } from './event-object-ids.js';

const ExpandableId = z.union([z.string(), z.object({ id: z.string() })]);

export const StripeEventEnvelope = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  created: z.number().int().nonnegative(),
  livemode: z.boolean(),
  /** The API version the payload is rendered in (api-version.ts says which ones are read). */
  api_version: z.string().nullish(),
  data: z.object({
    object: z.object({
      id: z.string().min(1).optional(),
      object: z.string().optional(),
      customer: ExpandableId.nullish(),
    }),
  }),
});
export type StripeEventEnvelope = z.infer<typeof StripeEventEnvelope>;

/** Message attributes: eventId, type, created (unix s), livemode, and customerId/objectId when known. */
export function eventAttributes(event: StripeEventEnvelope): Record<string, string> {
  const attributes: Record<string, string> = {
    eventId: event.id,
    type: event.type,
    created: String(event.created),
    livemode: String(event.livemode),
  };
  const { objectId, customerId } = eventObjectIds(event.data.object);
  if (customerId) attributes['customerId'] = customerId;
  if (objectId) attributes['objectId'] = objectId;
  return attributes;
}
