// The BillingGateway over the Stripe SDK. SDK errors do not leave this module as they are: a
// failure a retry may fix becomes a TransientError (the app answers 503 with Retry-After), a
// failure the user's own input caused becomes our 4xx (an unknown `starting_after`) or our null (an
// unknown invoice id), and the rest are our faults (callStripe, classify-stripe-error.ts).
import Stripe from 'stripe';
import { badRequest } from '../errors/app-error.js';
import { InvoiceStatus } from '../model/documents.js';
import { idOf } from '../model/ids.js';
import type {
  BillingGateway,
  CardOnFile,
  InvoiceView,
  SubscriptionChangePreview,
  SubscriptionItemChange,
} from '../ports/billing-gateway.js';
import { callStripe, classifyStripeError, stripeAdapterError } from './classify-stripe-error.js';

export function createSdkBillingGateway(stripe: Stripe): BillingGateway {
  return {
    async createCustomer(input, idempotencyKey) {
      const customer = await callStripe('customer creation', () =>
        stripe.customers.create(
          { ...(input.email ? { email: input.email } : {}), metadata: { accountId: input.accountId } },
          { idempotencyKey },
        ),
      );
      return { id: customer.id, livemode: customer.livemode };
    },
    async createCheckoutSession(input, idempotencyKey) {
      const session = await callStripe('checkout session creation', () =>
        stripe.checkout.sessions.create(
          {
            mode: 'subscription',
            customer: input.customerId,
            client_reference_id: input.accountId,
            line_items: input.prices.map((p) => (p.metered ? { price: p.priceId } : { price: p.priceId, quantity: p.quantity })),
            subscription_data: {
              metadata: { accountId: input.accountId },
              ...(input.trialDays > 0 ? { trial_period_days: input.trialDays } : {}),
            },
            success_url: input.successUrl,
            cancel_url: input.cancelUrl,
            ...(input.allowPromotionCodes ? { allow_promotion_codes: true } : {}),
          },
          { idempotencyKey },
        ),
      );
      if (!session.url) throw new Error(`checkout session ${session.id} has no url`);
      return { id: session.id, url: session.url };
    },
    async expireOpenCheckoutSessions(input) {
      let expired = 0;
      try {
        for await (const session of stripe.checkout.sessions.list({ customer: input.customerId, status: 'open', limit: 100 })) {
          if (session.id === input.except) continue;
          try {
            await stripe.checkout.sessions.expire(session.id);
            expired++;
          } catch (err) {
            // Completed or expired since it was listed (a concurrent request, the customer paying it): nothing to expire.
            const kind = classifyStripeError(err)?.kind;
            if (kind !== 'refused' && kind !== 'not_found') throw err;
          }
        }
      } catch (err) {
        throw stripeAdapterError('expiring open checkout sessions', err);
      }
      return expired;
    },
    async createPortalSession(input) {
      const session = await callStripe('portal session creation', () =>
        stripe.billingPortal.sessions.create({
          customer: input.customerId,
          return_url: input.returnUrl,
          ...(input.flow
            ? { flow_data: { type: input.flow, after_completion: { type: 'redirect', redirect: { return_url: input.returnUrl } } } }
            : {}),
        }),
      );
      return { url: session.url };
    },
    changeSubscriptionItems: (input, idempotencyKey) =>
      callStripe('subscription change', () =>
        stripe.subscriptions.update(
          input.subscriptionId,
          {
            items: input.items.map(toItemParam),
            proration_behavior: 'create_prorations',
            ...(input.onlyIfPaid ? { payment_behavior: 'pending_if_incomplete' } : {}),
          },
          { idempotencyKey },
        ),
      ),
    async previewSubscriptionChange(input) {
      const invoice = await callStripe('subscription change preview', () =>
        stripe.invoices.createPreview({
          customer: input.customerId,
          subscription: input.subscriptionId,
          subscription_details: { items: input.items.map(toItemParam), proration_behavior: 'create_prorations' },
        }),
      );
      return toChangePreview(invoice);
    },
    setCancelAtPeriodEnd: (input, idempotencyKey) =>
      callStripe('subscription cancel/resume', () =>
        stripe.subscriptions.update(input.subscriptionId, { cancel_at_period_end: input.cancelAtPeriodEnd }, { idempotencyKey }),
      ),
    async listInvoices(input) {
      try {
        const page = await stripe.invoices.list({
          customer: input.customerId,
          limit: input.limit,
          ...(input.startingAfter ? { starting_after: input.startingAfter } : {}),
        });
        return { invoices: page.data.map(toInvoiceView), hasMore: page.has_more };
      } catch (err) {
        // The cursor is the user's input: an id Stripe does not know among this customer's invoices.
        const failure = classifyStripeError(err);
        if (input.startingAfter && failure?.kind === 'not_found' && (failure.param === 'starting_after' || failure.param === null)) {
          throw badRequest('Invalid request', { fields: { starting_after: ['No such invoice'] } });
        }
        throw stripeAdapterError('invoice list', err);
      }
    },
    async payInvoice(id) {
      try {
        await stripe.invoices.pay(id);
        return 'paid';
      } catch (err) {
        // A decline is an answer about the card, not a failure of ours: the invoice stays open.
        const failure = classifyStripeError(err);
        if (failure?.code === 'invoice_payment_intent_requires_action') return 'requires_action';
        if (err instanceof Stripe.errors.StripeCardError) return 'declined';
        throw stripeAdapterError('invoice payment', err);
      }
    },
    async customerBillingDetails(input) {
      const customer = await callStripe('customer', () => stripe.customers.retrieve(input.customerId));
      if (customer.deleted) return { card: null, balance: 0, currency: null };
      const subscription = input.subscriptionId
        ? await callStripe('subscription', () => stripe.subscriptions.retrieve(input.subscriptionId ?? ''))
        : null;
      // Stripe charges the subscription's default payment method first, then the customer's.
      const paymentMethodId = idOf(subscription?.default_payment_method ?? null) ?? idOf(customer.invoice_settings.default_payment_method);
      const card = paymentMethodId
        ? toCard(await callStripe('payment method', () => stripe.customers.retrievePaymentMethod(input.customerId, paymentMethodId)))
        : null;
      return { card, balance: customer.balance, currency: customer.currency ?? null };
    },
    async upcomingInvoice(input) {
      try {
        const invoice = await stripe.invoices.createPreview({ customer: input.customerId, subscription: input.subscriptionId });
        return { currency: invoice.currency, amountDue: invoice.amount_due, periodEnd: invoice.period_end };
      } catch (err) {
        if (classifyStripeError(err)?.code === 'invoice_upcoming_none') return null;
        throw stripeAdapterError('upcoming invoice', err);
      }
    },
    async retrieveInvoice(id) {
      try {
        return toInvoiceView(await stripe.invoices.retrieve(id));
      } catch (err) {
        // A made-up id (the user's input): the caller answers 404, as for someone else's invoice.
        if (classifyStripeError(err)?.kind === 'not_found') return null;
        throw stripeAdapterError('invoice', err);
      }
    },
  };
}

