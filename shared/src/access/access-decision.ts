// The ONE access decision of the product: the API middleware `requireFeature(feature)` and the
// billing page both call it, so a page can never show as usable what the API would refuse.
// Pure: the caller passes the account's billing summary (from Firestore, written by the event
// applier, never by the browser), the feature and the time.
import type { BillingSummary } from '../model/documents.js';
import { activeOverrides, type AccessOverride } from '../model/operator-documents.js';
import { isInGoodStanding, isPaymentFailedStatus, type SubscriptionStatus } from '../model/subscription-status.js';
import { catalogPlan, PAID_PLAN_IDS, PLANS, type Feature, type Plan, type PlanId } from '../plans/catalog.js';

/**
 * Past-due grace. When a renewal payment fails Stripe has already moved the subscription into
 * the new period (current_period_start = the renewal moment) and sets status `past_due` while it
 * retries the card. We keep access for `pastDueGraceSeconds` after that renewal moment, i.e.
 * after the end of the last paid period; then the user gets 402 until the invoice is paid.
 * Default 3 days: Stripe's default Smart Retries schedule makes its first retries inside it.
 */
export const DEFAULT_PAST_DUE_GRACE_DAYS = 3;

export type AccessDecision =
  | { readonly allow: true; readonly planId: PlanId; readonly inGracePeriod: boolean }
  | { readonly allow: false; readonly code: 'payment_required' | 'forbidden'; readonly planId: PlanId; readonly reason: string };

export interface AccessInput {
  /** `accounts/{accountId}.billing`; null for a user who never subscribed. */
  readonly billing: BillingSummary | null;
  readonly feature: Feature;
  /** Unix seconds. */
  readonly now: number;
  readonly pastDueGraceSeconds: number;
  /** `accounts/{accountId}.overrides`: an operator's feature grant allows the feature until it expires, whatever the plan. */
  readonly overrides?: readonly AccessOverride[] | undefined;
}

export interface EffectivePlan {
  readonly plan: Plan;
  readonly inGracePeriod: boolean;
  /** Unix seconds: when the past-due grace ends and the plan falls to free; null outside the grace. */
  readonly graceEndsAt: number | null;
}

/**
 * The plan the user is entitled to right now: a paid plan while the subscription grants access, else
 * free. The one rule for features (decideAccess) and for quotas (usage-account.ts): a past-due
 * subscriber keeps the paid plan's features and quotas for the grace period, then both are free's.
 */
export function effectivePlan(billing: BillingSummary | null, now: number, pastDueGraceSeconds: number): EffectivePlan {
  const free = { plan: PLANS.free, inGracePeriod: false, graceEndsAt: null };
  if (!billing?.status) return free;
  const plan = catalogPlan(billing.planId);
  // A subscription on a price our catalog does not know (created outside the product) grants nothing.
  if (!plan) return free;
  // In good standing grants the plan's features; `past_due` grants them only within the grace period.
  if (isInGoodStanding(billing.status)) return { plan, inGracePeriod: false, graceEndsAt: null };
  if (billing.status === 'past_due' && billing.currentPeriodStart !== null && now < billing.currentPeriodStart + pastDueGraceSeconds) {
    return { plan, inGracePeriod: true, graceEndsAt: billing.currentPeriodStart + pastDueGraceSeconds };
  }
  return free;
}

export function decideAccess(input: AccessInput): AccessDecision {
  const { plan, inGracePeriod } = effectivePlan(input.billing, input.now, input.pastDueGraceSeconds);
  // Stripe Entitlements are honoured beside the catalog (a feature granted to the customer in
  // Stripe, e.g. an add-on), but only while the subscription itself grants access.
  const stripeGranted = plan.id !== 'free' && (input.billing?.entitlements ?? []).includes(input.feature);
  if (plan.features.includes(input.feature) || stripeGranted) return { allow: true, planId: plan.id, inGracePeriod };
  if (hasFeatureOverride(input.overrides, input.feature, input.now)) return { allow: true, planId: plan.id, inGracePeriod };
  if (plan.id === 'free') {
    return {
      allow: false,
      code: 'payment_required',
      planId: plan.id,
      reason: reasonWithoutSubscription(input.billing?.status ?? null),
    };
  }
  return { allow: false, code: 'forbidden', planId: plan.id, reason: `The ${plan.name} plan does not include this feature` };
}

function reasonWithoutSubscription(status: SubscriptionStatus | null): string {
  if (isPaymentFailedStatus(status)) return 'Your last payment failed: update your payment method to restore access';
  return 'This feature needs an active subscription';
}

/** The cheapest paid plans that include the feature, for a 402/403 body ("upgrade to ..."). */
export function plansWithFeature(feature: Feature): PlanId[] {
  return PAID_PLAN_IDS.filter((id) => PLANS[id].features.includes(feature));
}

/**
 * The monthly quota an operator granted for `feature` (the largest in force at `now`), else null.
 * The usage account applies it (usage-account.ts), so the recorder, the summaries and the check
 * all count against the same limit.
 */
export function quotaOverride(overrides: readonly AccessOverride[] | undefined, feature: string, now: number): number | null {
  const limits = activeOverrides(overrides, now).flatMap((o) => (o.kind === 'quota' && o.feature === feature ? [o.limit] : []));
  return limits.length ? Math.max(...limits) : null;
}

/** An operator granted the feature (console override) and the grant has not expired at `now`. */
export function hasFeatureOverride(overrides: readonly AccessOverride[] | undefined, feature: Feature, now: number): boolean {
  return activeOverrides(overrides, now).some((o) => o.kind === 'feature' && o.feature === feature);
}
