// "Pay now" from the billing page: charge one of the account's open invoices with the card now on
// file (after the customer changed it, typically), then store the subscription as Stripe has it
// so the page stops saying "past due" at once. The invoice id is the user's input: an invoice of
// another customer answers like a made-up one (404).
import { AppError, notFound } from '../errors/app-error.js';
import type { BillingOpsDeps } from './billing-ops-deps.js';
import { refreshAccountSubscription } from './owned-subscription.js';
import { readAccount } from './read-account.js';

export async function payAccountInvoice(
  deps: BillingOpsDeps,
  accountId: string,
  invoiceId: string,
): Promise<{ invoiceId: string; status: 'paid' }> {
  const account = await readAccount(deps.firestore, accountId);
  if (!account.stripeCustomerId) throw notFound('Invoice');
  const invoice = await deps.gateway.retrieveInvoice(invoiceId);
  if (!invoice || invoice.customerId !== account.stripeCustomerId) throw notFound('Invoice');
  if (invoice.status === 'paid') return { invoiceId, status: 'paid' }; // a doubled click, or paid meanwhile
  if (invoice.status !== 'open') throw new AppError('conflict', 'This invoice is no longer due: there is nothing to pay');
  const outcome = await deps.gateway.payInvoice(invoiceId);
  switch (outcome) {
    case 'paid':
      await refreshAccountSubscription(deps, accountId);
      return { invoiceId, status: 'paid' };
    case 'declined':
      throw new AppError('payment_required', 'Your card was declined. Update your payment method, then pay again.', {
        reason: 'card_declined',
        hostedInvoiceUrl: invoice.hostedInvoiceUrl,
      });
    case 'requires_action':
      // 3D Secure needs the payer in the loop: Stripe's hosted invoice page asks the bank.
      throw new AppError('payment_required', 'Your bank asks you to confirm this payment: open the invoice to confirm it.', {
        reason: 'action_required',
        hostedInvoiceUrl: invoice.hostedInvoiceUrl,
      });
  }
}
