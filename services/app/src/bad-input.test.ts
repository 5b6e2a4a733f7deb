// Bad input gets a 4xx and changes nothing: every /api and /v1 route of the app, fed what a
// careless client or an attacker sends (malformed and unknown ids, ill-formed Unicode in JSON and
// in the URL, wrong types, huge numbers, very long strings, deep nesting, oversized bodies), through
// the app as production composes it, against the Firestore emulator and the Stripe stand-in.
// Each row asserts no 5xx (a 5xx logs at ERROR and pages the operator) and that neither Firestore
// nor Stripe changed. The table is checked against the app's own routes, so a new route without
// rows fails here.
import type { Express } from 'express';
import type { DocumentReference, Firestore } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devSubject } from './auth/dev-iap.js';
import { startTestStack, type TestStack } from './testing/stack.js';

let stack: TestStack;
/** Subscribed to Pro through Checkout: has a Stripe customer, invoices, a subscription and an API key. */
const ALICE = 'alice-bad-input@example.com';
/** Signed in once, never subscribed: no Stripe customer (a checkout would create one). */
const BOB = 'bob-bad-input@example.com';
let aliceKey = '';
/** Alice's team (no subscription: one seat, hers). */
let aliceTeam = '';
let serviceToken = '';
let aliceKeyId = '';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
/** `iap`: Alice's (or Bob's) IAP assertion; `alice-team`: Alice acting for her team; `key`: Alice's API key; `none`: no credentials. */
type Caller = 'alice' | 'alice-team' | 'bob' | 'alice-key' | 'service' | 'none' | { bearer: string };
/** A listed service account: its ID tokens (from /dev/service-token) may call the service API. */
const SERVICE = 'host@bad-input.iam.gserviceaccount.com';

interface Row {
  /** The route as the app declares it (`GET /api/invoices/:id/pdf`). */
  route: string;
  name: string;
  method: Method;
  /** The path and query actually requested. */
  path: string;
  caller: Caller;
  /** A raw body (sent as is, so that JSON escapes such as `\ud800` reach the parser). */
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** `4xx`: the input must be refused; `not-5xx`: the route ignores this input (a read answers normally). */
  expect: '4xx' | 'not-5xx';
}

const LONE_SURROGATE_JSON = '"\\ud800x"'; // JSON text: a string holding a lone high surrogate
const LONE_LOW_SURROGATE_JSON = '"x\\udc00"';
const LONE_SURROGATE_QUERY = '%ED%A0%80'; // U+D800 as (ill-formed) UTF-8, percent-encoded
const deepJson = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const LONG = 'a'.repeat(15_000); // under the 16 kB body limit: reaches validation
const OVERSIZED = JSON.stringify({ x: 'a'.repeat(1_000_000) });

/** Bodies every JSON route must refuse, whatever its fields; `field` is the route's own field (or a stray one). */
function jsonBodies(field: string, opts: { emptyBodyIsValid?: boolean } = {}): { name: string; body: string; contentType?: string }[] {
  const v = (value: string) => `{"${field}":${value}}`;
  return [
    { name: 'malformed JSON', body: '{nope' },
    { name: 'a JSON string, not an object', body: '"text"' },
    { name: 'a JSON array, not an object', body: '[]' },
    // No body is how a route without (required) input is called: refused only where a field is required.
    ...(opts.emptyBodyIsValid ? [] : [{ name: 'an empty body with a JSON type', body: '' }]),
    { name: 'an oversized body', body: OVERSIZED },
    { name: 'not JSON (text/plain)', body: v('"x"'), contentType: 'text/plain' },
    { name: `${field}: a lone high surrogate`, body: v(LONE_SURROGATE_JSON) },
    { name: `${field}: a lone low surrogate`, body: v(LONE_LOW_SURROGATE_JSON) },
    { name: `${field}: a very long string`, body: v(`"${LONG}"`) },
    { name: `${field}: a huge number (1e309 = Infinity)`, body: v('1e309') },
    { name: `${field}: a number past 2^53`, body: v('9007199254740993123') },
    { name: `${field}: a negative fraction`, body: v('-1.5') },
    { name: `${field}: true`, body: v('true') },
    { name: `${field}: null`, body: v('null') },
    { name: `${field}: an object`, body: v('{"$gt":""}') },
    { name: `${field}: deeply nested arrays`, body: v(deepJson(5_000)) },
  ];
}

