// The app service's whole configuration, parsed once at start-up (server.ts). Fails listing
// every bad key. Identity has exactly two modes and the production one cannot enable the other:
//   IAP_AUDIENCE=/projects/N/global/backendServices/ID  → Google IAP (production)
//   DEV_IAP=true                                         → local key pair + dev sign-in page
// Both set, or neither, refuses to start; so does DEV_IAP anywhere but a local run: with a live
// Stripe key, on Cloud Run (K_SERVICE set), or with a PUBLIC_BASE_URL that is not loopback http.
// Dev sign-in lets anyone sign in as any email (an admin's included), so a deployment that
// forgot to drop DEV_IAP must fail to start rather than serve it.
import { z } from 'zod';
import {
  crossChecks,
  envBool,
  envInt,
  envJson,
  parseEnv,
  parsedKeys,
  stripeApiBase,
  LogLevel,
  Revision,
  type Env,
} from '@billing/shared/config/parse-env.js';
import { checkKeyMatchesLivemode, isLiveKey, StripeLivemode, StripeSecretKey } from '@billing/shared/config/stripe-mode.js';
import { DEFAULT_PAST_DUE_GRACE_DAYS } from '@billing/shared/access/access-decision.js';
import { PriceIdMap } from '@billing/shared/plans/catalog.js';
import { TracingMode } from '@billing/shared/tracing/start-tracing.js';

/** An EC P-256 private JWK, so dev sign-ins survive a restart (optional). */
const DevJwk = z
  .object({ kty: z.literal('EC'), crv: z.literal('P-256'), x: z.string(), y: z.string(), d: z.string(), kid: z.string().optional() })
  .transform(({ kid, ...key }) => (kid ? { ...key, kid } : key));

/** http on a loopback host (localhost, *.localhost, 127.0.0.0/8, ::1): reachable only from the machine itself. */
export function isLoopbackHttpUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  // WHATWG URL parsing has already normalised the host (`127.1`, `0x7f.0.0.1` → `127.0.0.1`).
  const host = url.hostname;
  return (
    url.protocol === 'http:' &&
    (host === 'localhost' || host.endsWith('.localhost') || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === '[::1]')
  );
}

