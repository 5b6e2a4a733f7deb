// `npm run ops -- stripe-setup [--dry-run] [--webhook-url https://.../stripe/webhook]`: makes the
// Stripe account match the plan catalog (shared/src/plans/catalog.ts), idempotently, instead of
// clicking it together from the README:
//   - an Entitlements feature per catalog feature (lookup key = the feature);
//   - a product per sold plan (metadata.planId), with its features attached;
//   - a Billing Meter per metered price's event name;
//   - each price by lookup key: created when missing; when the stored price differs (amount,
//     interval, usage type, meter, product) a new one takes the key with transfer_lookup_key (the
//     old one keeps its subscribers; prices are immutable at Stripe);
//   - with --webhook-url, the webhook endpoint: the handled events, the pinned API version (a
//     different version cannot be changed: reported, to register a new endpoint).
// Prints what it did (or, with --dry-run, would do) and the STRIPE_PRICE_IDS it leads to.
import type Stripe from 'stripe';

import { Feature, PLANS, type MeteredPrice, type Plan, type PlanPrice } from '@billing/shared/plans/catalog.js';
import { PINNED_API_VERSION } from '@billing/shared/stripe/api-version.js';
import { HandledEventType } from '@billing/shared/stripe/event-types.js';

/** Every page of a list (the SDK's own paging); far above any count these tools meet. */
const ALL = { limit: 10_000 };

export interface SetupAction {
  action: 'create' | 'update' | 'attach' | 'transfer' | 'report';
  object: 'feature' | 'product' | 'product_feature' | 'meter' | 'price' | 'webhook_endpoint';
  key: string;
  detail?: string;
}

export interface SetupResult {
  dryRun: boolean;
  actions: SetupAction[];
  /** lookup key → price id, for STRIPE_PRICE_IDS (ids of prices a dry run would create read `(new)`). */
  priceIds: Record<string, string>;
  /** The signing secret of a webhook endpoint this run created (shown once, as Stripe does). */
  webhookSecret?: string;
}

const NEW = '(new)';
const SOLD_PLANS = Object.values(PLANS).filter((p) => p.prices.length > 0);
const lookupKeysOf = (plan: Plan) => [...plan.prices.map((p) => p.lookupKey), ...plan.meteredPrices.map((m) => m.lookupKey)];

/** What a catalog price asks of a Stripe price. */
function sameLicensed(p: Stripe.Price, want: PlanPrice, productId: string): boolean {
  return (
    p.active &&
    p.product === productId &&
    p.currency === want.currency &&
    p.unit_amount === want.unitAmount &&
    p.recurring?.interval === want.interval &&
    (p.recurring.interval_count ?? 1) === 1 &&
    p.recurring.usage_type === 'licensed'
  );
}
function sameMetered(p: Stripe.Price, want: MeteredPrice, productId: string, meterId: string): boolean {
  return (
    p.active &&
    p.product === productId &&
    p.recurring?.usage_type === 'metered' &&
    p.recurring.meter === meterId &&
    Number(String(p.unit_amount_decimal)) === Number(want.unitAmountDecimal)
  );
}

