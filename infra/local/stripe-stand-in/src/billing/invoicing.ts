// Invoice lifecycle: draft -> finalized (open) -> paid, or a failed attempt that leaves it open
// for dunning. Each step emits the events Stripe emits for it.
import type Stripe from 'stripe';
import type { BillingContext } from './billing-context.js';
import { previousAttributes, structuredCloneJson } from './event-log.js';
import { invoiceItemLine, pendingInvoiceItems } from './invoice-items.js';
import { invoiceObject, type NewInvoice } from './invoice-object.js';

export type PaymentOutcome = 'paid' | 'failed' | 'requires_action';

export function customerOf(ctx: BillingContext, id: string): Stripe.Customer {
  const customer = ctx.state.customers.get(id);
  if (!customer) throw new Error(`customer ${id} is missing from the stand-in state`);
  return customer;
}

/** Moves the customer's balance (negative = credit), emitting customer.updated as Stripe does. */
function setBalance(ctx: BillingContext, customer: Stripe.Customer, balance: number): void {
  if (customer.balance === balance) return;
  const before = structuredCloneJson(customer);
  customer.balance = balance;
  ctx.events.emit('customer.updated', customer, previousAttributes(before, structuredCloneJson(customer)));
}

/**
 * The customer's balance applies to every invoice, as at Stripe: a credit (negative balance)
 * lowers `amount_due`, and a negative total (a plan change that leaves a net credit) adds to the
 * credit. At finalization `ending_balance` is what the customer's balance becomes.
 * https://docs.stripe.com/billing/customer/balance
 */
export function applyCustomerBalance(invoice: Stripe.Invoice, customer: Stripe.Customer): void {
  const net = invoice.total + customer.balance;
  invoice.starting_balance = customer.balance;
  invoice.amount_due = Math.max(net, 0);
  invoice.amount_remaining = invoice.amount_due;
}

/**
 * Creates and finalizes an invoice; the caller then charges it with `attemptPayment`. It also bills
 * the subscription's pending invoice items (prorations), first, as Stripe lists them.
 */
export function issueInvoice(ctx: BillingContext, input: Omit<NewInvoice, 'now'>): Stripe.Invoice {
  const pending = pendingInvoiceItems(ctx.state, input.subscription.id);
  const lines = [...pending.map((item) => invoiceItemLine(ctx.state, item)), ...input.lines];
  const invoice = invoiceObject({ ...input, lines, now: ctx.clock.now() });
  for (const item of pending) item.invoice = invoice.id;
  applyCustomerBalance(invoice, input.customer);
  ctx.state.invoices.set(invoice.id, invoice);
  ctx.events.emit('invoice.created', invoice);
  ctx.state.invoiceSequence += 1;
  invoice.status = 'open';
  invoice.number = `STANDIN-${String(ctx.state.invoiceSequence).padStart(4, '0')}`;
  invoice.effective_at = ctx.clock.now();
  invoice.status_transitions.finalized_at = ctx.clock.now();
  invoice.hosted_invoice_url = `${ctx.publicUrl()}/_stand-in/invoices/${invoice.id}`;
  invoice.invoice_pdf = `${ctx.publicUrl()}/_stand-in/invoices/${invoice.id}.pdf`;
  invoice.ending_balance = Math.min(invoice.total + invoice.starting_balance, 0);
  setBalance(ctx, input.customer, invoice.ending_balance);
  input.subscription.latest_invoice = invoice.id;
  ctx.events.emit('invoice.finalized', invoice);
  return invoice;
}

/** Charges the customer's default payment method as configured for the test. */
export function attemptPayment(ctx: BillingContext, invoice: Stripe.Invoice, nextAttemptAt: number | null): PaymentOutcome {
  const customerId = typeof invoice.customer === 'string' ? invoice.customer : (invoice.customer?.id ?? '');
  invoice.attempted = true;
  invoice.attempt_count += 1;
  const behaviour = invoice.amount_due === 0 ? 'succeeds' : ctx.state.paymentBehaviourOf(customerId);
  switch (behaviour) {
    case 'succeeds':
      markPaid(ctx, invoice);
      return 'paid';
    case 'requires_action':
      invoice.next_payment_attempt = nextAttemptAt;
      ctx.events.emit('invoice.payment_action_required', invoice);
      return 'requires_action';
    case 'fails':
    case 'none':
      invoice.next_payment_attempt = nextAttemptAt;
      ctx.events.emit('invoice.payment_failed', invoice);
      return 'failed';
  }
}

function markPaid(ctx: BillingContext, invoice: Stripe.Invoice): void {
  invoice.status = 'paid';
  invoice.amount_paid = invoice.amount_due;
  invoice.amount_remaining = 0;
  invoice.next_payment_attempt = null;
  invoice.status_transitions.paid_at = ctx.clock.now();
  ctx.events.emit('invoice.paid', invoice);
  ctx.events.emit('invoice.payment_succeeded', invoice);
}

/** After the last retry (or when a subscription is canceled) the open invoice stops being collected. */
export function closeUnpaidInvoice(ctx: BillingContext, invoice: Stripe.Invoice, how: 'void' | 'uncollectible'): void {
  invoice.next_payment_attempt = null;
  if (how === 'void') {
    // A voided invoice gives back the balance it consumed or added.
    const customer = ctx.state.customers.get(typeof invoice.customer === 'string' ? invoice.customer : (invoice.customer?.id ?? ''));
    if (customer && invoice.ending_balance !== null)
      setBalance(ctx, customer, customer.balance + invoice.starting_balance - invoice.ending_balance);
    invoice.status = 'void';
    invoice.status_transitions.voided_at = ctx.clock.now();
    ctx.events.emit('invoice.voided', invoice);
  } else {
    invoice.status = 'uncollectible';
    invoice.status_transitions.marked_uncollectible_at = ctx.clock.now();
    ctx.events.emit('invoice.marked_uncollectible', invoice);
  }
}