/** A comma-separated list of emails, lower-cased; empty by default. */
const emailList = (message: string) =>
  z
    .string()
    .default('')
    .transform((list) =>
      list
        .split(',')
        .map((e) => e.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(z.array(z.email(message)));

export type IdentityConfig = { mode: 'iap'; audience: string } | { mode: 'dev'; privateJwk: z.output<typeof DevJwk> | undefined };

function identityOf(audience: string | undefined, privateJwk: z.output<typeof DevJwk> | undefined): IdentityConfig {
  return audience ? { mode: 'iap', audience } : { mode: 'dev', privateJwk };
}

export const AppConfigSchema = z
  .object({
    PORT: envInt.min(1).max(65535).default(8789),
    GOOGLE_CLOUD_PROJECT: z.string().min(1),
    STRIPE_SECRET_KEY: StripeSecretKey,
    STRIPE_LIVEMODE: StripeLivemode,
    STRIPE_API_BASE: stripeApiBase,
    STRIPE_PRICE_IDS: envJson(PriceIdMap),
    IAP_AUDIENCE: z
      .string()
      .regex(
        /^\/projects\/[^/]+\/(global\/backendServices|locations\/[^/]+\/services)\/[^/]+$/,
        'must be an IAP audience (/projects/NUMBER/...)',
      )
      .optional(),
    DEV_IAP: envBool.default(false),
    DEV_IAP_PRIVATE_JWK: envJson(DevJwk).optional(),
    PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, '')),
    /** Set by Cloud Run on every service instance; read only to refuse DEV_IAP there. */
    K_SERVICE: z.string().optional(),
    PAST_DUE_GRACE_DAYS: envInt.min(0).max(60).default(DEFAULT_PAST_DUE_GRACE_DAYS),
    ACCESS_CACHE_TTL_SECONDS: envInt.min(1).max(3600).default(60),
    ACCESS_CACHE_MAX_USERS: envInt.min(1).default(10_000),
    LOG_LEVEL: LogLevel.default('info'),
    K_REVISION: Revision,
    /** OpenTelemetry traces: off, console, cloud-trace (shared/src/tracing/start-tracing.ts). */
    TRACING: TracingMode.default('off'),
    /** Show a promotion code field in Checkout (codes are made in the Stripe Dashboard). */
    CHECKOUT_PROMOTION_CODES: envBool.default(false),
    /** Where the billing page's Enterprise card sends people (https: a form, mailto: an address); unset: Enterprise is bought like any plan. */
    SALES_CONTACT_URL: z.url({ protocol: /^(https?|mailto)$/ }).optional(),
    /** Comma-separated emails (as IAP asserts them) made admins of the operator console on their first visit (roles then live in Firestore). */
    ADMIN_EMAILS: emailList('must be a comma-separated list of emails'),
    /** The operator console's pipeline view: the dead-letter inspect subscription it counts and replays, and the events topic replays go to. */
    DEAD_LETTER_SUBSCRIPTION: z.string().min(1).default('stripe-events-dead-letter-inspect'),
    PUBSUB_TOPIC: z.string().min(1).default('stripe-events'),
    /** Comma-separated service account emails whose Google ID tokens may call the service API (/v1/check, /v1/track, /v1/accounts). */
    SERVICE_ACCOUNTS: emailList('must be a comma-separated list of service account emails'),
  })
  .superRefine((env, ctx) => {
    const parsed = parsedKeys(ctx);
    checkKeyMatchesLivemode(env, ctx);
    if (parsed('IAP_AUDIENCE', 'DEV_IAP')) {
      if (env.IAP_AUDIENCE && env.DEV_IAP)
        ctx.addIssue({ code: 'custom', path: ['DEV_IAP'], message: 'cannot be enabled together with IAP_AUDIENCE' });
      if (!env.IAP_AUDIENCE && !env.DEV_IAP)
        ctx.addIssue({ code: 'custom', path: ['IAP_AUDIENCE'], message: 'is required (or DEV_IAP=true for local runs)' });
    }
    if (parsed('DEV_IAP') && env.DEV_IAP) {
      const refuse = (why: string) =>
        ctx.addIssue({ code: 'custom', path: ['DEV_IAP'], message: `local runs only: refused because ${why}` });
      if (parsed('STRIPE_SECRET_KEY') && isLiveKey(env.STRIPE_SECRET_KEY)) refuse('STRIPE_SECRET_KEY is a live key');
      if (parsed('K_SERVICE') && env.K_SERVICE !== undefined) refuse(`K_SERVICE is set (${env.K_SERVICE}): this is Cloud Run`);
      if (parsed('PUBLIC_BASE_URL') && !isLoopbackHttpUrl(env.PUBLIC_BASE_URL))
        refuse(`PUBLIC_BASE_URL ${env.PUBLIC_BASE_URL} is not an http URL on localhost or 127.0.0.1`);
    }
  }, crossChecks)
  .transform((env) => ({
    port: env.PORT,
    projectId: env.GOOGLE_CLOUD_PROJECT,
    stripe: { secretKey: env.STRIPE_SECRET_KEY, apiBase: env.STRIPE_API_BASE, livemode: env.STRIPE_LIVEMODE },
    priceIds: env.STRIPE_PRICE_IDS,
    identity: identityOf(env.IAP_AUDIENCE, env.DEV_IAP_PRIVATE_JWK),
    publicBaseUrl: env.PUBLIC_BASE_URL,
    /** Checkout offers a promotion code field. */
    allowPromotionCodes: env.CHECKOUT_PROMOTION_CODES,
    /** The Enterprise card's "Contact sales" link; null: Enterprise is bought like any plan. */
    salesContactUrl: env.SALES_CONTACT_URL ?? null,
    pastDueGraceSeconds: env.PAST_DUE_GRACE_DAYS * 86_400,
    accessCache: { ttlMs: env.ACCESS_CACHE_TTL_SECONDS * 1000, maxUsers: env.ACCESS_CACHE_MAX_USERS },
    logLevel: env.LOG_LEVEL,
    revision: env.K_REVISION,
    tracing: env.TRACING,
    /** Lower-cased; the console's bootstrap admins (empty: none; roles are in `operators/{email}`). */
    adminEmails: env.ADMIN_EMAILS,
    /** The console's dead-letter view (the Pub/Sub client is loaded only when it is opened). */
    deadLetters: { subscription: env.DEAD_LETTER_SUBSCRIPTION, topic: env.PUBSUB_TOPIC },
    /** The service API: callers' ID tokens name PUBLIC_BASE_URL as their audience. */
    serviceApi: { serviceAccounts: env.SERVICE_ACCOUNTS, audience: env.PUBLIC_BASE_URL },
  }));

export type AppConfig = z.output<typeof AppConfigSchema>;

export function loadConfig(env: Env = process.env): AppConfig {
  return parseEnv(AppConfigSchema, env);
}
