// Invoice items (`/v1/invoiceitems`): how Stripe carries a subscription change's prorations. Each
// proration line becomes a pending invoice item (`invoice: null`) on the subscription; the next
// invoice made for the subscription (the renewal, or the invoice a change makes at once) takes
// every pending item of it as a line ahead of its own lines and sets the items' `invoice`.
import Stripe from 'stripe';
import type { BillingContext } from './billing-context.js';
import type { CreditedDebit, InvoiceLine } from './invoice-object.js';
import { newId } from './object-ids.js';
import type { StandInState } from './stand-in-state.js';

const productIdOf = (price: Stripe.Price) => (typeof price.product === 'string' ? price.product : price.product.id);

function creditedItems(credits: CreditedDebit | undefined): Stripe.InvoiceItem.ProrationDetails.CreditedItems | null {
  if (!credits) return null;
  if ('invoiceItem' in credits) return { type: 'invoice_item', invoice_item: credits.invoiceItem };
  return { type: 'invoice_line_items', invoice_line_item_details: { invoice: credits.invoice, invoice_line_items: [credits.line] } };
}

/** Records a subscription's proration lines as pending invoice items, in order, each with its `invoiceitem.created`. */
export function createProrationItems(
  ctx: BillingContext,
  subscription: Stripe.Subscription,
  customerId: string,
  lines: readonly InvoiceLine[],
): void {
  for (const line of lines) {
    const { price, subscriptionItem } = line;
    if (!price || !subscriptionItem) throw new Error('a proration names its price and subscription item');
    const quantity = line.quantity ?? 1;
    const item: Stripe.InvoiceItem = {
      id: newId('ii'),
      object: 'invoiceitem',
      amount: line.amount,
      currency: 'usd',
      customer: customerId,
      customer_account: null,
      date: ctx.clock.now(),
      description: line.description,
      discountable: false,
      discounts: [],
      invoice: null,
      livemode: false,
      metadata: {},
      parent: {
        type: 'subscription_details',
        subscription_details: { subscription: subscription.id, subscription_item: subscriptionItem },
      },
      period: line.period,
      pricing: {
        type: 'price_details',
        price_details: { price: price.id, product: productIdOf(price) },
        unit_amount_decimal: price.unit_amount_decimal,
      },
      proration: line.proration,
      proration_details: { credited_items: creditedItems(line.credits), discount_amounts: [] },
      quantity,
      quantity_decimal: Stripe.Decimal.from(String(quantity)),
      tax_rates: [],
      test_clock: null,
    };
    ctx.state.invoiceItems.set(item.id, item);
    ctx.events.emit('invoiceitem.created', item);
  }
}

/** The subscription's invoice items no invoice has taken yet, oldest first. */
export function pendingInvoiceItems(state: StandInState, subscriptionId: string): Stripe.InvoiceItem[] {
  return [...state.invoiceItems.values()].filter(
    (item) => item.invoice === null && item.parent?.subscription_details?.subscription === subscriptionId,
  );
}

function debitOf(item: Stripe.InvoiceItem): CreditedDebit | undefined {
  const credited = item.proration_details?.credited_items;
  if (credited?.invoice_item) return { invoiceItem: credited.invoice_item };
  const details = credited?.invoice_line_item_details;
  const line = details?.invoice_line_items[0];
  return details && line ? { invoice: details.invoice, line } : undefined;
}

/** An invoice item as the line an invoice bills it on. */
export function invoiceItemLine(state: StandInState, item: Stripe.InvoiceItem): InvoiceLine {
  const priceId = item.pricing?.price_details?.price;
  const price = typeof priceId === 'string' ? (state.prices.get(priceId) ?? null) : (priceId ?? null);
  const credits = debitOf(item);
  return {
    description: item.description ?? '',
    amount: item.amount,
    price,
    quantity: item.quantity,
    subscriptionItem: item.parent?.subscription_details?.subscription_item ?? null,
    proration: item.proration,
    period: item.period,
    invoiceItem: item.id,
    ...(credits ? { credits } : {}),
  };
}
