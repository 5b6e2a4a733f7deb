// `items[n]` of `POST /v1/subscriptions/:id`, as Stripe reads them: `id` + `price`/`quantity`
// changes an item, `price` without `id` adds one, `id` + `deleted=true` removes one. Everything is
// checked against the subscription before anything changes, so a refused request changes nothing;
// each refusal is a 400 naming the parameter (`items[1][id]`), as Stripe's are.
import type Stripe from 'stripe';
import { z } from 'zod';
import type { BillingContext } from '../billing/billing-context.js';
import type { ItemChange } from '../billing/subscription-item-changes.js';
import { formBool, formInt } from '../http/request-params.js';
import { invalidParam, missingParam, noSuchResource } from '../http/stripe-error.js';

export const ItemParam = z.strictObject({
  id: z.string().optional(),
  price: z.string().optional(),
  quantity: formInt.pipe(z.number().min(1)).optional(),
  deleted: formBool.optional(),
});
export type ItemParam = z.infer<typeof ItemParam>;

const isMetered = (price: Stripe.Price) => price.recurring?.usage_type === 'metered';

function priceOrThrow(ctx: BillingContext, id: string, param: string): Stripe.Price {
  const price = ctx.state.prices.get(id);
  if (!price?.active) throw noSuchResource('price', id, param);
  return price;
}

function checkQuantity(price: Stripe.Price, quantity: number | undefined, param: string): void {
  if (isMetered(price) && quantity !== undefined)
    throw invalidParam(
      param,
      `Quantity should not be specified where usage_type is \`metered\`. Remove quantity from \`${param.replace(/\[quantity\]$/, '')}\`.`,
    );
}

function toChange(ctx: BillingContext, sub: Stripe.Subscription, item: ItemParam, i: number): ItemChange | null {
  const at = (field: string) => `items[${i}][${field}]`;
  if (item.id === undefined) {
    if (item.deleted === true) throw missingParam(at('id'));
    if (item.price === undefined) throw missingParam(at('price'));
    const price = priceOrThrow(ctx, item.price, at('price'));
    checkQuantity(price, item.quantity, at('quantity'));
    return { kind: 'add', price, quantity: isMetered(price) ? undefined : (item.quantity ?? 1) };
  }
  const existing = sub.items.data.find((x) => x.id === item.id);
  if (!existing) throw invalidParam(at('id'), `Invalid subscription item ${item.id}: it does not belong to ${sub.id}`);
  if (item.deleted === true) {
    if (item.price !== undefined || item.quantity !== undefined)
      throw invalidParam(at('deleted'), 'An item that is deleted cannot also set price or quantity.');
    return { kind: 'remove', itemId: existing.id };
  }
  if (item.price === undefined && item.quantity === undefined) return null; // nothing to change
  const price = item.price !== undefined ? priceOrThrow(ctx, item.price, at('price')) : existing.price;
  if (isMetered(price) !== isMetered(existing.price))
    throw invalidParam(at('price'), 'A licensed item cannot be switched to a metered price or back.');
  checkQuantity(price, item.quantity, at('quantity'));
  return { kind: 'update', itemId: existing.id, price, quantity: item.quantity };
}

export function itemChangesOf(ctx: BillingContext, sub: Stripe.Subscription, items: readonly ItemParam[]): ItemChange[] {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (item.id === undefined) return;
    if (seen.has(item.id)) throw invalidParam(`items[${i}][id]`, `Subscription item ${item.id} appears more than once in items.`);
    seen.add(item.id);
  });
  const changes = items.map((item, i) => ({ index: i, change: toChange(ctx, sub, item, i) }));

  // The items the subscription would have, each with the index of the parameter that put it there.
  const result = new Map<string, { price: Stripe.Price; index: number | null }>(
    sub.items.data.map((x) => [x.id, { price: x.price, index: null }]),
  );
  let lastLicensedRemoval: number | null = null;
  for (const { index, change } of changes) {
    if (change === null) continue;
    if (change.kind === 'remove') {
      const removed = result.get(change.itemId);
      if (removed && !isMetered(removed.price)) lastLicensedRemoval = index;
      result.delete(change.itemId);
    } else if (change.kind === 'update') result.set(change.itemId, { price: change.price, index });
    else result.set(`new:${index}`, { price: change.price, index });
  }
  const prices = new Map<string, number | null>();
  for (const { price, index } of result.values()) {
    if (prices.has(price.id)) {
      const param = index ?? prices.get(price.id) ?? null;
      throw invalidParam(
        param === null ? 'items' : `items[${param}][price]`,
        `Cannot add multiple subscription items with the same price: ${price.id}`,
      );
    }
    prices.set(price.id, index);
  }
  const licensed = [...result.values()].filter((x) => !isMetered(x.price));
  if (licensed.length === 0) {
    throw invalidParam(
      lastLicensedRemoval === null ? 'items' : `items[${lastLicensedRemoval}][deleted]`,
      'A subscription must keep at least one licensed (non-metered) item; cancel the subscription instead.',
    );
  }
  const interval = licensed[0]?.price.recurring?.interval;
  const mismatch = licensed.find((x) => x.price.recurring?.interval !== interval);
  if (mismatch) {
    // Flexible billing allows mixed intervals at Stripe; the stand-in keeps licensed items on one period.
    throw invalidParam(
      mismatch.index === null ? 'items' : `items[${mismatch.index}][price]`,
      'The Stripe stand-in keeps all licensed items on one billing interval.',
    );
  }
  return changes.flatMap(({ change }) => (change ? [change] : []));
}
