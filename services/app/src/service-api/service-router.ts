// The service API: how the team's own services gate on a plan and meter usage (Autumn's check /
// track, native to Google Cloud). Callers are services: a Google-signed ID token of a listed
// service account (service-identity.ts; every route), or, outside Google Cloud, a scoped server key
// (shared/src/service-api/service-keys.ts; the routes of its scopes). Never a user's IAP assertion
// or a user's API key.
//   POST /v1/check        {account | user, feature, units?}  may it? (charges nothing)
//   POST /v1/track        {account | user, feature, units, idempotencyKey, timestamp?}  admit and count
//   GET  /v1/accounts/:id  plan, status, features, quotas and usage: what a host caches
//   GET  /v1/openapi.json  this contract, generated from the schemas (shared/src/service-api/contract.ts)
// `user` names a user's personal account (its id is the user's id); `account` any account.
import { Router, type RequestHandler, type Response } from 'express';
import type { AccountStateCache } from '@billing/shared/access/account-state-cache.js';
import { decideAccess, effectivePlan } from '@billing/shared/access/access-decision.js';
import { decideCheck, remainingOf, type CheckUsage } from '@billing/shared/access/check-decision.js';
import { AppError, notFound, unauthenticated } from '@billing/shared/errors/app-error.js';
import { requestLogger } from '@billing/shared/http/request-logging.js';
import type { Logger } from '@billing/shared/logging/logger.js';
import type { AccountDoc } from '@billing/shared/model/account-documents.js';
import type { UserId } from '@billing/shared/model/ids.js';
import { AccountId } from '@billing/shared/model/ids.js';
import { Feature, isMeteredFeature, type MeteredFeature } from '@billing/shared/plans/catalog.js';
import { nowSeconds, type Clock } from '@billing/shared/ports/clock.js';
import {
  AccountParams,
  CheckRequest,
  TrackRequest,
  type AccountResponse,
  type CheckResponse,
  type TrackResponse,
  type UsageFigure,
} from '@billing/shared/service-api/contract.js';
import { serviceOpenApi } from '@billing/shared/service-api/openapi.js';
import { usageAccountOf } from '@billing/shared/usage/usage-account.js';
import type { FeatureUsage } from '@billing/shared/usage/usage-summary.js';
import { jsonBody } from '../http/json-body.js';
import { parseInput } from '../http/parse-input.js';
import { takeRateLimit } from '../usage/metered.js';
import type { Metering } from '../usage/metering.js';
import type { ServiceKeyScope } from '@billing/shared/model/service-documents.js';
import { isServiceKey, type ServiceKeyVerifier } from '@billing/shared/service-api/service-keys.js';
import type { ServiceTokenVerifier } from './service-identity.js';

/** How far ahead of our clock a caller's timestamp may be (clock skew). */
const FUTURE_SKEW_SECONDS = 300;

export interface ServiceRouterDeps {
  verifier: ServiceTokenVerifier;
  serverKeys: ServiceKeyVerifier;
  accounts: Pick<AccountStateCache, 'get'>;
  metering: Metering;
  clock: Clock;
  logger: Logger;
  /** Where a refused check sends the account's people: `${PUBLIC_BASE_URL}/billing`. */
  upgradeUrl: string;
  /** PUBLIC_BASE_URL: the OpenAPI document's server. */
  serverUrl: string;
}

/** Who called: a service account (every scope) or a server key (its scopes); `name` attributes usage. */
interface Caller {
  name: string;
  scopes: ReadonlySet<ServiceKeyScope> | 'all';
}
const callers = new WeakMap<Response, Caller>();

function serviceAuth(deps: Pick<ServiceRouterDeps, 'verifier' | 'serverKeys'>, scope: ServiceKeyScope): RequestHandler {
  return async (req, res, next) => {
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    const credential = match?.[1];
    if (!credential) throw unauthenticated('Send Authorization: Bearer <Google ID token of a listed service account, or a server key>');
    let caller: Caller;
    if (isServiceKey(credential)) {
      const key = await deps.serverKeys.verify(credential);
      if (!key) throw unauthenticated('Invalid server key');
      caller = { name: `key:${key.name}`, scopes: new Set(key.scopes) };
    } else {
      caller = { name: (await deps.verifier.verify(credential)).serviceAccount, scopes: 'all' };
    }
    if (caller.scopes !== 'all' && !caller.scopes.has(scope))
      throw new AppError('forbidden', `This server key lacks the ${scope} scope`, { scope });
    callers.set(res, caller);
    next();
  };
}

/** Contract of `usage` in every answer: null for a feature that is not metered. */
function usageBody(usage: CheckUsage): UsageFigure {
  return { used: usage.used, limit: usage.limit, remaining: remainingOf(usage), resetsAt: new Date(usage.resetsAt * 1000).toISOString() };
}

const toCheckUsage = (u: Pick<FeatureUsage, 'used' | 'limit' | 'periodEnd'>): CheckUsage => ({
  used: u.used,
  limit: u.limit,
  resetsAt: u.periodEnd,
});

