// The direction of dependencies, checked by `npm run lint` (shared/src/README.md describes the
// layers). Bottom-up, shared/src reads: pure domain -> ports -> application -> adapters and HTTP
// helpers; logging, tracing, errors and config are cross-cutting and may be used from any layer above
// the domain (the domain may use errors only). A rule names what may NOT be imported, so a new
// file is checked as soon as it matches a layer's patterns.
//
// Folders that mix layers list their files one by one (billing/, usage/, stripe/, identity/,
// revenue/, access/): a file added there is application (or an adapter) until it is listed here.

/** Paths relative to the repository root, as dependency-cruiser reports them. */
const S = '^shared/src/';

/**
 * Pure domain: data and rules, no I/O, no SDK. `stripe/` holds Stripe's vocabulary as plain data
 * (id grammar, event types, the event envelope schema) beside the SDK adapter: those files are
 * domain, the rest of `stripe/` is the adapter.
 */
const DOMAIN = [
  `${S}plans/`,
  `${S}model/`,
  `${S}access/(access-decision|check-decision)\\.ts$`,
  `${S}notifications/messages\\.ts$`,
  `${S}service-api/contract\\.ts$`,
  `${S}billing/billing-summary\\.ts$`,
  `${S}revenue/(revenue-summary|exact-amount)\\.ts$`,
  `${S}money/`,
  `${S}usage/(quota-period|lease-policy|counter-state)\\.ts$`,
  `${S}identity/identity\\.ts$`,
  `${S}stripe/(stripe-ids|event-types|event-object-ids|stripe-event-envelope)\\.ts$`,
];

/** Interfaces the application calls and the adapters implement. */
const PORTS = [`${S}ports/`];

/** Cross-cutting: usable from the application, the adapters and the HTTP helpers. */
const CROSS_CUTTING = [`${S}logging/`, `${S}tracing/`, `${S}errors/`, `${S}config/`];

/** Adapters over an SDK or the network: Stripe, Pub/Sub, Firestore (clients, converters, caches). */
const ADAPTERS = [`${S}stripe/`, `${S}pubsub/`, `${S}firestore/`];

/** Express middleware and server lifecycle shared by the services. */
const HTTP = [`${S}http/`];

/** Test helpers and tests: they may reach into any layer. */
const TESTS = ['\\.test\\.ts$', '(^|/)testing/', '(^|/)e2e/', '(^|/)bench/'];

/** SDKs and server modules that have no place in the domain (or, for Express, below HTTP). */
const SDKS = [
  '^node_modules/(@google-cloud|@grpc|stripe|express|pino)/',
  '^shared/node_modules/(@google-cloud|@grpc|stripe|express|pino)/',
];
const NODE_IO = ['^(node:)?(net|http|https|http2|fs|fs/promises|child_process|dgram|dns|tls|cluster|worker_threads)$'];

