// A Stripe product as the stand-in stores it: what a caller chose, and Stripe's defaults for the
// rest. One builder for the seeded catalog and POST /v1/products.
import type Stripe from 'stripe';

export type ProductFields = Pick<
  Stripe.Product,
  'id' | 'active' | 'name' | 'description' | 'metadata' | 'default_price' | 'marketing_features'
>;

export function productObject(fields: ProductFields, now: number): Stripe.Product {
  return {
    object: 'product',
    created: now,
    images: [],
    livemode: false,
    package_dimensions: null,
    shippable: null,
    tax_code: null,
    tax_details: null,
    type: 'service',
    unit_label: null,
    updated: now,
    url: null,
    ...fields,
  };
}
