// Builds the app service's Express app from injected dependencies. Never listens (server.ts does).
// Order: public bits (static assets, health, dev sign-in) → IAP authentication → JSON API, admin
// view and pages → JSON 404 → the one error handler.
import { fileURLToPath } from 'node:url';
import express, { Router, type Express, type RequestHandler } from 'express';
import type { Firestore } from '@google-cloud/firestore';
import type { AccountStateCache } from '@billing/shared/access/account-state-cache.js';
import type { BillingOpsDeps } from '@billing/shared/billing-ops/billing-ops-deps.js';
import { createStore } from '@billing/shared/firestore/store.js';
import { errorHandler, notFoundHandler } from '@billing/shared/http/error-handler.js';
import { requestLogging } from '@billing/shared/http/request-logging.js';
import type { Logger } from '@billing/shared/logging/logger.js';
import type { Clock } from '@billing/shared/ports/clock.js';
import type { AccessPolicy } from './access/require-feature.js';
import type { DeadLetterQueue } from '@billing/shared/ports/dead-letter-queue.js';
import type { OperatorGateway } from '@billing/shared/ports/operator-gateway.js';
import { consoleRouters } from './admin/console-router.js';
import { adminCheck } from './admin/revenue-router.js';
import { accountChooser, authenticate } from './auth/authenticate.js';
import type { DevIap } from './auth/dev-iap.js';
import { DEV_PREFIX, DEV_SIGN_IN_PATH, devSignInRouter } from './auth/dev-sign-in-router.js';
import type { IapVerifier } from './auth/iap-verifier.js';
import { requireJsonPost } from './http/require-json-post.js';
import { noStore, securityHeaders } from './http/security-headers.js';
import { pagesRouter } from './pages/pages-router.js';
import type { UsageView } from './ports/usage-view.js';
import { apiKeysRouter } from './api-keys/api-keys-router.js';
import type { Metering } from './usage/metering.js';
import { usageRouter } from './usage/usage-router.js';
import { v1Router } from './usage/v1-router.js';
import { billingReturnRouter } from './routes/billing-return-router.js';
import { billingRouter } from './routes/billing-router.js';
import { invoicesRouter } from './routes/invoices-router.js';
import { meRouter } from './routes/me-router.js';
import { reportsRouter } from './routes/reports-router.js';
import { teamsRouter } from './routes/teams-router.js';
import type { DevServiceIdentity, ServiceTokenVerifier } from './service-api/service-identity.js';
import { serviceRouter } from './service-api/service-router.js';
import { createServiceKeyVerifier } from '@billing/shared/service-api/service-keys.js';

/** `public/` sits next to `src/` in the workspace and next to `dist/` in the deploy directory. */
export const PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));

export interface AppDeps {
  logger: Logger;
  /** For the Cloud Logging trace field. */
  projectId?: string | undefined;
  clock: Clock;
  verifier: IapVerifier;
  /** Dev mode (DEV_IAP=true): the local key pair, sign-in page and `__dev_iap` cookie. Null in production. */
  devIap: DevIap | null;
  accounts: AccountStateCache;
  firestore: Firestore;
  billing: BillingOpsDeps;
  usage: UsageView;
  /** Usage metering, quotas, API keys and /v1 (services/app/src/usage/metering.ts). Absent: those routes are not mounted. */
  metering?: Metering | undefined;
  pastDueGraceSeconds: number;
  /** The operator console's first admins (lower-cased emails; roles then live in Firestore); empty: none bootstrapped. */
  adminEmails: readonly string[];
  /** The console's Stripe actions beyond the billing gateway's (cancel now, trial end, invoice payment). Absent: those answer 503. */
  operatorGateway?: OperatorGateway | undefined;
  /** The console's dead-letter view, loaded on first use (a dynamic import: start-up never loads Pub/Sub). Absent: not shown. */
  deadLetters?: (() => Promise<DeadLetterQueue>) | undefined;
  /** The Enterprise card's "Contact sales" link (SALES_CONTACT_URL); absent or null: bought like any plan. */
  salesContactUrl?: string | null | undefined;
  /** The service API's caller identity (mounted with metering); `dev`: the local token signer (dev mode). */
  service?: { verifier: ServiceTokenVerifier; dev: DevServiceIdentity | null; audience: string } | undefined;
}

const isHttps = (publicBaseUrl: string) => new URL(publicBaseUrl).protocol === 'https:';

/**
 * What every request goes through before its route, whatever the route: the request's logger and
 * the security headers. Exported for the benches, whose verify-only baselines pay it too, so a
 * route's ratio measures the route.
 */
