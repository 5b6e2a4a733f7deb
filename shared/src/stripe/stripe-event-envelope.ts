// The few fields of a verified Stripe event the webhook (and the replay tool) read to route it.
// published as the raw bytes Stripe signed; this parse only checks that it is an event whose ids are
// Stripe ids (stripe-ids.ts: the applier turns them into document paths, so an event that would
// fail there is refused here, 400, before it is published) and derives the Pub/Sub attributes (the
// message convention shared with the event applier).
import { z } from 'zod';
import { eventObjectIdProblem, eventObjectIds } from './event-object-ids.js';
import { stripeId } from './stripe-ids.js';

const ExpandableId = z.union([z.string(), z.object({ id: z.string() })]);

export const StripeEventEnvelope = z.object({
  id: stripeId('evt'),
  type: z.string().min(1),
  created: z.number().int().nonnegative(),
  livemode: z.boolean(),
  /** The API version the payload is rendered in (api-version.ts says which ones are read). */
  api_version: z.string().nullish(),
  data: z.object({
    object: z
      .object({
        id: z.string().optional(),
        object: z.string().optional(),
        customer: ExpandableId.nullish(),
      })
      .superRefine((object, ctx) => {
        const problem = eventObjectIdProblem(object);
        if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
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
