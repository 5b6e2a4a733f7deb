// The test PaymentMethods as Stripe describes them (https://docs.stripe.com/testing#cards): each
// a Visa with the last four digits of its test card number, so a page can show "Visa ending 0341".
import type Stripe from 'stripe';
import type { TestPaymentMethod } from './payment-methods.js';

const LAST4: { [K in TestPaymentMethod]: string } = {
  pm_card_visa: '4242',
  pm_card_chargeCustomerFail: '0341',
  pm_card_authenticationRequired: '3184',
};

/** `customer`: the customer it is attached to (its default card), null when not attached. */
export function paymentMethodObject(id: TestPaymentMethod, customer: string | null, created: number): Stripe.PaymentMethod {
  return {
    id,
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    billing_details: { address: null, email: null, name: null, phone: null, tax_id: null },
    card: {
      brand: 'visa',
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
      country: 'US',
      display_brand: 'visa',
      exp_month: 12,
      // Stripe's test cards take any future date; a fixed far one keeps pages and tests stable.
      exp_year: 2034,
      funding: 'credit',
      generated_from: null,
      last4: LAST4[id],
      networks: { available: ['visa'], preferred: null },
      regulated_status: 'unregulated',
      three_d_secure_usage: { supported: true },
      wallet: null,
    },
    created,
    customer,
    customer_account: null,
    livemode: false,
    metadata: {},
    type: 'card',
  };
}
