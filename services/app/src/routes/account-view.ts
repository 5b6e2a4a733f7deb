// What the signed-in user sees about the account they act for: the same object answers GET /api/me
// and renders the billing page, so the page and the API cannot disagree.
import { decideAccess, effectivePlan } from '@billing/shared/access/access-decision.js';
import { canManageBilling, type AccountKind, type Role } from '@billing/shared/model/account-documents.js';
import { activeOverrides } from '@billing/shared/model/operator-documents.js';
import type { BillingSummary } from '@billing/shared/model/documents.js';
import { trialAvailable } from '@billing/shared/model/subscription-status.js';
import { catalogPlan, Feature, type PlanId } from '@billing/shared/plans/catalog.js';
import type { RequestAuth } from '../auth/request-identity.js';
import type { UsageSummary } from '../ports/usage-view.js';

export interface AccountView {
  user: { id: string; email: string | null };
  /** The account the request acts for, and the user's role in it. */
  account: { id: string; kind: AccountKind; name: string | null; role: Role; canManageBilling: boolean };
  plan: { id: PlanId; name: string };
  /** The subscription as stored (may differ from `plan` when it no longer grants access). */
  subscription: {
    id: string | null;
    status: NonNullable<BillingSummary['status']>;
    planId: string | null;
    priceId: string | null;
    interval: BillingSummary['interval'];
    currentPeriodEnd: number | null;
    cancelAtPeriodEnd: boolean;
    cancelAt: number | null;
    trialEnd: number | null;
    paymentIssue: BillingSummary['paymentIssue'];
    /** The seats paid for on a plan priced per seat; null on a flat plan or a price outside the plans. */
    seats: number | null;
  } | null;
  inGracePeriod: boolean;
  /** Past due: when the grace ends and the paid features turn off (unix seconds); null otherwise. */
  graceEndsAt: number | null;
  /** A plan's free trial applies to a Checkout now (one trial per account). */
  trialAvailable: boolean;
  /** Every feature usable now: the plan's plus Stripe entitlements while the plan is paid. */
  entitlements: Feature[];
  usage: UsageSummary[];
  /**
   * Grants an operator made beside the plan (operator console), in force now, with their expiry
   * (unix seconds). Always set by accountView; optional in the type for views built by hand.
   */
  overrides?: (
    { kind: 'feature'; feature: string; expiresAt: number } | { kind: 'quota'; feature: string; limit: number; expiresAt: number }
  )[];
}

export function accountView(auth: RequestAuth, usage: UsageSummary[], now: number, pastDueGraceSeconds: number): AccountView {
  const { identity, account } = auth;
  const billing = account?.billing ?? null;
  const { plan, inGracePeriod, graceEndsAt } = effectivePlan(billing, now, pastDueGraceSeconds);
  return {
    user: { id: identity.userId, email: identity.email },
    account: {
      id: auth.accountId,
      kind: account?.kind ?? 'personal',
      name: account?.name ?? null,
      role: auth.role,
      canManageBilling: canManageBilling(auth.role),
    },
    plan: { id: plan.id, name: plan.name },
    subscription: billing?.status
      ? {
          id: billing.subscriptionId,
          status: billing.status,
          planId: billing.planId,
          priceId: billing.priceId,
          interval: billing.interval,
          currentPeriodEnd: billing.currentPeriodEnd,
          cancelAtPeriodEnd: billing.cancelAtPeriodEnd,
          cancelAt: billing.cancelAt,
          trialEnd: billing.trialEnd,
          paymentIssue: billing.paymentIssue,
          seats: perSeat(billing.planId) ? billing.quantity : null,
        }
      : null,
    inGracePeriod,
    graceEndsAt,
    trialAvailable: trialAvailable(billing),
    // The access decision's own answer for each feature, so the page never shows one the API refuses.
    entitlements: Feature.options.filter(
      (feature) => decideAccess({ billing, feature, now, pastDueGraceSeconds, overrides: account?.overrides }).allow,
    ),
    usage,
    overrides: activeOverrides(account?.overrides, now).map((o) =>
      o.kind === 'feature'
        ? { kind: o.kind, feature: o.feature, expiresAt: o.expiresAt }
        : { kind: o.kind, feature: o.feature, limit: o.limit, expiresAt: o.expiresAt },
    ),
  };
}

function perSeat(planId: string | null): boolean {
  return (catalogPlan(planId)?.seats ?? null) !== null;
}
