// The few fields of a verified Stripe event the webhook (and the replay tool) read to route it.
// published as the raw bytes Stripe signed; this parse only checks that it is an event and
// derives the Pub/Sub attributes (the message convention shared with the event applier).
import { z } from 'zod';

const ExpandableId = z.union([z.string(), z.object({ id: z.string() })]);

export const StripeEventEnvelope = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  created: z.number().int().nonnegative(),
  livemode: z.boolean(),
  data: z.object({
    object: z.object({
      id: z.string().min(1).optional(),
      object: z.string().optional(),
      customer: ExpandableId.nullish(),
    }),
  }),
});
export type StripeEventEnvelope = z.infer<typeof StripeEventEnvelope>;

/** The Stripe customer an event concerns: `data.object.customer`, or the object itself when it is a customer. */
export function customerIdOf(event: StripeEventEnvelope): string | undefined {
  const object = event.data.object;
  if (object.object === 'customer') return object.id;
  const customer = object.customer;
  if (customer == null) return undefined;
  return typeof customer === 'string' ? customer : customer.id;
}

/** Message attributes: eventId, type, created (unix s), livemode, and customerId/objectId when known. */
export function eventAttributes(event: StripeEventEnvelope): Record<string, string> {
  const attributes: Record<string, string> = {
    eventId: event.id,
    type: event.type,
    created: String(event.created),
    livemode: String(event.livemode),
  };
  const customerId = customerIdOf(event);
  if (customerId) attributes['customerId'] = customerId;
  if (event.data.object.id) attributes['objectId'] = event.data.object.id;
  return attributes;
}
