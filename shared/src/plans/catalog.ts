// The one typed plan catalog. Stripe price ids are not here: they differ per Stripe account and
// are mapped from each price's `lookupKey` by configuration (STRIPE_PRICE_IDS, see README).
// The local Stripe stand-in seeds its catalog from this file.
import { z } from 'zod';
import type { BillingInterval } from '../model/documents.js';

export const PlanId = z.enum(['free', 'pro', 'team', 'enterprise']);
export type PlanId = z.infer<typeof PlanId>;

/**
 * The metered features, declared once: this is where a team adds its own product's meters
 * (README "Your own meters"). Each key is counted per unit against a monthly quota that every plan
 * states below (`quotas`), can be checked and tracked through the service API (/v1/check,
 * /v1/track), and is billed per unit through the Stripe Billing Meter named `eventName` on the
 * plans that list it in `meteredPrices`. `npm run ops -- stripe-setup` creates the meters and
 * prices in Stripe; the local stand-in seeds them from here.
 */
export const METERS = {
  api_calls: { name: 'API calls', eventName: 'api_calls' },
  exports: { name: 'Exports', eventName: 'exports' },
  analyses: { name: 'Analyses', eventName: 'analyses' },
  tokens: { name: 'AI tokens', eventName: 'tokens' },
} as const satisfies Record<string, { readonly name: string; readonly eventName: string }>;

export const MeteredFeature = z.enum(Object.keys(METERS) as [keyof typeof METERS, ...(keyof typeof METERS)[]]);
export type MeteredFeature = z.infer<typeof MeteredFeature>;

/** On/off features. Their keys are also the Stripe Entitlements feature lookup keys. */
export const Feature = z.enum(['dashboard', 'api_access', 'exports', 'advanced_analytics', 'team_seats', 'sso', 'priority_support']);
export type Feature = z.infer<typeof Feature>;

const ON_OFF_NAMES: { readonly [K in Feature]: string } = {
  dashboard: 'Dashboard',
  api_access: 'API access',
  exports: 'Exports',
  advanced_analytics: 'Advanced analytics',
  team_seats: 'Team seats',
  sso: 'Single sign-on (SSO)',
  priority_support: 'Priority support',
};

/** What the pages call each feature (on/off and metered alike; a key that is both keeps one name). */
export const FEATURE_NAMES: { readonly [K in Feature | MeteredFeature]: string } = {
  ...(Object.fromEntries(MeteredFeature.options.map((key) => [key, METERS[key].name])) as { readonly [K in MeteredFeature]: string }),
  ...ON_OFF_NAMES,
};

/** A quota: a number of units per billing period, or unlimited. 0 means the plan does not include it. */
export type Quota = number | 'unlimited';

export interface PlanPrice {
  readonly lookupKey: string;
  readonly interval: BillingInterval;
  readonly unitAmount: number; // in the smallest currency unit
  readonly currency: 'usd';
}

export interface MeteredPrice {
  readonly feature: MeteredFeature;
  /** Stripe Billing Meter `event_name`: the meter's, from METERS. */
  readonly meterEventName: string;
  readonly lookupKey: string;
  readonly unitAmountDecimal: string; // per unit, in cents, as Stripe takes it
}

export interface Plan {
  readonly id: PlanId;
  readonly name: string;
  readonly description: string;
  readonly prices: readonly PlanPrice[];
  readonly trialDays: number;
  readonly features: readonly Feature[];
  readonly quotas: { readonly [K in MeteredFeature]: Quota };
  readonly rateLimitPerMinute: number;
  readonly retentionDays: number;
  /** Features billed per unit through a Stripe Billing Meter (the price is added to the subscription). */
  readonly meteredPrices: readonly MeteredPrice[];
  /**
   * Priced per seat: the licensed price is per seat and the subscription's quantity is the number
   * of seats, chosen at Checkout and changed later with proration. null: one flat price (quantity 1).
   * Quotas and rate limits stay per subscription.
   */
  readonly seats: { readonly min: number; readonly max: number } | null;
}

const price = (lookupKey: string, interval: BillingInterval, unitAmount: number): PlanPrice => ({
  lookupKey,
  interval,
  unitAmount,
  currency: 'usd',
});
const metered = (feature: MeteredFeature, lookupKey: string, unitAmountDecimal: string): MeteredPrice => ({
  feature,
  meterEventName: METERS[feature].eventName,
  lookupKey,
  unitAmountDecimal,
});