/** The JSON routes, the field each takes (a stray one for a route that takes none) and their own bad values. */
const JSON_ROUTES: {
  route: string;
  path: string;
  caller: Caller;
  field: string;
  emptyBodyIsValid?: boolean;
  extra: { name: string; body: string }[];
}[] = [
  {
    route: 'POST /api/checkout',
    path: '/api/checkout',
    caller: 'bob',
    field: 'lookupKey',
    extra: [
      { name: 'an unknown plan', body: '{"lookupKey":"gold_forever"}' },
      { name: 'a plan name with a lone surrogate', body: `{"lookupKey":"pro_month\\ud800"}` },
      { name: 'seats: 0', body: '{"lookupKey":"team_month","seats":0}' },
      { name: 'seats: Infinity', body: '{"lookupKey":"team_month","seats":1e309}' },
      { name: 'seats: a string', body: '{"lookupKey":"team_month","seats":"3"}' },
      { name: 'seats on a flat plan', body: '{"lookupKey":"pro_month","seats":3}' },
      { name: 'seats: huge', body: '{"lookupKey":"team_month","seats":1e300}' },
    ],
  },
  {
    route: 'POST /api/portal',
    path: '/api/portal',
    caller: 'alice',
    field: 'returnUrl',
    emptyBodyIsValid: true,
    extra: [
      { name: 'an unknown portal flow', body: '{"flow":"subscription_cancel"}' },
      { name: 'a flow that is not a string', body: '{"flow":["payment_method_update"]}' },
    ],
  },
  // "Pay now" on an invoice Stripe does not know: bad bodies are refused before the id is looked up.
  {
    route: 'POST /api/invoices/:id/pay',
    path: `/api/invoices/in_${'0'.repeat(24)}/pay`,
    caller: 'alice',
    field: 'x',
    emptyBodyIsValid: true,
    extra: [],
  },
  {
    route: 'POST /api/subscription/plan',
    path: '/api/subscription/plan',
    caller: 'alice',
    field: 'lookupKey',
    extra: [
      { name: 'an unknown plan', body: '{"lookupKey":"gold_forever"}' },
      { name: 'a plan name with a lone surrogate', body: `{"lookupKey":"pro_year\\ud800"}` },
    ],
  },
  {
    route: 'POST /api/subscription/plan/preview',
    path: '/api/subscription/plan/preview',
    caller: 'alice',
    field: 'lookupKey',
    extra: [
      { name: 'an unknown plan', body: '{"lookupKey":"gold_forever"}' },
      { name: 'seats on a flat plan', body: '{"lookupKey":"pro_year","seats":3}' },
      { name: 'seats: 0 on a per-seat plan', body: '{"lookupKey":"team_month","seats":0}' },
      { name: 'seats above the plan range', body: '{"lookupKey":"team_month","seats":5000}' },
      { name: 'seats: a fraction', body: '{"lookupKey":"team_month","seats":2.5}' },
    ],
  },
  {
    route: 'POST /api/subscription/seats',
    path: '/api/subscription/seats',
    caller: 'alice',
    field: 'seats',
    extra: [
      { name: 'seats: 0', body: '{"seats":0}' },
      { name: 'seats: 10001', body: '{"seats":10001}' },
      { name: 'seats: a string', body: '{"seats":"5"}' },
    ],
  },
  {
    route: 'POST /api/subscription/seats/preview',
    path: '/api/subscription/seats/preview',
    caller: 'alice',
    field: 'seats',
    extra: [{ name: 'seats: -1', body: '{"seats":-1}' }],
  },
  {
    route: 'POST /api/subscription/cancel',
    path: '/api/subscription/cancel',
    caller: 'alice',
    field: 'at',
    emptyBodyIsValid: true,
    extra: [],
  },
  {
    route: 'POST /api/subscription/resume',
    path: '/api/subscription/resume',
    caller: 'alice',
    field: 'at',
    emptyBodyIsValid: true,
    extra: [],
  },
  {
    route: 'POST /api/keys',
    path: '/api/keys',
    caller: 'alice',
    field: 'name',
    extra: [
      { name: 'an empty name', body: '{"name":""}' },
      { name: 'a blank name', body: '{"name":"   "}' },
      { name: 'a name of 101 characters', body: JSON.stringify({ name: 'n'.repeat(101) }) },
      { name: 'a name with a lone surrogate in the middle', body: '{"name":"ab\\udfffcd"}' },
    ],
  },
  {
    route: 'POST /api/teams',
    path: '/api/teams',
    caller: 'alice',
    field: 'name',
    extra: [
      { name: 'an empty name', body: '{"name":""}' },
      { name: 'a name of 81 characters', body: JSON.stringify({ name: 't'.repeat(81) }) },
      { name: 'a stray field', body: '{"name":"ok","owner":"someone"}' },
    ],
  },
  {
    route: 'POST /api/accounts/active',
    path: '/api/accounts/active',
    caller: 'alice',
    field: 'accountId',
    extra: [
      { name: 'an account that does not exist', body: '{"accountId":"team_doesnotexist00000000"}' },
      { name: 'someone else’s personal account', body: '{"accountId":"accounts.google.com:999"}' },
      { name: 'an id with a slash', body: '{"accountId":"team_a/b"}' },
      { name: 'an id of 129 characters', body: JSON.stringify({ accountId: 'a'.repeat(129) }) },
    ],
  },
  {
    route: 'POST /api/team/invitations',
    path: '/api/team/invitations',
    caller: 'alice-team',
    field: 'email',
    extra: [
      { name: 'not an email', body: '{"email":"nobody"}' },
      { name: 'an email of 300 characters', body: JSON.stringify({ email: `${'e'.repeat(290)}@example.com` }) },
      { name: 'role owner', body: '{"email":"x@example.com","role":"owner"}' },
      { name: 'an unknown role', body: '{"email":"x@example.com","role":"boss"}' },
      { name: 'past the paid seats', body: '{"email":"x@example.com"}' },
    ],
  },
  {
    route: 'POST /api/team/leave',
    path: '/api/team/leave',
    caller: 'alice-team',
    field: 'userId',
    emptyBodyIsValid: true,
    extra: [{ name: 'the last owner leaving', body: '{}' }],
  },
  {
    route: 'POST /v1/check',
    path: '/v1/check',
    caller: 'service',
    field: 'feature',
    extra: [
      { name: 'an unknown feature', body: '{"account":"{aliceId}","feature":"teleport"}' },
      { name: 'both account and user', body: '{"account":"{aliceId}","user":"{aliceId}","feature":"sso"}' },
      { name: 'an unknown account', body: '{"account":"acct_nobody","feature":"sso"}' },
      { name: 'units: -1', body: '{"account":"{aliceId}","feature":"api_calls","units":-1}' },
      { name: 'units: 1e12', body: '{"account":"{aliceId}","feature":"api_calls","units":1e12}' },
    ],
  },
  {
    route: 'POST /v1/track',
    path: '/v1/track',
    caller: 'service',
    field: 'idempotencyKey',
    extra: [
      { name: 'no idempotencyKey', body: '{"account":"{aliceId}","feature":"api_calls","units":1}' },
      { name: 'a feature that is not metered', body: '{"account":"{aliceId}","feature":"sso","units":1,"idempotencyKey":"k"}' },
      { name: 'units: 0', body: '{"account":"{aliceId}","feature":"api_calls","units":0,"idempotencyKey":"k"}' },
      {
        name: 'a timestamp in the future',
        body: '{"account":"{aliceId}","feature":"api_calls","units":1,"idempotencyKey":"k","timestamp":99999999999}',
      },
      { name: 'an unknown account', body: '{"account":"acct_nobody","feature":"api_calls","units":1,"idempotencyKey":"k"}' },
    ],
  },
  {
    route: 'POST /v1/analyses',
    path: '/v1/analyses',
    caller: 'alice-key',
    field: 'input',
    emptyBodyIsValid: true,
    extra: [{ name: 'input over 10,000 characters', body: JSON.stringify({ input: 'x'.repeat(10_001) }) }],
  },
];

