// Builds Subscription objects in the 2026 API shape: billing periods live on the items
// (`items.data[].current_period_*`), there is no top-level current_period_*.
import type Stripe from 'stripe';
import { fullList } from '../api/list-page.js';
import { newId } from './object-ids.js';

export interface NewSubscription {
  customer: string;
  items: { price: Stripe.Price; quantity: number | undefined }[];
  now: number;
  periodEnd: number;
  trialEnd: number | null;
  metadata: Stripe.Metadata;
}

export function planOf(price: Stripe.Price): Stripe.Plan {
  const recurring = price.recurring;
  if (!recurring) throw new Error(`price ${price.id} is not recurring`);
  return {
    id: price.id,
    object: 'plan',
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: price.billing_scheme,
    created: price.created,
    currency: price.currency,
    interval: recurring.interval,
    interval_count: recurring.interval_count,
    livemode: false,
    metadata: price.metadata,
    meter: recurring.meter,
    nickname: price.nickname,
    product: price.product,
    tiers_mode: price.tiers_mode,
    transform_usage: null,
    trial_period_days: recurring.trial_period_days,
    usage_type: recurring.usage_type,
  };
}

export function subscriptionItem(
  subscriptionId: string,
  price: Stripe.Price,
  quantity: number | undefined,
  start: number,
  end: number,
): Stripe.SubscriptionItem {
  const metered = price.recurring?.usage_type === 'metered';
  return {
    id: newId('si', 14),
    object: 'subscription_item',
    billing_thresholds: null,
    created: start,
    current_period_end: end,
    current_period_start: start,
    current_trial: null,
    discounts: [],
    metadata: {},
    plan: planOf(price),
    price,
    // Stripe omits quantity on metered items.
    ...(metered ? {} : { quantity: quantity ?? 1 }),
    subscription: subscriptionId,
    tax_rates: [],
  };
}

export function subscriptionObject(input: NewSubscription): Stripe.Subscription {
  const id = newId('sub');
  const { now, trialEnd } = input;
  return {
    id,
    object: 'subscription',
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: trialEnd ?? now,
    billing_cycle_anchor_config: null,
    billing_mode: { flexible: { proration_discounts: 'included' }, type: 'flexible', updated_at: now },
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, feedback_option: null, reason: null },
    collection_method: 'charge_automatically',
    created: now,
    currency: 'usd',
    customer: input.customer,
    customer_account: null,
    days_until_due: null,
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    ended_at: null,
    invoice_settings: { account_tax_ids: null, custom_fields: null, description: null, footer: null, issuer: { type: 'self' } },
    items: fullList(
      input.items.map((i) => subscriptionItem(id, i.price, i.quantity, now, input.periodEnd)),
      `/v1/subscription_items?subscription=${id}`,
    ),
    latest_invoice: null,
    livemode: false,
    managed_payments: null,
    metadata: input.metadata,
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: { payment_method_options: null, payment_method_types: null, save_default_payment_method: 'off' },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: now,
    status: trialEnd !== null ? 'trialing' : 'active',
    test_clock: null,
    transfer_data: null,
    trial_end: trialEnd,
    // The stand-in's checkout collects a card, but a test can remove it (payment behaviour
    // 'none'); then the trial ends in `paused`, as with Stripe's missing_payment_method=pause.
    trial_settings: { end_behavior: { billing_cycle_anchor: null, missing_payment_method: 'pause' } },
    trial_start: trialEnd !== null ? now : null,
  };
}

/** The period shared by all items (the stand-in keeps items aligned). */
export function currentPeriod(sub: Stripe.Subscription): { start: number; end: number } {
  const first = sub.items.data[0];
  if (!first) throw new Error(`subscription ${sub.id} has no items`);
  return { start: first.current_period_start, end: first.current_period_end };
}

export function setPeriod(sub: Stripe.Subscription, start: number, end: number): void {
  for (const item of sub.items.data) {
    item.current_period_start = start;
    item.current_period_end = end;
  }
}

export function licensedItem(sub: Stripe.Subscription): Stripe.SubscriptionItem | undefined {
  return sub.items.data.find((i) => i.price.recurring?.usage_type !== 'metered');
}
