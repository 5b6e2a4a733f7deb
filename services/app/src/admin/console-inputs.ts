// What the console's routes accept, parsed once with zod (pages and API share these): bad input is
// a 400 listing the fields, an unknown id a 404, never a 5xx.
import { z } from 'zod';
import { MAX_OVERRIDE_DAYS, MAX_TRIAL_EXTENSION_DAYS } from '@billing/shared/admin/customer-actions.js';
import { SearchField } from '@billing/shared/admin/customer-list.js';
import { AccountId } from '@billing/shared/model/ids.js';
import { ListingStatus, OperatorEmail, OperatorRole } from '@billing/shared/model/operator-documents.js';
import { Feature, MeteredFeature, PlanId } from '@billing/shared/plans/catalog.js';

/** A query parameter an HTML form sends empty when nothing is chosen. */
const optional = <S extends z.ZodType>(schema: S) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

/** A form field or JSON number: forms send text. */
const int = z.coerce.number().int();

const Reason = z.string().trim().max(500).default('');

export const CustomerListParams = z.strictObject({
  q: optional(z.string().trim().max(200)),
  field: optional(z.enum(SearchField)),
  status: optional(ListingStatus),
  plan: optional(PlanId),
  after: optional(AccountId),
});

export const AccountParams = z.strictObject({ accountId: AccountId });
export const InvoiceId = z.string().regex(/^in_\w{1,120}$/, 'must be an invoice id');
export const OverrideId = z.string().regex(/^ovr_[\w-]{1,40}$/, 'must be an override id');

export const ReasonBody = z.strictObject({ reason: Reason });
export const CancelNowBody = z.strictObject({ reason: Reason, confirm: optional(z.literal('yes')) });
/** `fromTrialEnd`: the trial end the form showed (unix seconds), so a resubmitted form extends once. */
export const ExtendTrialBody = z.strictObject({
  days: int.min(1).max(MAX_TRIAL_EXTENSION_DAYS),
  reason: Reason,
  fromTrialEnd: optional(int.min(0).max(2 ** 40)),
});

export const GrantOverrideBody = z
  .strictObject({
    kind: z.enum(['feature', 'quota']),
    feature: z.string().max(64),
    limit: optional(int.min(0).max(1_000_000_000)),
    days: int.min(1).max(MAX_OVERRIDE_DAYS),
    reason: Reason,
    /** The form's own id, so a resubmitted form grants once. */
    requestId: z.string().regex(/^[\w-]{8,64}$/, 'must be a request id'),
  })
  .transform((body, ctx) => {
    if (body.kind === 'feature') {
      const feature = Feature.safeParse(body.feature);
      if (!feature.success) ctx.addIssue({ code: 'custom', path: ['feature'], message: 'must be a feature' });
      return feature.success
        ? { grant: { kind: 'feature' as const, feature: feature.data }, days: body.days, reason: body.reason, requestId: body.requestId }
        : z.NEVER;
    }
    const feature = MeteredFeature.safeParse(body.feature);
    if (!feature.success) ctx.addIssue({ code: 'custom', path: ['feature'], message: 'must be a metered feature' });
    if (body.limit === undefined) ctx.addIssue({ code: 'custom', path: ['limit'], message: 'is required for a quota' });
    return feature.success && body.limit !== undefined
      ? {
          grant: { kind: 'quota' as const, feature: feature.data, limit: body.limit },
          days: body.days,
          reason: body.reason,
          requestId: body.requestId,
        }
      : z.NEVER;
  });

export const AuditParams = z.strictObject({ account: optional(AccountId), before: optional(z.string().regex(/^[\w-]{1,64}$/)) });

/** Setting a role; `none` revokes. */
export const SetRoleBody = z.strictObject({ email: OperatorEmail, role: z.enum([...OperatorRole.options, 'none']) });