export function serviceRouter(deps: ServiceRouterDeps): Router {
  const router = Router();
  const auth = (scope: ServiceKeyScope) => serviceAuth(deps, scope);
  // After the caller is known: an anonymous body is never parsed.
  const json = jsonBody();
  const { metering, clock } = deps;

  // The contract, generated from the same schemas the routes parse (public: it holds no data).
  const openApi = serviceOpenApi(deps.serverUrl);
  router.get('/openapi.json', (_req, res) => {
    res.json(openApi);
  });

  async function accountOf(subject: { account?: AccountId | undefined; user?: UserId | undefined }): Promise<AccountDoc> {
    const id = subject.account ?? AccountId.parse(subject.user);
    const account = await deps.accounts.get(id);
    if (!account) throw notFound('Account');
    return account;
  }

  async function usageOf(account: AccountDoc, feature: MeteredFeature): Promise<CheckUsage> {
    // The account as this request read it: its usage figures follow the same state as its decision.
    return toCheckUsage(await metering.usage.featureUsage(AccountId.parse(account.accountId), feature, account));
  }

  router.post('/check', auth('check'), ...json, async (req, res) => {
    const body = parseInput(CheckRequest, req.body);
    const account = await accountOf(body);
    const usage = isMeteredFeature(body.feature) ? await usageOf(account, body.feature) : null;
    const decision = decideCheck({
      billing: account.billing,
      feature: body.feature,
      units: body.units,
      usage,
      now: nowSeconds(clock),
      pastDueGraceSeconds: metering.pastDueGraceSeconds,
      overrides: account.overrides,
    });
    res.json({
      allowed: decision.allowed,
      reason: decision.reason,
      plan: decision.plan,
      status: account.billing?.status ?? null,
      usage: usage && usageBody(usage),
      upgradeUrl: decision.allowed ? null : deps.upgradeUrl,
    } satisfies CheckResponse);
  });

  router.post('/track', auth('track'), ...json, async (req, res) => {
    const body = parseInput(TrackRequest, req.body);
    const account = await accountOf(body);
    const accountId = AccountId.parse(account.accountId);
    const caller = callers.get(res);
    const plan = usageAccountOf(accountId, account, clock.now(), metering);
    // Checked before the key is claimed: a corrected retry with the same key is not a repeat.
    if (body.timestamp !== undefined && (body.timestamp < plan.periodStart || body.timestamp > nowSeconds(clock) + FUTURE_SKEW_SECONDS)) {
      throw new AppError('bad_request', 'timestamp must fall in the account’s current quota month, and not in the future', {
        periodStart: plan.periodStart,
      });
    }
    const outcome = await metering.track.run(
      { accountId, idempotencyKey: body.idempotencyKey, feature: body.feature, units: body.units },
      async () => {
        takeRateLimit(metering, plan);
        // Usage a service tracks is attributed to the user it names, else to the calling service.
        await metering.recorder.record(
          { accountId, userId: body.user ?? `service:${caller?.name ?? 'unknown'}` },
          body.feature,
          body.units,
        );
        return {
          allowed: true,
          units: body.units,
          usage: usageBody(await usageOf(account, body.feature)),
          replayed: false,
        } satisfies TrackResponse;
      },
    );
    requestLogger(req, deps.logger).info(
      {
        event: 'service.track',
        accountId,
        feature: body.feature,
        units: body.units,
        status: outcome.status,
        replayed: outcome.replayed,
        caller: caller?.name,
      },
      'tracked',
    );
    const retryAfter = (outcome.body['error'] as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    if (typeof retryAfter === 'number') res.set('Retry-After', String(retryAfter));
    res.status(outcome.status).json({ ...outcome.body, replayed: outcome.replayed });
  });

  router.get('/accounts/:id', auth('read'), async (req, res) => {
    const { id } = parseInput(AccountParams, req.params);
    const account = await accountOf({ account: id });
    const now = nowSeconds(clock);
    const { plan, inGracePeriod, graceEndsAt } = effectivePlan(account.billing, now, metering.pastDueGraceSeconds);
    const usage = await metering.usage.summary(id);
    res.json({
      account: { id: account.accountId, kind: account.kind, name: account.name },
      plan: { id: plan.id, name: plan.name },
      status: account.billing?.status ?? null,
      inGracePeriod,
      graceEndsAt,
      currentPeriodEnd: account.billing?.currentPeriodEnd ?? null,
      cancelAtPeriodEnd: account.billing?.cancelAtPeriodEnd ?? false,
      seats: plan.seats && account.billing ? account.billing.quantity : null,
      features: Feature.options.filter(
        (feature) => decideAccess({ billing: account.billing, feature, now, pastDueGraceSeconds: metering.pastDueGraceSeconds }).allow,
      ),
      quotas: usageAccountOf(id, account, clock.now(), metering).quotas,
      usage: usage.map((u) => ({ feature: u.feature, ...usageBody(toCheckUsage(u)) })),
      rateLimitPerMinute: plan.rateLimitPerMinute,
    } satisfies AccountResponse);
  });
  return router;
}