export async function stripeSetup(opts: { stripe: Stripe; dryRun: boolean; webhookUrl?: string | undefined }): Promise<SetupResult> {
  const { stripe, dryRun } = opts;
  const actions: SetupAction[] = [];
  const act = async <T>(a: SetupAction, run: () => Promise<T>): Promise<T | null> => {
    actions.push(a);
    return dryRun ? null : run();
  };

  // Features.
  const features = new Map(
    (await stripe.entitlements.features.list({ limit: 100 }).autoPagingToArray(ALL)).map((f) => [f.lookup_key, f.id]),
  );
  for (const feature of Feature.options) {
    if (features.has(feature)) continue;
    const created = await act({ action: 'create', object: 'feature', key: feature }, () =>
      stripe.entitlements.features.create({ name: feature.replaceAll('_', ' '), lookup_key: feature }),
    );
    features.set(feature, created?.id ?? NEW);
  }

  // Products, and the features each plan grants.
  const products = await stripe.products.list({ limit: 100, active: true }).autoPagingToArray(ALL);
  const productIds = new Map<string, string>();
  for (const plan of SOLD_PLANS) {
    const found = products.find((p) => p.metadata['planId'] === plan.id);
    if (!found) {
      const created = await act({ action: 'create', object: 'product', key: plan.id }, () =>
        stripe.products.create({ name: plan.name, description: plan.description, metadata: { planId: plan.id } }),
      );
      productIds.set(plan.id, created?.id ?? NEW);
    } else {
      productIds.set(plan.id, found.id);
      if (found.name !== plan.name || found.description !== plan.description) {
        await act({ action: 'update', object: 'product', key: plan.id, detail: 'name/description' }, () =>
          stripe.products.update(found.id, { name: plan.name, description: plan.description }),
        );
      }
    }
    const productId = productIds.get(plan.id) ?? NEW;
    const attached =
      productId === NEW
        ? new Set<string>()
        : new Set(
            (await stripe.products.listFeatures(productId, { limit: 100 }).autoPagingToArray(ALL)).map(
              (pf) => pf.entitlement_feature.lookup_key,
            ),
          );
    for (const feature of plan.features) {
      if (attached.has(feature)) continue;
      await act({ action: 'attach', object: 'product_feature', key: `${plan.id}:${feature}` }, () =>
        stripe.products.createFeature(productId, { entitlement_feature: features.get(feature) ?? NEW }),
      );
    }
  }

  // Billing Meters, by event name.
  const meters = new Map(
    (await stripe.billing.meters.list({ limit: 100, status: 'active' }).autoPagingToArray(ALL)).map((m) => [m.event_name, m.id]),
  );
  for (const metered of SOLD_PLANS.flatMap((p) => p.meteredPrices)) {
    if (meters.has(metered.meterEventName)) continue;
    const created = await act({ action: 'create', object: 'meter', key: metered.meterEventName }, () =>
      stripe.billing.meters.create({
        display_name: metered.feature.replaceAll('_', ' '),
        event_name: metered.meterEventName,
        default_aggregation: { formula: 'sum' },
      }),
    );
    meters.set(metered.meterEventName, created?.id ?? NEW);
  }

  // Prices, by lookup key (Stripe filters at most 10 keys per call).
  const keys = SOLD_PLANS.flatMap(lookupKeysOf);
  const existing = new Map<string, Stripe.Price>();
  for (let i = 0; i < keys.length; i += 10)
    for (const p of await stripe.prices.list({ lookup_keys: keys.slice(i, i + 10), limit: 100 }).autoPagingToArray(ALL))
      if (p.lookup_key) existing.set(p.lookup_key, p);
  const priceIds: Record<string, string> = {};
  /** Keeps the price Stripe has under the key when it matches; else creates one, taking the key over from the old one. */
  async function ensurePrice(
    lookupKey: string,
    matches: (have: Stripe.Price) => boolean,
    params: Omit<Stripe.PriceCreateParams, 'lookup_key' | 'transfer_lookup_key'>,
  ): Promise<void> {
    const have = existing.get(lookupKey);
    if (have && matches(have)) {
      priceIds[lookupKey] = have.id;
      return;
    }
    const created = await act(
      { action: have ? 'transfer' : 'create', object: 'price', key: lookupKey, ...(have ? { detail: `replaces ${have.id}` } : {}) },
      () => stripe.prices.create({ ...params, lookup_key: lookupKey, ...(have ? { transfer_lookup_key: true } : {}) }),
    );
    priceIds[lookupKey] = created?.id ?? NEW;
  }
  for (const plan of SOLD_PLANS) {
    const productId = productIds.get(plan.id) ?? NEW;
    for (const want of plan.prices)
      await ensurePrice(want.lookupKey, (have) => sameLicensed(have, want, productId), {
        product: productId,
        currency: want.currency,
        unit_amount: want.unitAmount,
        recurring: { interval: want.interval },
        metadata: { planId: plan.id },
      });
    for (const want of plan.meteredPrices) {
      const meterId = meters.get(want.meterEventName) ?? NEW;
      await ensurePrice(want.lookupKey, (have) => sameMetered(have, want, productId, meterId), {
        product: productId,
        currency: 'usd',
        // The SDK types this as its Decimal class; the form encoding sends the string as Stripe takes it.
        unit_amount_decimal: want.unitAmountDecimal as unknown as Stripe.Decimal,
        recurring: { interval: 'month', usage_type: 'metered', meter: meterId },
        metadata: { planId: plan.id },
      });
    }
  }

  // The webhook endpoint.
  let webhookSecret: string | undefined;
  if (opts.webhookUrl) {
    const url = opts.webhookUrl;
    const events = [...HandledEventType.options].sort();
    const endpoint = (await stripe.webhookEndpoints.list({ limit: 100 }).autoPagingToArray(ALL)).find((e) => e.url === url);
    if (!endpoint) {
      const created = await act({ action: 'create', object: 'webhook_endpoint', key: url }, () =>
        stripe.webhookEndpoints.create({
          url,
          enabled_events: events,
          api_version: PINNED_API_VERSION as Stripe.WebhookEndpointCreateParams.ApiVersion,
        }),
      );
      webhookSecret = created?.secret ?? undefined;
    } else {
      if ([...endpoint.enabled_events].sort().join() !== events.join()) {
        await act({ action: 'update', object: 'webhook_endpoint', key: url, detail: 'enabled_events' }, () =>
          stripe.webhookEndpoints.update(endpoint.id, { enabled_events: events }),
        );
      }
      if (endpoint.api_version !== PINNED_API_VERSION) {
        actions.push({
          action: 'report',
          object: 'webhook_endpoint',
          key: url,
          detail: `API version ${endpoint.api_version ?? 'account default'} is not ${PINNED_API_VERSION}: register a new endpoint (a version cannot be changed; infra/README.md)`,
        });
      }
    }
  }
  return { dryRun, actions, priceIds, ...(webhookSecret ? { webhookSecret } : {}) };
}