/** Stands for Alice's API key id in a path: known only once beforeAll has created the key. */
const ALICE_KEY_ID = '{aliceKeyId}';

function idRows(): Row[] {
  const rows: Row[] = [];
  const ids = [
    ['an unknown well-formed id', (prefix: string) => `${prefix}${'0'.repeat(24)}`, '4xx'],
    ['a malformed id', () => 'not-an-id', '4xx'],
    ['a path traversal', () => '..%2F..%2Fusers', '4xx'],
    ['a lone surrogate (percent-encoded)', () => LONE_SURROGATE_QUERY, '4xx'],
    ['an undecodable escape', () => '%ZZ', '4xx'],
    ['a 5,000-character id', (prefix: string) => `${prefix}${'a'.repeat(5_000)}`, '4xx'],
  ] as const;
  for (const [name, id] of ids) {
    rows.push({
      route: 'GET /api/invoices/:id/pdf',
      name,
      method: 'GET',
      path: `/api/invoices/${id('in_')}/pdf`,
      caller: 'alice',
      expect: '4xx',
    });
    rows.push({
      route: 'POST /api/invoices/:id/pay',
      name,
      method: 'POST',
      path: `/api/invoices/${id('in_')}/pay`,
      caller: 'alice',
      body: '{}',
      expect: '4xx',
    });
    rows.push({
      route: 'POST /api/invoices/:id/pay',
      name: `${name} (no Stripe customer)`,
      method: 'POST',
      path: `/api/invoices/${id('in_')}/pay`,
      caller: 'bob',
      body: '{}',
      expect: '4xx',
    });
    // With a JSON body, as the page sends it (else the CSRF guard answers 403 before the route).
    rows.push({
      route: 'DELETE /api/keys/:id',
      name,
      method: 'DELETE',
      path: `/api/keys/${id('key_')}`,
      caller: 'alice',
      body: '{}',
      expect: '4xx',
    });
    rows.push({
      route: 'PATCH /api/keys/:id',
      name,
      method: 'PATCH',
      path: `/api/keys/${id('key_')}`,
      caller: 'alice',
      body: '{"name":"renamed"}',
      expect: '4xx',
    });
  }
  for (const [name, id] of ids) {
    rows.push({
      route: 'DELETE /api/team/invitations/:id',
      name,
      method: 'DELETE',
      path: `/api/team/invitations/${id('inv_')}`,
      caller: 'alice-team',
      body: '{}',
      expect: '4xx',
    });
    rows.push({
      route: 'POST /api/invitations/:id/accept',
      name,
      method: 'POST',
      path: `/api/invitations/${id('inv_')}/accept`,
      caller: 'bob',
      body: '{}',
      expect: '4xx',
    });
    rows.push({
      route: 'PATCH /api/team/members/:userId',
      name,
      method: 'PATCH',
      path: `/api/team/members/${id('')}`,
      caller: 'alice-team',
      body: '{"role":"admin"}',
      expect: '4xx',
    });
    rows.push({
      route: 'DELETE /api/team/members/:userId',
      name,
      method: 'DELETE',
      path: `/api/team/members/${id('')}`,
      caller: 'alice-team',
      body: '{}',
      expect: '4xx',
    });
  }
  for (const b of [...jsonBodies('role'), { name: 'role: an unknown role', body: '{"role":"boss"}' }]) {
    rows.push({
      route: 'PATCH /api/team/members/:userId',
      name: b.name,
      method: 'PATCH',
      path: '/api/team/members/{aliceId}',
      caller: 'alice-team',
      body: b.body,
      ...(b.contentType ? { contentType: b.contentType } : {}),
      expect: '4xx',
    });
  }
  // Alice is her team's last owner: she can neither step down nor be removed.
  rows.push({
    route: 'PATCH /api/team/members/:userId',
    name: 'the last owner stepping down',
    method: 'PATCH',
    path: '/api/team/members/{aliceId}',
    caller: 'alice-team',
    body: '{"role":"member"}',
    expect: '4xx',
  });
  rows.push({
    route: 'DELETE /api/team/members/:userId',
    name: 'the last owner removed',
    method: 'DELETE',
    path: '/api/team/members/{aliceId}',
    caller: 'alice-team',
    body: '{}',
    expect: '4xx',
  });
  for (const [name, id] of ids) {
    rows.push({
      route: 'GET /v1/accounts/:id',
      name,
      method: 'GET',
      path: `/v1/accounts/${id('acct_')}`,
      caller: 'service',
      expect: '4xx',
    });
  }
  rows.push({
    route: 'DELETE /api/keys/:id',
    name: 'another user’s key',
    method: 'DELETE',
    path: `/api/keys/${ALICE_KEY_ID}`,
    caller: 'bob',
    body: '{}',
    expect: '4xx',
  });
  for (const b of jsonBodies('name')) {
    rows.push({
      route: 'PATCH /api/keys/:id',
      name: b.name,
      method: 'PATCH',
      path: `/api/keys/${ALICE_KEY_ID}`,
      caller: 'alice',
      body: b.body,
      ...(b.contentType ? { contentType: b.contentType } : {}),
      expect: '4xx',
    });
  }
  return rows;
}