function toCard(pm: Stripe.PaymentMethod): CardOnFile | null {
  return pm.card ? { brand: pm.card.brand, last4: pm.card.last4, expMonth: pm.card.exp_month, expYear: pm.card.exp_year } : null;
}

function toItemParam(change: SubscriptionItemChange): Stripe.SubscriptionUpdateParams.Item {
  switch (change.kind) {
    case 'swap':
      return { id: change.itemId, price: change.priceId, quantity: change.quantity };
    case 'add':
      return change.metered ? { price: change.priceId } : { price: change.priceId, quantity: change.quantity };
    case 'quantity':
      return { id: change.itemId, quantity: change.quantity };
    case 'remove':
      return { id: change.itemId, deleted: true };
  }
}

/**
 * Stripe's way to pick out a change's own prorations: lines marked `proration` whose period starts
 * at the preview's proration date. A preview of our plans has a handful of lines, well inside the
 * first page Stripe includes.
 */
export function toChangePreview(invoice: Stripe.Invoice): SubscriptionChangePreview {
  const prorationDate = invoice.parent?.subscription_details?.subscription_proration_date ?? null;
  const isChange = (line: Stripe.InvoiceLineItem) =>
    prorationDate !== null && line.period.start === prorationDate && line.parent?.subscription_item_details?.proration === true;
  const prorations = invoice.lines.data.filter(isChange);
  return {
    currency: invoice.currency,
    amountDue: invoice.amount_due,
    proration: prorations.reduce((sum, line) => sum + line.amount, 0),
    prorationDate,
    lines: invoice.lines.data.map((line) => ({
      description: line.description ?? '',
      amount: line.amount,
      change: isChange(line),
      periodEnd: line.period.end,
    })),
  };
}

export function toInvoiceView(invoice: Stripe.Invoice): InvoiceView {
  return {
    id: invoice.id ?? '',
    customerId: idOf(invoice.customer),
    number: invoice.number,
    status: InvoiceStatus.safeParse(invoice.status).data ?? null,
    currency: invoice.currency,
    total: invoice.total,
    amountDue: invoice.amount_due,
    amountPaid: invoice.amount_paid,
    created: invoice.created,
    hostedInvoiceUrl: invoice.hosted_invoice_url ?? null,
    invoicePdf: invoice.invoice_pdf ?? null,
  };
}
