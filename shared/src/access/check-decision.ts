// The service API's `check`: may this account use this feature (for `units` more, if metered)?
// Pure, over the one access decision (decideAccess: the plan's features, Stripe entitlements, the
// past-due grace) and the account's usage this quota month. A metered feature is usable while the
// plan's quota for it is not 0 and has `units` left; a feature that is both (exports) needs both.
// The reason is one of a closed set, so a host can branch on it without parsing text.
import { z } from 'zod';
import { decideAccess, effectivePlan, quotaOverride } from './access-decision.js';
import type { AccessOverride } from '../model/operator-documents.js';
import type { BillingSummary } from '../model/documents.js';
import { isPaymentFailedStatus } from '../model/subscription-status.js';
import { Feature, isFeature, MeteredFeature, type PlanId, type Quota } from '../plans/catalog.js';

export const CheckReason = z.enum(['no_subscription', 'feature_not_in_plan', 'quota_exceeded', 'rate_limited', 'past_due_grace_over']);
export type CheckReason = z.infer<typeof CheckReason>;

/** Every feature a host may check: the catalog's features and its metered ones. */
export const CheckableFeature = z.union([Feature, MeteredFeature]);
export type CheckableFeature = z.infer<typeof CheckableFeature>;

export interface CheckUsage {
  readonly used: number;
  readonly limit: Quota;
  /** Unix seconds: when the quota resets. */
  readonly resetsAt: number;
}

export interface CheckInput {
  readonly billing: BillingSummary | null;
  readonly feature: CheckableFeature;
  /** Units a caller is about to use (metered features); 0 asks only whether the feature is usable at all. */
  readonly units: number;
  /** The account's usage of the feature this quota month; null for a feature that is not metered. */
  readonly usage: CheckUsage | null;
  readonly now: number;
  readonly pastDueGraceSeconds: number;
  /** `accounts/{accountId}.overrides`: an operator's feature grant, or another quota until it expires. */
  readonly overrides?: readonly AccessOverride[] | undefined;
}

export interface CheckDecision {
  readonly allowed: boolean;
  readonly reason: CheckReason | null;
  /** The plan in effect now (free once a subscription stops granting access). */
  readonly plan: PlanId;
}

/** Why an account without a plan that grants anything is refused: never subscribed, or a failed payment past its grace. */
function withoutPlan(billing: BillingSummary | null): CheckReason {
  return isPaymentFailedStatus(billing?.status ?? null) ? 'past_due_grace_over' : 'no_subscription';
}

export function decideCheck(input: CheckInput): CheckDecision {
  const { billing, feature, now, pastDueGraceSeconds } = input;
  const { plan } = effectivePlan(billing, now, pastDueGraceSeconds);
  if (isFeature(feature)) {
    const access = decideAccess({ billing, feature, now, pastDueGraceSeconds, overrides: input.overrides });
    if (!access.allow) return refused(access.code === 'payment_required' ? withoutPlan(billing) : 'feature_not_in_plan', plan.id);
  }
  if (input.usage) {
    const { used } = input.usage;
    const limit = quotaOverride(input.overrides, feature, now) ?? input.usage.limit;
    if (limit === 0) return refused(plan.id === 'free' ? withoutPlan(billing) : 'feature_not_in_plan', plan.id);
    if (limit !== 'unlimited' && used + input.units > limit) return refused('quota_exceeded', plan.id);
  }
  return { allowed: true, reason: null, plan: plan.id };
}

const refused = (reason: CheckReason, plan: PlanId): CheckDecision => ({ allowed: false, reason, plan });

/** What is left of a quota (null: unlimited). */
export function remainingOf(usage: CheckUsage): number | null {
  return usage.limit === 'unlimited' ? null : Math.max(0, usage.limit - usage.used);
}

export { quotaOverride };