module.exports = {
  forbidden: [
    {
      name: 'domain-imports-only-domain',
      comment:
        'The pure domain (catalog, access decision, billing summary, revenue, quota policy, model) depends only on itself, zod and the error hierarchy: no I/O, no SDK, no ports or use cases.',
      severity: 'error',
      from: { path: DOMAIN, pathNot: TESTS },
      to: {
        pathNot: [...DOMAIN, `${S}errors/`, '(^|/)node_modules/zod/'],
      },
    },
    {
      name: 'domain-no-io',
      comment: 'No SDK (Firestore, Pub/Sub, Stripe, Express, pino) and no network or file system in the domain, not even as a type.',
      severity: 'error',
      from: { path: DOMAIN, pathNot: TESTS },
      to: { path: [...SDKS, ...NODE_IO] },
    },
    {
      name: 'ports-are-interfaces',
      comment:
        'A port names what the application needs in domain terms: it may not lean on an adapter or a use case (SDK types are allowed as types, e.g. Stripe.Subscription).',
      severity: 'error',
      from: { path: PORTS },
      to: {
        pathNot: [...DOMAIN, ...PORTS, `${S}errors/`, '(^|/)node_modules/(zod|stripe)/'],
      },
    },
    {
      name: 'application-no-adapters',
      comment:
        'Use cases reach Stripe and Pub/Sub through ports (ports/), never through the adapters or the HTTP helpers. Firestore is still used directly by the use cases (its transactions are part of the ordering proof) until the typed store covers every collection.',
      severity: 'error',
      from: { path: `${S}`, pathNot: [...DOMAIN, ...PORTS, ...CROSS_CUTTING, ...ADAPTERS, ...HTTP, ...TESTS] },
      to: {
        path: [`${S}stripe/`, `${S}pubsub/`, `${S}http/`, '(^|/)node_modules/(@google-cloud/pubsub|@grpc|express)/'],
        pathNot: DOMAIN,
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'application-no-adapter-types',
      comment: 'Not even as a type: the application names ports, not adapters.',
      severity: 'error',
      from: { path: `${S}`, pathNot: [...DOMAIN, ...PORTS, ...CROSS_CUTTING, ...ADAPTERS, ...HTTP, ...TESTS] },
      to: { path: [`${S}stripe/`, `${S}pubsub/`, `${S}http/`], pathNot: DOMAIN },
    },
    {
      name: 'stripe-sdk-only-in-the-stripe-adapter',
      comment:
        "The Stripe SDK is loaded at run time only by the Stripe adapter, shared/src/stripe/ (and by the stand-in and the tests, which speak Stripe's wire format); elsewhere it is a type.",
      severity: 'error',
      from: {
        pathNot: [`${S}stripe/`, '^infra/local/stripe-stand-in/', ...TESTS],
      },
      to: { path: '(^|/)node_modules/stripe/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'adapters-not-above',
      comment:
        'An adapter implements a port: it may use the domain, the ports and the cross-cutting modules, not the use cases or the HTTP helpers.',
      severity: 'error',
      from: { path: ADAPTERS, pathNot: [...DOMAIN, ...TESTS] },
      to: {
        path: `${S}`,
        pathNot: [...DOMAIN, ...PORTS, ...CROSS_CUTTING, ...ADAPTERS],
      },
    },
    {
      name: 'http-helpers-not-above',
      comment: 'The HTTP helpers know Express, errors and logging, nothing of billing.',
      severity: 'error',
      from: { path: HTTP, pathNot: TESTS },
      to: { path: `${S}`, pathNot: [...HTTP, ...CROSS_CUTTING] },
    },
    {
      name: 'cross-cutting-stays-below',
      comment: 'Logging, tracing, errors and config are used by every layer, so they use none of them.',
      severity: 'error',
      from: { path: CROSS_CUTTING, pathNot: TESTS },
      to: { path: `${S}`, pathNot: CROSS_CUTTING },
    },
    {
      name: 'shared-not-into-deployables',
      comment: 'shared/ is the library; the deployables (services/, functions/) and the tooling (infra/) build on it, never the reverse.',
      severity: 'error',
      from: { path: '^shared/', pathNot: TESTS },
      to: { path: ['^services/', '^functions/', '^infra/'] },
    },
    {
      name: 'shared-tests-only-into-the-stand-in',
      comment: 'Shared tests may use the local Stripe stand-in (a test double), nothing else outside shared/.',
      severity: 'error',
      from: { path: ['^shared/.*\\.test\\.ts$', '^shared/src/testing/'] },
      to: { path: ['^services/', '^functions/', '^infra/'], pathNot: '^infra/local/stripe-stand-in/' },
    },
    {
      name: 'services-independent',
      comment: 'Each service is deployed alone: what two of them need lives in shared/.',
      severity: 'error',
      from: { path: '^services/([^/]+)/' },
      to: { path: '^services/([^/]+)/', pathNot: '^services/$1/' },
    },
    {
      name: 'functions-and-services-apart',
      comment: 'The functions and the services are deployed apart: what both need lives in shared/.',
      severity: 'error',
      from: { path: '^functions/' },
      to: { path: '^services/' },
    },
    {
      name: 'services-and-functions-apart',
      comment: 'The functions and the services are deployed apart: what both need lives in shared/.',
      severity: 'error',
      from: { path: '^services/' },
      to: { path: '^functions/' },
    },
    {
      name: 'deployables-not-into-infra',
      comment: 'What is deployed does not load the local tooling (tests may start the stand-in and the emulators).',
      severity: 'error',
      from: { path: ['^services/', '^functions/'], pathNot: TESTS },
      to: { path: '^infra/' },
    },
    {
      name: 'no-circular',
      comment: 'No cycles anywhere: each module can be read after what it imports.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to nothing is a moved or deleted file.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['(^|/)dist/', '(^|/)\\.local/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      // @billing/shared/x.js resolves through the workspace's `exports` to shared/src/x.ts.
      exportsFields: ['exports'],
      conditionNames: ['import', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.cjs', '.mjs', '.json', '.d.ts'],
    },
    cache: false,
  },
};