export const PLANS: { readonly [K in PlanId]: Plan & { readonly id: K } } = {
  free: {
    id: 'free',
    name: 'Free',
    description: 'Try the product.',
    prices: [],
    trialDays: 0,
    // API access with its monthly quota: /v1 requires api_access, and a free tier that can try the API is the norm.
    features: ['dashboard', 'api_access'],
    quotas: { api_calls: 1_000, exports: 0, analyses: 10, tokens: 10_000 },
    rateLimitPerMinute: 60,
    retentionDays: 7,
    meteredPrices: [],
    seats: null,
  },
  pro: {
    id: 'pro',
    name: 'Pro',
    description: 'For professionals.',
    prices: [
      price('pro_day', 'day', 100),
      price('pro_week', 'week', 500),
      price('pro_month', 'month', 2_000),
      price('pro_year', 'year', 20_000),
    ],
    trialDays: 14,
    features: ['dashboard', 'api_access', 'exports', 'advanced_analytics'],
    quotas: { api_calls: 100_000, exports: 1_000, analyses: 1_000, tokens: 1_000_000 },
    rateLimitPerMinute: 600,
    retentionDays: 90,
    meteredPrices: [],
    seats: null,
  },
  team: {
    id: 'team',
    name: 'Team',
    description: 'Priced per seat, with API calls and AI tokens billed per use.',
    prices: [price('team_month', 'month', 10_000), price('team_year', 'year', 100_000)],
    trialDays: 14,
    features: ['dashboard', 'api_access', 'exports', 'advanced_analytics', 'team_seats'],
    quotas: { api_calls: 1_000_000, exports: 10_000, analyses: 10_000, tokens: 50_000_000 },
    rateLimitPerMinute: 3_000,
    retentionDays: 365,
    // $0.0001 per API call and $2 per million tokens.
    meteredPrices: [metered('api_calls', 'team_api_calls', '0.01'), metered('tokens', 'team_tokens', '0.0002')],
    seats: { min: 1, max: 100 },
  },
  enterprise: {
    id: 'enterprise',
    name: 'Enterprise',
    description: 'Unlimited usage, SSO and priority support.',
    prices: [price('enterprise_year', 'year', 1_000_000)],
    trialDays: 0,
    features: ['dashboard', 'api_access', 'exports', 'advanced_analytics', 'team_seats', 'sso', 'priority_support'],
    quotas: { api_calls: 'unlimited', exports: 'unlimited', analyses: 'unlimited', tokens: 'unlimited' },
    rateLimitPerMinute: 10_000,
    retentionDays: 730,
    meteredPrices: [metered('api_calls', 'enterprise_api_calls', '0.005'), metered('tokens', 'enterprise_tokens', '0.0001')],
    seats: null,
  },
};

export const PAID_PLAN_IDS = PlanId.options.filter((id) => id !== 'free');

/** The catalog's plan for a stored plan id; null for none, or one the catalog does not know (made outside the product). */
export function catalogPlan(planId: string | null): Plan | null {
  return planId !== null && Object.hasOwn(PLANS, planId) ? PLANS[planId as PlanId] : null;
}

const FEATURES: ReadonlySet<string> = new Set(Feature.options);
const METERED_FEATURES: ReadonlySet<string> = new Set(MeteredFeature.options);
/** Type guards for the per-request paths (every check): a set lookup, not a schema parse. */
export const isFeature = (key: string): key is Feature => FEATURES.has(key);
export const isMeteredFeature = (key: string): key is MeteredFeature => METERED_FEATURES.has(key);

/** Every price lookup key the catalog uses (licensed and metered). */
export function allLookupKeys(): string[] {
  return Object.values(PLANS).flatMap((p) => [...p.prices.map((x) => x.lookupKey), ...p.meteredPrices.map((m) => m.lookupKey)]);
}

/** Which plan a licensed price lookup key belongs to. */
export function planForLookupKey(lookupKey: string): { plan: Plan; price: PlanPrice } | null {
  for (const plan of Object.values(PLANS)) {
    const hit = plan.prices.find((p) => p.lookupKey === lookupKey);
    if (hit) return { plan, price: hit };
  }
  return null;
}

/**
 * `STRIPE_PRICE_IDS`: JSON object lookupKey -> Stripe price id. Parsed by each deployable's
 * config; this schema rejects unknown lookup keys so a typo fails at start-up.
 */
export const PriceIdMap = z.record(z.string(), z.string().regex(/^price_[A-Za-z0-9_]+$/)).superRefine((map, ctx) => {
  const known = new Set(allLookupKeys());
  for (const key of Object.keys(map)) if (!known.has(key)) ctx.addIssue({ code: 'custom', message: `unknown price lookup key "${key}"` });
});
export type PriceIdMap = z.infer<typeof PriceIdMap>;

/** Resolve a Stripe price id back to the catalog (the applier uses it to name the plan). */
export function planForPriceId(priceIds: PriceIdMap, priceId: string): { plan: Plan; price: PlanPrice } | null {
  const entry = Object.entries(priceIds).find(([, id]) => id === priceId);
  return entry ? planForLookupKey(entry[0]) : null;
}