function invoiceListRows(): Row[] {
  const queries: [string, string][] = [
    ['an unknown invoice as the cursor (Stripe 404)', 'starting_after=in_doesnotexist000'],
    ['a malformed cursor', 'starting_after=not-an-id'],
    ['an empty cursor', 'starting_after='],
    ['a lone surrogate as the cursor', `starting_after=${LONE_SURROGATE_QUERY}`],
    ['a 5,000-character cursor', `starting_after=in_${'a'.repeat(5_000)}`],
    ['a cursor given twice', 'starting_after=in_a&starting_after=in_b'],
    ['limit 0', 'limit=0'],
    ['limit 101', 'limit=101'],
    ['limit 1e400', 'limit=1e400'],
    ['limit -1', 'limit=-1'],
    ['limit 1.5', 'limit=1.5'],
    ['limit not a number', 'limit=ten'],
    ['limit as a lone surrogate', `limit=${LONE_SURROGATE_QUERY}`],
    ['limit given twice', 'limit=1&limit=2'],
  ];
  const rows = queries.map(([name, query]): Row => ({
    route: 'GET /api/invoices',
    name,
    method: 'GET',
    path: `/api/invoices?${query}`,
    caller: 'alice',
    expect: '4xx',
  }));
  // The app parses queries flat (`simple`): `starting_after[x]` is a parameter it does not know, ignored.
  rows.push({
    route: 'GET /api/invoices',
    name: 'a cursor in bracket syntax',
    method: 'GET',
    path: '/api/invoices?starting_after[x]=in_a',
    caller: 'alice',
    expect: 'not-5xx',
  });
  return rows;
}

