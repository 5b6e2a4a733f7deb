// The Stripe stand-in, for in-process use by tests and by server.ts: a stateful Express app the
// official SDK talks to, a controllable clock, signed webhook delivery, and the switches and
// truth tests need. `app` never listens by itself; `listen()` is a convenience for tests.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express, { type Express, type Request } from 'express';
import type Stripe from 'stripe';
import { silentLogger, type Logger } from '@billing/shared/logging/logger.js';
import { API_ENDPOINTS } from './api/api-routes.js';
import { meterEventsOf } from './api/billing-meter-events.js';
import { customerOrThrow } from './api/customers.js';
import { expandFields } from './api/expand-fields.js';
import { BillingSettings, DEFAULT_BILLING_SETTINGS, type BillingContext } from './billing/billing-context.js';
import { completeCheckoutSession } from './billing/complete-checkout.js';
import { EventLog } from './billing/event-log.js';
import { newId } from './billing/object-ids.js';
import { setPaymentBehaviour } from './billing/payment-methods.js';
import { applyPatch, type Patch } from './billing/settings-patch.js';
import { seedCatalog } from './billing/seed-catalog.js';
import { StandInClock } from './billing/stand-in-clock.js';
import { StandInState } from './billing/stand-in-state.js';
import { advanceClockTo } from './billing/subscription-renewals.js';
import { controlRoutes, type StandInControl } from './control/control-routes.js';
import { stripeErrorHandler } from './http/error-handler.js';
import { FailureInjector } from './http/failure-injection.js';
import { IdempotencyStore } from './http/idempotency.js';
import { requireApiKey } from './http/require-api-key.js';
import { StripeApiError } from './http/stripe-error.js';
import { checkoutPages } from './pages/checkout-page.js';
import { indexPage, routesOf } from './pages/index-page.js';
import { invoiceDocuments } from './pages/invoice-documents.js';
import { portalPages } from './pages/portal-page.js';
import { DeliveryQueue } from './webhooks/delivery-queue.js';
import type { DeliverySettings } from './webhooks/delivery-settings.js';

export interface StandInOptions {
  /** The secret webhooks are signed with (the receiver's STRIPE_WEBHOOK_SECRET). */
  webhookSecret: string;
  /** Where webhooks go; unset delivers nowhere (events still appear in /v1/events). */
  webhookUrl?: string | undefined;
  /** Start of the stand-in clock, unix seconds; default now. */
  clockStart?: number | undefined;
  /** Base URL of hosted pages and invoice links; default: set by listen() or the first request. */
  publicUrl?: string | undefined;
  delivery?: Patch<DeliverySettings>;
  billing?: Patch<BillingSettings>;
  logger?: Logger;
  /** Randomness for duplicates and shuffling (a seeded function makes tests repeatable). */
  random?: () => number;
  /** `seeded` (default): products, prices, meters and features from the plan catalog; `empty`: none, as a new Stripe account. */
  catalog?: CatalogStart;
}

export const CatalogStart = ['seeded', 'empty'] as const;
export type CatalogStart = (typeof CatalogStart)[number];

/** The control operations (clock, delivery, failures, billing, truth) plus what only code in-process gets. */
export interface StandIn extends StandInControl {
  app: Express;
  state: StandInState;
  clock: StandInClock;
  events: EventLog;
  failures: FailureInjector;
  completeCheckout(sessionId: string): Stripe.Checkout.Session;
  /** Listens on 127.0.0.1 (port 0 = any free port) and sets the public URL. */
  listen(port?: number, host?: string): Promise<{ url: string; close: () => Promise<void> }>;
}

export function createStandIn(opts: StandInOptions): StandIn {
  const logger = opts.logger ?? silentLogger();
  const state = new StandInState();
  const clock = new StandInClock(opts.clockStart ?? Math.floor(Date.now() / 1000));
  const events = new EventLog(state, clock);
  let publicUrl: string | null = opts.publicUrl?.replace(/\/$/, '') ?? null;
  const ctx: BillingContext = {
    state,
    clock,
    events,
    settings: BillingSettings.parse(applyPatch(DEFAULT_BILLING_SETTINGS, opts.billing ?? {})),
    publicUrl: () => publicUrl ?? 'http://127.0.0.1:12111',
  };
  if ((opts.catalog ?? 'seeded') === 'seeded') seedCatalog(state, clock.now());

  const queue = new DeliveryQueue(
    opts.webhookSecret,
    logger,
    { ...opts.delivery, url: opts.webhookUrl ?? opts.delivery?.url ?? null },
    opts.random ?? Math.random,
  );
  events.onEvent((event) => queue.enqueue(event));
  const failures = new FailureInjector();
  const idempotency = new IdempotencyStore();

  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'extended'); // the SDK sends `lookup_keys[0]=…` on GET
  app.use((req, _res, next) => {
    publicUrl ??= `${req.protocol}://${req.get('host') ?? '127.0.0.1:12111'}`;
    next();
  });

  app.use(
    '/v1',
    express.urlencoded({ extended: true, limit: '1mb', parameterLimit: 10_000 }),
    requireApiKey(),
    failures.middleware(),
    idempotency.middleware(),
  );
  for (const endpoint of API_ENDPOINTS) {
    app[endpoint.method](endpoint.path, (req: Request, res) => {
      const raw: unknown = endpoint.method === 'post' ? req.body : req.query;
      const requestId = newId('req', 14);
      res.set('Request-Id', requestId);
      const result = events.withinRequest({ id: requestId, idempotencyKey: req.get('idempotency-key') ?? null }, () =>
        endpoint.run(ctx, raw, req.params as Record<string, string>),
      );
      const expand = (raw as { expand?: unknown } | undefined)?.expand;
      res.json(expandFields(state, result, Array.isArray(expand) ? expand.filter((e): e is string => typeof e === 'string') : undefined));
    });
  }
  app.use('/v1', (req, _res, next) => {
    next(
      new StripeApiError(404, 'invalid_request_error', `Unrecognized request URL (${req.method}: ${req.originalUrl.split('?')[0] ?? ''}).`),
    );
  });

  const standIn: StandIn = {
    app,
    state,
    clock,
    events,
    delivery: {
      configure: (s) => queue.configure(s),
      idle: () => queue.idle(),
      attempts: () => queue.attempts(),
      abandoned: () => queue.abandoned(),
    },
    failures,
    advanceClock: (seconds) => advanceClockTo(ctx, clock.now() + seconds),
    meterEvents: (customerId, eventName) => meterEventsOf(state, customerId, eventName),
    subscriptionsOf: (customerId) => state.subscriptionsOf(customerId),
    setPaymentBehaviour: (customerId, behaviour) => setPaymentBehaviour(ctx, customerOrThrow(ctx, customerId), behaviour),
    completeCheckout: (sessionId) => completeCheckoutSession(ctx, sessionId),
    configureBilling: (settings) => (ctx.settings = BillingSettings.parse(applyPatch(ctx.settings, settings))),
    async listen(port = 0, host = '127.0.0.1') {
      const server = app.listen(port, host);
      await once(server, 'listening');
      const url = `http://${host}:${(server.address() as AddressInfo).port}`;
      publicUrl ??= url;
      return {
        url,
        close: async () => {
          queue.close();
          server.closeAllConnections();
          await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
        },
      };
    },
  };

  app.use(checkoutPages(ctx));
  app.use(portalPages(ctx));
  app.use(invoiceDocuments(ctx));
  const control = controlRoutes(standIn);
  app.use(indexPage(ctx, routesOf(control)));
  app.use(control);
  app.use(stripeErrorHandler(logger));
  return standIn;
}
