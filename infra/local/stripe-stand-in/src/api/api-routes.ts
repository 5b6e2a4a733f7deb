// The table of every /v1 endpoint the stand-in serves. A new endpoint: a module with an
// `endpoints` table, listed here.
import type { ApiEndpoint } from './endpoint.js';
import { endpoints as billingMeterEvents } from './billing-meter-events.js';
import { endpoints as billingMeterWrites } from './billing-meter-writes.js';
import { endpoints as billingMeters } from './billing-meters.js';
import { endpoints as billingPortalSessions } from './billing-portal-sessions.js';
import { endpoints as checkoutSessions } from './checkout-sessions.js';
import { endpoints as customers } from './customers.js';
import { endpoints as entitlementFeatureWrites } from './entitlement-feature-writes.js';
import { endpoints as entitlements } from './entitlements.js';
import { endpoints as events } from './events.js';
import { endpoints as invoiceItems } from './invoice-items.js';
import { endpoints as invoices } from './invoices.js';
import { endpoints as paymentMethods } from './payment-methods.js';
import { endpoints as priceWrites } from './price-writes.js';
import { endpoints as prices } from './prices.js';
import { endpoints as productFeatures } from './product-features.js';
import { endpoints as productWrites } from './product-writes.js';
import { endpoints as products } from './products.js';
import { endpoints as subscriptions } from './subscriptions.js';
import { endpoints as webhookEndpoints } from './webhook-endpoints.js';

export const API_ENDPOINTS: readonly ApiEndpoint[] = [
  ...customers,
  ...paymentMethods,
  ...products,
  ...productWrites,
  ...productFeatures,
  ...prices,
  ...priceWrites,
  ...billingMeters,
  ...billingMeterWrites,
  ...billingMeterEvents,
  ...checkoutSessions,
  ...subscriptions,
  ...invoices,
  ...invoiceItems,
  ...billingPortalSessions,
  ...entitlements,
  ...entitlementFeatureWrites,
  ...events,
  ...webhookEndpoints,
];