/** Routes that take no input: junk in the query is ignored (a read answers as usual), never a 5xx. */
const READ_ROUTES: { route: string; path: string; caller: Caller }[] = [
  { route: 'GET /api/me', path: '/api/me', caller: 'alice' },
  { route: 'GET /api/plans', path: '/api/plans', caller: 'alice' },
  { route: 'GET /api/invoices', path: '/api/invoices', caller: 'alice' },
  { route: 'GET /api/reports/advanced', path: '/api/reports/advanced', caller: 'alice' },
  { route: 'GET /api/usage', path: '/api/usage', caller: 'alice' },
  { route: 'GET /api/keys', path: '/api/keys', caller: 'alice' },
  { route: 'GET /api/admin/revenue', path: '/api/admin/revenue', caller: 'alice' },
  { route: 'GET /api/accounts', path: '/api/accounts', caller: 'alice' },
  { route: 'GET /api/team', path: '/api/team', caller: 'alice-team' },
  { route: 'GET /v1/ping', path: '/v1/ping', caller: 'none' },
  { route: 'GET /v1/accounts/:id', path: '/v1/accounts/{aliceId}', caller: 'service' },
];

/** The account header is input too: refused when malformed or naming an account the caller is not in. */
function accountHeaderRows(): Row[] {
  const values: [string, string][] = [
    ['a malformed account id', 'team_a/b'],
    ['an account id of 500 characters', 'a'.repeat(500)],
    ['an account the caller is not a member of', 'team_doesnotexist00000000'],
    ['someone else’s personal account', 'accounts.google.com:999'],
  ];
  const rows: Row[] = [];
  for (const [name, value] of values) {
    for (const route of ['GET /api/me', 'GET /api/team', 'GET /api/usage']) {
      rows.push({
        route,
        name: `X-Billing-Account: ${name}`,
        method: 'GET',
        path: route.split(' ')[1] ?? '',
        caller: 'alice',
        headers: { 'x-billing-account': value },
        expect: '4xx',
      });
    }
    rows.push({
      route: 'POST /v1/analyses',
      name: `X-Billing-Account: ${name} (through IAP)`,
      method: 'POST',
      path: '/v1/analyses',
      caller: 'alice',
      headers: { 'x-billing-account': value },
      body: '{}',
      expect: '4xx',
    });
  }
  return rows;
}

