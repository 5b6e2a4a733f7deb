// The console's customer actions as one table, so the JSON API and the pages' forms run exactly
// the same use cases (shared/src/admin/customer-actions.ts) behind the same role and input checks.
import type { z } from 'zod';
import {
  cancelNow,
  extendTrial,
  grantOverride,
  resyncCustomer,
  retryInvoicePayment,
  revokeOverride,
  setCancellation,
  type CustomerActionDeps,
} from '@billing/shared/admin/customer-actions.js';
import type { AuditDeps } from '@billing/shared/admin/audit-log.js';
import { AppError } from '@billing/shared/errors/app-error.js';
import type { OperatorRole } from '@billing/shared/model/operator-documents.js';
import { CancelNowBody, ExtendTrialBody, GrantOverrideBody, InvoiceId, OverrideId, ReasonBody } from './console-inputs.js';

/** What an action needs beyond its input; `stripe` is null when the app runs without the operator gateway. */
export interface ActionContext {
  audit: AuditDeps;
  stripe: CustomerActionDeps | null;
  actor: string;
  accountId: string;
  /** Path parameters past the account (an invoice or override id). */
  target: string | null;
}

export interface ConsoleAction<S extends z.ZodType = z.ZodType> {
  role: OperatorRole;
  body: S;
  /** The path under /customers/:accountId/ (a `:target` parameter is the invoice or override id). */
  path: string;
  /** The schema of the path's `:target`, when it has one. */
  target?: z.ZodType<string>;
  run(ctx: ActionContext, body: z.output<S>): Promise<unknown>;
}

/** Typed against its own schema where written, then kept in the table as the general shape. */
const action = <S extends z.ZodType>(a: ConsoleAction<S>): ConsoleAction => a;

/** Without the operator gateway the use cases still check their input and state; only the Stripe call answers 503. */
function viaStripe(ctx: ActionContext): CustomerActionDeps {
  if (ctx.stripe) return ctx.stripe;
  const unavailable = (): never => {
    throw new AppError('upstream_unavailable', 'Stripe actions are not configured on this instance');
  };
  return {
    ...ctx.audit,
    billingGateway: { setCancelAtPeriodEnd: unavailable },
    operatorGateway: { cancelSubscriptionNow: unavailable, setTrialEnd: unavailable, payInvoice: unavailable },
    refresh: unavailable,
  };
}

const target = (ctx: ActionContext): string => {
  if (!ctx.target) throw new Error('action route without :target');
  return ctx.target;
};

export const CONSOLE_ACTIONS = {
  resync: action({
    role: 'editor',
    path: 'resync',
    body: ReasonBody,
    run: (ctx) => resyncCustomer(viaStripe(ctx), ctx.actor, ctx.accountId),
  }),
  'cancel-at-period-end': action({
    role: 'editor',
    path: 'cancel-at-period-end',
    body: ReasonBody,
    run: (ctx, b) => setCancellation(viaStripe(ctx), ctx.actor, ctx.accountId, true, b.reason),
  }),
  resume: action({
    role: 'editor',
    path: 'resume',
    body: ReasonBody,
    run: (ctx, b) => setCancellation(viaStripe(ctx), ctx.actor, ctx.accountId, false, b.reason),
  }),
  'cancel-now': action({
    role: 'editor',
    path: 'cancel-now',
    body: CancelNowBody,
    run: (ctx, b) => {
      if (b.confirm !== 'yes')
        throw new AppError('bad_request', 'Cancelling now needs confirm: "yes"', { fields: { confirm: ['must be "yes"'] } });
      return cancelNow(viaStripe(ctx), ctx.actor, ctx.accountId, b.reason);
    },
  }),
  'extend-trial': action({
    role: 'editor',
    path: 'extend-trial',
    body: ExtendTrialBody,
    run: (ctx, b) => extendTrial(viaStripe(ctx), ctx.actor, ctx.accountId, b.days, b.reason, b.fromTrialEnd),
  }),
  'grant-override': action({
    role: 'editor',
    path: 'overrides',
    body: GrantOverrideBody,
    run: (ctx, b) => grantOverride(ctx.audit, ctx.actor, ctx.accountId, b.grant, b.days, b.reason, b.requestId),
  }),
  'revoke-override': action({
    role: 'editor',
    path: 'overrides/:target/revoke',
    target: OverrideId,
    body: ReasonBody,
    run: (ctx) => revokeOverride(ctx.audit, ctx.actor, ctx.accountId, target(ctx)),
  }),
  'pay-invoice': action({
    role: 'editor',
    path: 'invoices/:target/pay',
    target: InvoiceId,
    body: ReasonBody,
    run: (ctx) => retryInvoicePayment(viaStripe(ctx), ctx.actor, ctx.accountId, target(ctx)),
  }),
} as const satisfies Record<string, ConsoleAction>;

export type ConsoleActionName = keyof typeof CONSOLE_ACTIONS;
