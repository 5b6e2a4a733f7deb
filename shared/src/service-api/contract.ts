// The service API's contract, once: the request and response schemas the app's routes parse and
// answer with, the typed client sends and checks, and the OpenAPI document is generated from
// (openapi.ts). A change here changes all three together.
import { z } from 'zod';
import { CheckableFeature, CheckReason } from '../access/check-decision.js';
import { ErrorCode } from '../errors/app-error.js';
import { AccountKind } from '../model/account-documents.js';
import { AccountId, UserId } from '../model/ids.js';
import { SubscriptionStatus } from '../model/subscription-status.js';
import { UserText } from '../model/user-text.js';
import { Feature, MeteredFeature, PlanId } from '../plans/catalog.js';

export const MAX_UNITS = 1_000_000;

const subject = {
  account: AccountId.optional().describe('The account (a personal account id is its user’s id; a team’s is `team_…`).'),
  user: UserId.optional().describe('A user: their personal account. Give exactly one of `account` and `user`.'),
};
const oneSubject = (v: { account?: unknown; user?: unknown }) => (v.account === undefined) !== (v.user === undefined);
const SUBJECT = { message: 'Give exactly one of account and user', path: ['account'] };

export const CheckRequest = z
  .strictObject({
    ...subject,
    feature: CheckableFeature,
    units: z
      .number()
      .int()
      .min(0)
      .max(MAX_UNITS)
      .default(0)
      .describe('Units about to be used (metered features): previewed, never charged.'),
  })
  .refine(oneSubject, SUBJECT);
export type CheckRequest = z.input<typeof CheckRequest>;

export const TrackRequest = z
  .strictObject({
    ...subject,
    feature: MeteredFeature,
    units: z.number().int().min(1).max(MAX_UNITS),
    idempotencyKey: UserText.min(1).max(255).describe('A repeat within 24 hours answers the first call’s answer and counts nothing.'),
    timestamp: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .describe('Unix seconds when the usage happened (default: now); within the account’s current quota month.'),
  })
  .refine(oneSubject, SUBJECT);
export type TrackRequest = z.input<typeof TrackRequest>;

export const AccountParams = z.object({ id: AccountId });

export const UsageFigure = z.object({
  used: z.number().int().nonnegative(),
  limit: z.union([z.number().int().nonnegative(), z.literal('unlimited')]),
  /** null when unlimited. */
  remaining: z.number().int().nonnegative().nullable(),
  resetsAt: z.iso.datetime(),
});
export type UsageFigure = z.infer<typeof UsageFigure>;

export const CheckResponse = z.object({
  allowed: z.boolean(),
  reason: CheckReason.nullable(),
  plan: PlanId,
  status: SubscriptionStatus.nullable(),
  usage: UsageFigure.nullable(),
  upgradeUrl: z.string().nullable(),
});
export type CheckResponse = z.infer<typeof CheckResponse>;

export const TrackResponse = z.object({
  allowed: z.literal(true),
  units: z.number().int().positive(),
  usage: UsageFigure,
  replayed: z.boolean(),
});
export type TrackResponse = z.infer<typeof TrackResponse>;

export const AccountResponse = z.object({
  account: z.object({ id: z.string(), kind: AccountKind, name: z.string().nullable() }),
  plan: z.object({ id: PlanId, name: z.string() }),
  status: SubscriptionStatus.nullable(),
  inGracePeriod: z.boolean(),
  graceEndsAt: z.number().int().nullable(),
  currentPeriodEnd: z.number().int().nullable(),
  cancelAtPeriodEnd: z.boolean(),
  seats: z.number().int().nullable(),
  features: z.array(Feature),
  quotas: z.record(MeteredFeature, z.union([z.number().int().nonnegative(), z.literal('unlimited')])),
  usage: z.array(UsageFigure.extend({ feature: MeteredFeature })),
  rateLimitPerMinute: z.number().int().positive(),
});
export type AccountResponse = z.infer<typeof AccountResponse>;

/** Every error: `{error: {code, message, ...details}}`; a 429 also says when to retry (Retry-After). */
export const ErrorResponse = z.object({
  error: z.looseObject({ code: z.enum(ErrorCode), message: z.string() }),
  /** On track: this refusal is a repeat of the first call's. */
  replayed: z.boolean().optional(),
});
export type ErrorResponse = z.infer<typeof ErrorResponse>;

export interface ServiceRoute {
  readonly method: 'get' | 'post';
  /** Express style (`:id`). */
  readonly path: string;
  readonly summary: string;
  readonly body?: z.ZodType;
  readonly params?: z.ZodType;
  readonly response: z.ZodType;
  /** Statuses this route answers with an ErrorResponse. */
  readonly errors: readonly number[];
}

export const SERVICE_ROUTES: readonly ServiceRoute[] = [
  {
    method: 'post',
    path: '/v1/check',
    summary: 'May the account use the feature (for `units` more)? Charges nothing.',
    body: CheckRequest,
    response: CheckResponse,
    errors: [400, 401, 403, 404, 415],
  },
  {
    method: 'post',
    path: '/v1/track',
    summary: 'Admit and count `units` of a metered feature, once per idempotencyKey.',
    body: TrackRequest,
    response: TrackResponse,
    errors: [400, 401, 402, 403, 404, 409, 415, 429, 503],
  },
  {
    method: 'get',
    path: '/v1/accounts/:id',
    summary: 'Plan, status, features, quotas and usage of an account: what a host caches.',
    params: AccountParams,
    response: AccountResponse,
    errors: [400, 401, 403, 404],
  },
];