function table(): Row[] {
  const rows: Row[] = [...invoiceListRows(), ...idRows(), ...accountHeaderRows()];
  // Public (the contract holds no data): junk in the query is ignored.
  rows.push({
    route: 'GET /v1/openapi.json',
    name: 'junk and a lone surrogate in the query',
    method: 'GET',
    path: `/v1/openapi.json?${LONE_SURROGATE_QUERY}=x&limit=1e400`,
    caller: 'none',
    expect: 'not-5xx',
  });
  for (const r of JSON_ROUTES) {
    const bodies: { name: string; body: string; contentType?: string }[] = [
      ...jsonBodies(r.field, { emptyBodyIsValid: r.emptyBodyIsValid ?? false }),
      ...r.extra,
    ];
    for (const b of bodies) {
      rows.push({
        route: r.route,
        name: b.name,
        method: 'POST',
        path: r.path,
        caller: r.caller,
        body: b.body,
        ...(b.contentType ? { contentType: b.contentType } : {}),
        expect: '4xx',
      });
    }
  }
  const junkQuery = `?${LONE_SURROGATE_QUERY}=${LONE_SURROGATE_QUERY}&x[y][z]=${'q'.repeat(4_000)}&limit=1e400`;
  for (const r of READ_ROUTES) {
    rows.push({
      route: r.route,
      name: 'junk and a lone surrogate in the query',
      method: 'GET',
      path: `${r.path}${junkQuery}`,
      caller: r.caller,
      expect: r.caller === 'none' ? '4xx' : 'not-5xx',
    });
  }
  // Credentials are input too: none, or a key that is malformed, absurdly long or not Alice's.
  for (const route of [...READ_ROUTES.map((r) => r.route), ...JSON_ROUTES.map((r) => r.route)]) {
    const [method, path] = route.split(' ') as [Method, string];
    const body = method === 'GET' ? {} : { body: '{}' };
    rows.push({ route, name: 'no credentials', method, path, caller: 'none', ...body, expect: '4xx' });
    if (path.startsWith('/v1/')) {
      for (const [name, bearer] of [
        ['a malformed API key', 'not-a-key'],
        ['an unknown API key', `bk_${'0'.repeat(40)}`],
        ['a 6,000-character API key', `bk_${'a'.repeat(6_000)}`],
      ] as const) {
        rows.push({ route, name, method, path, caller: { bearer }, ...body, expect: '4xx' });
      }
    }
  }
  return rows;
}

/** `GET /api/me`-style names of every route the app declares, walking Express's router stack. */
interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  name?: string;
  regexp?: RegExp & { fast_slash?: boolean };
  handle?: { stack?: Layer[] };
}
function declaredRoutes(app: Express): string[] {
  const root =
    (app as unknown as { _router?: { stack: Layer[] }; router?: { stack: Layer[] } })._router ??
    (app as unknown as { router: { stack: Layer[] } }).router;
  const out: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) out.push(`${method.toUpperCase()} ${prefix}${layer.route.path}`);
      } else if (layer.handle?.stack && layer.regexp) {
        // Express 4 keeps a mount path only as its regexp: /^\/api\/?(?=\/|$)/i.
        const mount = layer.regexp.fast_slash
          ? ''
          : layer.regexp.source.replace(/^\^/, '').replace('\\/?(?=\\/|$)', '').replace(/\\\//g, '/');
        walk(layer.handle.stack, prefix + mount);
      }
    }
  };
  walk(root.stack, '');
  return [...new Set(out)].filter((r) => / \/(api|v1)\//.test(r)).sort();
}

async function send(row: Row): Promise<Response> {
  const path = row.path.replace(ALICE_KEY_ID, aliceKeyId).replace('{aliceId}', encodeURIComponent(devSubject(ALICE)));
  const body = row.body?.replaceAll('{aliceId}', devSubject(ALICE));
  const headers = new Headers(row.headers);
  if (row.caller === 'alice-team') headers.set('x-billing-account', aliceTeam);
  if (body !== undefined) headers.set('content-type', row.contentType ?? 'application/json');
  const init: RequestInit = { method: row.method, headers, ...(body !== undefined ? { body } : {}) };
  if (row.caller === 'alice' || row.caller === 'alice-team' || row.caller === 'bob')
    return stack.as(row.caller === 'bob' ? BOB : ALICE, path, init);
  if (row.caller === 'alice-key') headers.set('authorization', `Bearer ${aliceKey}`);
  else if (row.caller === 'service') headers.set('authorization', `Bearer ${serviceToken}`);
  else if (row.caller !== 'none') headers.set('authorization', `Bearer ${row.caller.bearer}`);
  return fetch(`${stack.baseUrl}${path}`, { redirect: 'manual', ...init });
}

