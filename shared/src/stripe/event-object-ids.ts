// What every part of the pipeline derives from a Stripe event's `data.object` the same way: the
// object's id, and the Stripe customer the event concerns (`customer`, expanded or not, or the
// object itself when it is a customer). The webhook puts them in the Pub/Sub attributes; the
// applier keys its ledger entries, prefetches and per-customer lanes on them.
export interface EventObjectIds {
  objectId: string | null;
  customerId: string | null;
}

export function eventObjectIds(object: Readonly<Record<string, unknown>>): EventObjectIds {
  const objectId = typeof object['id'] === 'string' && object['id'] !== '' ? object['id'] : null;
  if (object['object'] === 'customer') return { objectId, customerId: objectId };
  const customer = object['customer'];
  const customerId =
    typeof customer === 'string' ? customer : customer && typeof customer === 'object' && 'id' in customer && typeof customer.id === 'string' ? customer.id : null;
  return { objectId, customerId };
}
