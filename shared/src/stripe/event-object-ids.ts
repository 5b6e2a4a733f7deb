// What every part of the pipeline derives from a Stripe event's `data.object` the same way: the
// object's id, and the Stripe customer the event concerns (`customer`, expanded or not, or the
// object itself when it is a customer). The webhook puts them in the Pub/Sub attributes; the
// applier keys its ledger entries, prefetches and per-customer lanes on them, so both refuse an
// object whose ids are not Stripe ids of the expected shape (stripe-ids.ts).
import { isAnyStripeId, isStripeId, OBJECT_ID_PREFIX } from './stripe-ids.js';

export interface EventObjectIds {
  objectId: string | null;
  customerId: string | null;
}

export function eventObjectIds(object: Readonly<Record<string, unknown>>): EventObjectIds {
  const objectId = typeof object['id'] === 'string' && object['id'] !== '' ? object['id'] : null;
  if (object['object'] === 'customer') return { objectId, customerId: objectId };
  const customer = object['customer'];
  const customerId =
    typeof customer === 'string'
      ? customer
      : customer && typeof customer === 'object' && 'id' in customer && typeof customer.id === 'string'
        ? customer.id
        : null;
  return { objectId, customerId };
}

/**
 * Why the object's ids are not Stripe ids of the expected shape, or null when they are: its own id
 * (with the prefix of its `object` type when we know it) and its customer (`cus_`). Absent ids are
 * fine (an entitlement summary has no id; many objects have no customer).
 */
export function eventObjectIdProblem(object: Readonly<Record<string, unknown>>): string | null {
  const id = object['id'];
  if (id !== undefined) {
    const type = typeof object['object'] === 'string' ? object['object'] : undefined;
    const prefix = type === undefined ? undefined : OBJECT_ID_PREFIX.get(type);
    if (prefix !== undefined ? !isStripeId(prefix, id) : !isAnyStripeId(id))
      return `data.object.id is not a Stripe ${prefix ?? 'object'} id`;
  }
  const customer = object['customer'];
  if (customer !== undefined && customer !== null) {
    const customerId = typeof customer === 'object' && 'id' in customer ? customer.id : customer;
    if (!isStripeId('cus', customerId)) return 'data.object.customer is not a Stripe cus_ id';
  }
  return null;
}
