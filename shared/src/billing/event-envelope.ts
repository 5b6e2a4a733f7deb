// The Pub/Sub message body is the verified Stripe event exactly as Stripe sent it. The applier
// trusts nothing in it until this parses: only the fields the applier uses are validated here;
// each handler validates its own `data.object` shape (object-payloads.ts). The ids are checked with
// the webhook's grammar (stripe-ids.ts): a message that did not come through the webhook (replayed,
// hand-published) and carries an id that is no Stripe id is refused here, before it names a document.
import { z } from 'zod';
import { PermanentError } from '../errors/app-error.js';
import { eventObjectIdProblem, eventObjectIds as objectIdsOf, type EventObjectIds } from '../stripe/event-object-ids.js';
import { stripeId } from '../stripe/stripe-ids.js';

export const EventEnvelope = z.object({
  id: stripeId('evt'),
  type: z.string().min(1),
  created: z.number().int().nonnegative(),
  livemode: z.boolean(),
  data: z.object({
    object: z.record(z.string(), z.unknown()).superRefine((object, ctx) => {
      const problem = eventObjectIdProblem(object);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
    }),
  }),
});
export type EventEnvelope = z.infer<typeof EventEnvelope>;

/** Parses the raw message data; anything that is not a Stripe event is a poison message. */
export function parseEventMessage(data: Buffer): EventEnvelope {
  let json: unknown;
  try {
    json = JSON.parse(data.toString('utf8'));
  } catch {
    throw new PermanentError('message data is not JSON');
  }
  const parsed = EventEnvelope.safeParse(json);
  if (!parsed.success) throw new PermanentError(`message is not a Stripe event: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** The event's object id and the Stripe customer it concerns (stripe/event-object-ids.ts). */
export function eventObjectIds(event: EventEnvelope): EventObjectIds {
  return objectIdsOf(event.data.object);
}