export function everyRequest(
  deps: Pick<AppDeps, 'logger' | 'projectId'> & { billing: Pick<BillingOpsDeps, 'publicBaseUrl'> },
): RequestHandler[] {
  // No access lines: Cloud Run's request log has one per request (request-logging.ts).
  return [
    requestLogging({ logger: deps.logger, projectId: deps.projectId, accessLines: false }),
    securityHeaders({ hsts: isHttps(deps.billing.publicBaseUrl) }),
  ];
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // Responses are per user and change with billing state: an ETag (a SHA-1 of every body) buys
  // nothing here, and pages are sent with no-store anyway. Static assets keep theirs (express.static).
  app.set('etag', false);
  const policy: AccessPolicy = { clock: deps.clock, pastDueGraceSeconds: deps.pastDueGraceSeconds };
  const routeDeps = { billing: deps.billing, logger: deps.logger, usage: deps.usage, policy, priceIds: deps.billing.priceIds };

  app.use(everyRequest(deps));
  const secureCookies = isHttps(deps.billing.publicBaseUrl);
  app.use('/static', express.static(PUBLIC_DIR, { index: false, maxAge: '1h' }));
  app.get('/health', (_req, res) => {
    res.json({ ok: true });
  });
  // Routers are mounted at their prefix, so a request for another path skips them in one check.
  app.use(['/api', '/v1'], noStore());
  if (deps.devIap)
    app.use(
      DEV_PREFIX,
      devSignInRouter(deps.devIap, deps.service?.dev ? { dev: deps.service.dev, audience: deps.service.audience } : null),
    );

  // Routes with their own authentication (a service's Google ID token; a user's API key) come before IAP's.
  const store = createStore(deps.firestore);
  if (deps.metering && deps.service) {
    app.use(
      '/v1',
      serviceRouter({
        verifier: deps.service.verifier,
        serverKeys: createServiceKeyVerifier({ store, clock: deps.clock }),
        accounts: deps.accounts,
        metering: deps.metering,
        clock: deps.clock,
        logger: deps.logger,
        upgradeUrl: `${deps.billing.publicBaseUrl}/billing`,
        serverUrl: deps.billing.publicBaseUrl,
      }),
    );
  }
  if (deps.metering)
    app.use(
      '/v1',
      v1Router({
        metering: deps.metering,
        iap: deps.verifier,
        clock: deps.clock,
        choose: accountChooser({ accounts: deps.accounts, firestore: deps.firestore }),
      }),
    );

  // Everything below requires a valid IAP assertion.
  app.use(
    authenticate({
      verifier: deps.verifier,
      accounts: deps.accounts,
      firestore: deps.firestore,
      devCookie: deps.devIap !== null,
      signInPath: deps.devIap ? DEV_SIGN_IN_PATH : undefined,
    }),
  );
  // The operator console (pages and JSON): every route checks the operator's role before anything is read.
  const isAdmin = adminCheck(deps.adminEmails);
  const operatorConsole = consoleRouters({
    store,
    clock: deps.clock,
    logger: deps.logger,
    bootstrapAdmins: deps.adminEmails,
    stripe: deps.operatorGateway
      ? { billingGateway: deps.billing.gateway, operatorGateway: deps.operatorGateway, refresh: deps.billing.refreshStoredSubscription }
      : null,
    livemode: deps.billing.livemode,
    publicBaseUrl: deps.billing.publicBaseUrl,
    deadLetters: deps.deadLetters ?? null,
  });
  // The JSON API, one router mounted at /api (its routers' paths are relative to it): a page
  // request never walks the API's routes, nor an API request the pages'.
  const api = Router();
  api.use(express.json({ limit: '16kb' }), requireJsonPost());
  api.use(meRouter(routeDeps));
  api.use(billingRouter(routeDeps));
  api.use(invoicesRouter({ gateway: deps.billing.gateway, firestore: deps.firestore }));
  api.use(reportsRouter(routeDeps));
  api.use(
    teamsRouter({
      teams: { store, clock: deps.clock, pastDueGraceSeconds: deps.pastDueGraceSeconds },
      logger: deps.logger,
      secureCookies,
      keyVerifier: deps.metering?.keyVerifier,
    }),
  );
  if (deps.metering) api.use(usageRouter({ metering: deps.metering }), apiKeysRouter({ metering: deps.metering }));
  api.use('/admin', operatorConsole.api);
  app.use('/api', api);
  app.use('/admin', operatorConsole.page);

  app.use(billingReturnRouter(routeDeps));
  app.use(pagesRouter({ ...routeDeps, devSignOut: deps.devIap !== null, isAdmin, salesContactUrl: deps.salesContactUrl ?? null }));

  app.use(notFoundHandler());
  app.use(errorHandler({ logger: deps.logger }));
  return app;
}