/** Every document of the test's Firestore project (sub-collections included), as JSON. */
async function firestoreState(db: Firestore): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  // Each level read at once (one getAll per collection, sub-collections listed side by side): the
  // state is taken twice per row of the table, and a document at a time made it a minute.
  const walk = async (refs: { listDocuments(): Promise<DocumentReference[]> }[]): Promise<void> => {
    await Promise.all(
      refs.map(async (collection) => {
        const docs = await collection.listDocuments();
        if (docs.length === 0) return;
        const snaps = await db.getAll(...docs);
        await Promise.all(
          snaps.map(async (snap) => {
            const data = snap.data();
            // When a key was last used is bookkeeping, written in the background for any use of it.
            if (data && snap.ref.parent.id === 'api_keys') delete data['lastUsedAt'];
            out[snap.ref.path] = data ?? null;
            await walk(await snap.ref.listCollections());
          }),
        );
      }),
    );
  };
  await walk(await db.listCollections());
  return JSON.parse(JSON.stringify(out)) as Record<string, unknown>;
}

/** What Stripe holds (customers, sessions, subscriptions, invoices, events...). */
function stripeState(): string {
  const s = stack.standIn.state;
  return JSON.stringify({
    customers: [...s.customers.values()],
    checkoutSessions: [...s.checkoutSessions.values()],
    subscriptions: [...s.subscriptions.values()].map((r) => r.subscription),
    invoices: [...s.invoices.values()],
    portalSessions: s.portalSessions.size,
    events: s.events.length,
    meterEvents: s.meterEvents.length,
  });
}

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

beforeAll(async () => {
  stack = await startTestStack({ env: { SERVICE_ACCOUNTS: SERVICE } });
  serviceToken = await (await fetch(`${stack.baseUrl}/dev/service-token?email=${SERVICE}`)).text();
  // Alice: a customer with a subscription (so invoices, a cursor to page) and an API key.
  expect((await stack.as(ALICE, '/api/me')).status).toBe(200);
  const checkout = await stack.as(ALICE, '/api/checkout', json({ lookupKey: 'pro_month' }));
  const sessionId = /\/(cs_[A-Za-z0-9_]+)/.exec(((await checkout.json()) as { url: string }).url)?.[1] ?? '';
  stack.standIn.completeCheckout(sessionId);
  expect((await stack.as(ALICE, `/billing/success?session_id=${sessionId}`)).status).toBe(303);
  const created = await stack.as(ALICE, '/api/keys', json({ name: 'table key' }));
  expect(created.status).toBe(201);
  ({ key: aliceKey, id: aliceKeyId } = (await created.json()) as { key: string; id: string });
  expect((await stack.as(BOB, '/api/me')).status).toBe(200);
  const team = await stack.as(ALICE, '/api/teams', json({ name: 'Alice & co' }));
  expect(team.status).toBe(201);
  aliceTeam = ((await team.json()) as { account: { id: string } }).account.id;
  const invoices = (await (await stack.as(ALICE, '/api/invoices')).json()) as { invoices: unknown[] };
  expect(invoices.invoices.length).toBeGreaterThan(0);
});
afterAll(async () => {
  await stack?.close();
});

describe('bad input to every /api and /v1 route: a 4xx, and nothing changes', () => {
  it('the table covers every route the app declares', () => {
    const covered = new Set(table().map((r) => r.route));
    expect(declaredRoutes(stack.composed.app).filter((r) => !covered.has(r))).toEqual([]);
  });

  it.each(table().map((row) => [`${row.route}: ${row.name}`, row] as const))('%s', async (label, row) => {
    const [storeBefore, stripeBefore] = [await firestoreState(stack.firestore), stripeState()];
    const res = await send(row);
    const text = await res.text();
    expect(res.status, `${label}: ${res.status} ${text.slice(0, 200)}`).toBeLessThan(500);
    if (row.expect === '4xx') {
      expect(res.status, `${label}: ${res.status}`).toBeGreaterThanOrEqual(400);
      // Answered by the one error handler: our JSON error with its code, never the input echoed back.
      const body = JSON.parse(text) as { error?: { code?: unknown } };
      expect(typeof body.error?.code, label).toBe('string');
    }
    expect(await firestoreState(stack.firestore), `${label}: Firestore changed`).toEqual(storeBefore);
    expect(stripeState(), `${label}: Stripe changed`).toBe(stripeBefore);
  });
});
