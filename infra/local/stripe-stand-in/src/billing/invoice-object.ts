// Builds Invoice objects in the 2026 API shape: the subscription is at
// `parent.subscription_details.subscription`, payment state is `status` (no `paid`, no charge).
import Stripe from 'stripe';
import { fullList } from '../api/list-page.js';
import { newId } from './object-ids.js';

export interface InvoiceLine {
  description: string;
  amount: number;
  price: Stripe.Price | null;
  quantity: number | null;
  subscriptionItem: string | null;
  proration: boolean;
  period: { start: number; end: number };
  /** The invoice item the line bills (a proration is an invoice item first); none for the subscription's own lines. */
  invoiceItem?: string;
  /** A credit proration's debit: the line of an earlier invoice that charged for the time, or a pending invoice item. */
  credits?: CreditedDebit;
}

export type CreditedDebit = { invoice: string; line: string } | { invoiceItem: string };

export interface NewInvoice {
  customer: Stripe.Customer;
  subscription: Stripe.Subscription;
  billingReason: Stripe.Invoice.BillingReason;
  lines: InvoiceLine[];
  period: { start: number; end: number };
  now: number;
  /** A preview's `upcoming_in_…` id; a new `in_` id otherwise. */
  id?: string;
}

/**
 * What a credit proration credits, as the line names it: the debit's line on an earlier invoice, or
 * (a pending debit invoiced along with its credit) the debit's line on this one.
 */
function creditedItems(
  invoiceId: string,
  credits: CreditedDebit | undefined,
  lineOfItem: ReadonlyMap<string, string>,
): Stripe.InvoiceLineItem.Parent.SubscriptionItemDetails.ProrationDetails.CreditedItems | null {
  if (!credits) return null;
  if ('line' in credits) return { invoice: credits.invoice, invoice_line_items: [credits.line] };
  const line = lineOfItem.get(credits.invoiceItem);
  return line ? { invoice: invoiceId, invoice_line_items: [line] } : null;
}

function lineItem(
  id: string,
  invoiceId: string,
  subscriptionId: string,
  line: InvoiceLine,
  lineOfItem: ReadonlyMap<string, string>,
): Stripe.InvoiceLineItem {
  return {
    id,
    object: 'line_item',
    amount: line.amount,
    currency: 'usd',
    description: line.description,
    discount_amounts: [],
    // Stripe's proration items are not discountable.
    discountable: !line.proration,
    discounts: [],
    invoice: invoiceId,
    livemode: false,
    metadata: {},
    parent: line.subscriptionItem
      ? {
          type: 'subscription_item_details',
          invoice_item_details: null,
          subscription_item_details: {
            invoice_item: line.invoiceItem ?? null,
            proration: line.proration,
            proration_details: { credited_items: creditedItems(invoiceId, line.credits, lineOfItem) },
            subscription: subscriptionId,
            subscription_item: line.subscriptionItem,
          },
        }
      : null,
    period: line.period,
    pretax_credit_amounts: [],
    pricing: line.price
      ? {
          type: 'price_details',
          price_details: {
            price: line.price.id,
            product: typeof line.price.product === 'string' ? line.price.product : line.price.product.id,
          },
          unit_amount_decimal: line.price.unit_amount_decimal,
        }
      : null,
    quantity: line.quantity,
    quantity_decimal: line.quantity === null ? null : Stripe.Decimal.from(String(line.quantity)),
    subscription: subscriptionId,
    subtotal: line.amount,
    taxes: [],
  };
}

export function invoiceObject(input: NewInvoice): Stripe.Invoice {
  const id = input.id ?? newId('in');
  const total = input.lines.reduce((sum, l) => sum + l.amount, 0);
  const { customer, subscription, now } = input;
  const lineIds = input.lines.map(() => newId('il'));
  const lineOfItem = new Map(input.lines.flatMap((l, i) => (l.invoiceItem ? [[l.invoiceItem, lineIds[i] ?? ''] as const] : [])));
  return {
    id,
    object: 'invoice',
    account_country: 'US',
    account_name: 'Stripe stand-in',
    account_tax_ids: null,
    amount_due: total,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: total,
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: true,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: null,
    billing_reason: input.billingReason,
    collection_method: 'charge_automatically',
    created: now,
    currency: 'usd',
    custom_fields: null,
    customer: customer.id,
    customer_account: null,
    customer_address: null,
    customer_email: customer.email,
    customer_name: customer.name ?? null,
    customer_phone: null,
    customer_shipping: null,
    customer_tax_exempt: 'none',
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    due_date: null,
    effective_at: null,
    ending_balance: null,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: 'self' },
    last_finalization_error: null,
    latest_revision: null,
    lines: fullList(
      input.lines.map((l, i) => lineItem(lineIds[i] ?? '', id, subscription.id, l, lineOfItem)),
      `/v1/invoices/${id}/lines`,
    ),
    livemode: false,
    metadata: {},
    next_payment_attempt: null,
    number: null,
    on_behalf_of: null,
    parent: {
      type: 'subscription_details',
      quote_details: null,
      subscription_details: { metadata: subscription.metadata, subscription: subscription.id },
    },
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: input.period.end,
    period_start: input.period.start,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: 'draft',
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subtotal: total,
    subtotal_excluding_tax: total,
    test_clock: null,
    total,
    total_discount_amounts: [],
    total_excluding_tax: total,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: null,
  };
}
