// The `created` filter of Stripe's list endpoints: an exact unix time, or a range of any of
// gt / gte / lt / lte (https://docs.stripe.com/api/subscriptions/list#list_subscriptions-created).
import { z } from 'zod';
import { formInt } from '../http/request-params.js';

export const CreatedRange = z.union([
  formInt,
  z.strictObject({ gt: formInt.optional(), gte: formInt.optional(), lt: formInt.optional(), lte: formInt.optional() }),
]);
export type CreatedRange = z.infer<typeof CreatedRange>;

/** Whether `t` (unix seconds) passes the filter; no filter passes everything. */
export function inCreatedRange(range: CreatedRange | undefined, t: number): boolean {
  if (range === undefined) return true;
  if (typeof range === 'number') return t === range;
  return (
    (range.gt === undefined || t > range.gt) &&
    (range.gte === undefined || t >= range.gte) &&
    (range.lt === undefined || t < range.lt) &&
    (range.lte === undefined || t <= range.lte)
  );
}
