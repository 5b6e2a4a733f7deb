// The one grammar of Stripe object ids, for every part of the pipeline: the webhook refuses an event
// whose ids do not match it (400, nothing published), and the applier's schemas parse with it, so an
// id that reaches a Firestore document path (`customers/{id}`, `stripe_events/{id}`...) is always
// `prefix_` + letters and digits: no `/`, no `.`, never `__x__` (Firestore's reserved ids).
//
// The grammar, from the ids Stripe issues (see the fixtures in ../testing/fixtures):
//   <prefix>_<body>            cus_QXg1o8vcGmoR32, sub_1Pgc6rB7WZ01zgkWNy0Cn5nw, evt_1Pgc76B7WZ01zgkW0e9b0a
//   <prefix>_test_<body>       cs_test_a1YS…, ent_test_61QXg1…, feat_test_61QXg1… (and `_live_` in live
//                              mode): a few objects carry the mode in the id.
// where body is [A-Za-z0-9]+ and the whole id is at most 255 characters (Stripe's documented limit
// for ids). Known exceptions, deliberately not parsed with this grammar:
//   - products and legacy plans (whose ids are also their prices' ids) accept an id chosen by the
//     account (`prod_pro`, `gold`...), and the stand-in names its catalog `price_<lookupKey>`, so
//     price and product ids are read as plain strings; they never become document ids;
//   - capability ids (`card_payments`) and report types (`balance.summary.1`) are not object-style
//     ids; the endpoint is not subscribed to their events (WEBHOOK_ENABLED_EVENTS).
import { z } from 'zod';

/** The prefixes of the objects this product reads, by the id Stripe gives them. */
export const StripeIdPrefix = z.enum([
  'evt', // event
  'cus', // customer
  'sub', // subscription
  'si', // subscription item
  'in', // invoice
  'il', // invoice line item
  'cs', // checkout session (cs_test_… / cs_live_…)
  'ent', // active entitlement
  'feat', // entitlements feature
]);
export type StripeIdPrefix = z.infer<typeof StripeIdPrefix>;

export const STRIPE_ID_MAX_LENGTH = 255;

const BODY = '[A-Za-z0-9]+';
const MODE = '(?:(?:test|live)_)?';

const patterns = new Map(StripeIdPrefix.options.map((prefix) => [prefix, new RegExp(`^${prefix}_${MODE}${BODY}$`)]));

/** Whether `value` is an id of the object that `prefix` names. */
export function isStripeId(prefix: StripeIdPrefix, value: unknown): value is string {
  return typeof value === 'string' && value.length <= STRIPE_ID_MAX_LENGTH && patterns.get(prefix)!.test(value);
}

/**
 * Any object-style Stripe id, of a type we do not read by prefix: lowercase prefix segments, then
 * the body (`pi_…`, `sub_sched_…`, `bpc_…`). For objects of types the endpoint may one day carry.
 */
const ANY_PATTERN = new RegExp(`^[a-z][a-z0-9]*(?:_[a-z0-9]+)*_${BODY}$`);
export function isAnyStripeId(value: unknown): value is string {
  return typeof value === 'string' && value.length <= STRIPE_ID_MAX_LENGTH && ANY_PATTERN.test(value);
}

/** A zod schema of the ids of one object type: `stripeId('cus')` accepts `cus_QXg1o8vcGmoR32`. */
export function stripeId(prefix: StripeIdPrefix) {
  return z.string().refine((v) => isStripeId(prefix, v), { message: `not a Stripe ${prefix}_ id` });
}

/**
 * The id prefix of each Stripe object type (the `object` field) whose events the endpoint receives;
 * the event's `data.object.id` must carry it.
 */
export const OBJECT_ID_PREFIX: ReadonlyMap<string, StripeIdPrefix> = new Map([
  ['event', 'evt'],
  ['customer', 'cus'],
  ['subscription', 'sub'],
  ['subscription_item', 'si'],
  ['invoice', 'in'],
  ['checkout.session', 'cs'],
  ['entitlements.active_entitlement', 'ent'],
  ['entitlements.feature', 'feat'],
]);
