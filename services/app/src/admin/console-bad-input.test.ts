// Bad input to every console route, API and pages alike: malformed (bodies that do not parse,
// wrong shapes), unknown (ids of nothing, parameters and fields the route does not take), oversized
// (long strings, huge bodies, out-of-range numbers) and ill-formed (ids with forbidden characters,
// ill-formed UTF-8 in the URL). Each row gets its 4xx (never a 5xx), as JSON on /api/admin and as an
// HTML page on /admin, and changes nothing. Asked by an admin, so no row is refused for its role.
import { Timestamp, type Firestore } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, type Store } from '@billing/shared/firestore/store.js';
import { testFirestore } from '@billing/shared/testing/emulator.js';
import { createDevIap, type DevIap } from '../auth/dev-iap.js';
import { IAP_HEADER, createIapVerifier } from '../auth/iap-verifier.js';
import { startHarness, type Harness } from '../testing/app-harness.js';

const ADMIN = 'ops@example.com';
const ORIGIN = 'http://127.0.0.1:8789';
const A = 'acct_bad_input';
let firestore: Firestore;
let store: Store;
let dev: DevIap;
let harness: Harness;

beforeAll(async () => {
  firestore = testFirestore();
  store = createStore(firestore);
  dev = await createDevIap();
  harness = await startHarness({
    firestore,
    verifier: createIapVerifier({ keys: dev.keys, audience: dev.audience }),
    adminEmails: [ADMIN],
  });
  const now = Timestamp.now();
  await store.accounts.doc(A).set({
    accountId: A,
    kind: 'personal',
    name: null,
    email: 'bad@example.com',
    stripeCustomerId: null,
    billing: null,
    createdAt: now,
    updatedAt: now,
  });
  // The admin's first visit writes its operator document: done here, so rows compare stable states.
  expect((await get('/api/admin/customers')).status).toBe(200);
});
afterAll(async () => {
  await harness.close();
  await firestore.terminate();
});

async function get(path: string): Promise<Response> {
  return fetch(`${harness.baseUrl}${path}`, { headers: { [IAP_HEADER]: await dev.sign(ADMIN) }, redirect: 'manual' });
}

type Kind = 'malformed' | 'unknown' | 'oversized' | 'ill-formed';
interface Row {
  kind: Kind;
  name: string;
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  contentType?: string;
  status: number;
}

const LONG = 'x'.repeat(600);
const HUGE_JSON = JSON.stringify({ reason: 'a'.repeat(100_000) });
const grant = (over: Record<string, unknown>) =>
  JSON.stringify({ kind: 'feature', feature: 'sso', days: 7, requestId: 'req-bad-input-1', ...over });
const api = (kind: Kind, name: string, path: string, status: number, body?: string, contentType?: string): Row => ({
  kind,
  name,
  method: body === undefined ? 'GET' : 'POST',
  path: `/api/admin${path}`,
  status,
  ...(body === undefined ? {} : { body, contentType: contentType ?? 'application/json' }),
});
const page = (kind: Kind, name: string, path: string, status: number, body?: string, contentType?: string): Row => ({
  kind,
  name,
  method: body === undefined ? 'GET' : 'POST',
  path: `/admin${path}`,
  status,
  ...(body === undefined ? {} : { body, contentType: contentType ?? 'application/x-www-form-urlencoded' }),
});

const ROWS: Row[] = [
  // GET /customers
  api('unknown', 'a status that does not exist', '/customers?status=bogus', 400),
  api('unknown', 'a plan that does not exist', '/customers?plan=platinum', 400),
  api('unknown', 'a search field that does not exist', '/customers?field=phone', 400),
  api('unknown', 'a parameter the route does not take', '/customers?sort=mrr', 400),
  api('malformed', 'a status in bracket syntax', '/customers?status[x]=active', 400),
  api('oversized', 'a search term over 200 characters', `/customers?q=${'a'.repeat(201)}`, 400),
  api('ill-formed', 'a cursor with a forbidden character', '/customers?after=a%7Cb', 400),
  // GET /customers/:accountId
  api('unknown', 'an account that does not exist', '/customers/acct_missing', 404),
  api('ill-formed', 'an account id with |', '/customers/a%7Cb', 400),
  api('ill-formed', 'ill-formed UTF-8 in the path', '/customers/%ED%A0%80', 400),
  api('oversized', 'an account id over 128 characters', `/customers/${'a'.repeat(129)}`, 400),
  // POST actions
  api('malformed', 'extend-trial: malformed JSON', `/customers/${A}/extend-trial`, 400, '{nope'),
  api('malformed', 'extend-trial: a JSON array', `/customers/${A}/extend-trial`, 400, '[]'),
  api('malformed', 'extend-trial: days as text', `/customers/${A}/extend-trial`, 400, '{"days":"soon"}'),
  api('oversized', 'extend-trial: 1000 days', `/customers/${A}/extend-trial`, 400, '{"days":1000}'),
  api('ill-formed', 'extend-trial: fractional days', `/customers/${A}/extend-trial`, 400, '{"days":1.5}'),
  api(
    'ill-formed',
    'extend-trial: a trial end that is no time',
    `/customers/${A}/extend-trial`,
    400,
    '{"days":3,"fromTrialEnd":"yesterday"}',
  ),
  api('unknown', 'extend-trial: a field the route does not take', `/customers/${A}/extend-trial`, 400, '{"days":3,"trialEndAt":1}'),
  api('oversized', 'resume: a body over 16 kB', `/customers/${A}/resume`, 413, HUGE_JSON),
  api('oversized', 'resume: a reason over 500 characters', `/customers/${A}/resume`, 400, JSON.stringify({ reason: LONG })),
  api('malformed', 'resume: sent as a form, not JSON', `/customers/${A}/resume`, 403, 'reason=x', 'application/x-www-form-urlencoded'),
  api('unknown', 'cancel-now: confirm other than yes', `/customers/${A}/cancel-now`, 400, '{"confirm":"no"}'),
  api('unknown', 'overrides: a feature that does not exist', `/customers/${A}/overrides`, 400, grant({ feature: 'teleport' })),
  api(
    'unknown',
    'overrides: a quota for an on/off feature',
    `/customers/${A}/overrides`,
    400,
    grant({ kind: 'quota', feature: 'sso', limit: 5 }),
  ),
  api(
    'malformed',
    'overrides: a quota without its limit',
    `/customers/${A}/overrides`,
    400,
    grant({ kind: 'quota', feature: 'api_calls' }),
  ),
  api('ill-formed', 'overrides: a request id with spaces', `/customers/${A}/overrides`, 400, grant({ requestId: 'a b c d e f g h' })),
  api(
    'oversized',
    'overrides: a negative quota',
    `/customers/${A}/overrides`,
    400,
    grant({ kind: 'quota', feature: 'api_calls', limit: -1 }),
  ),
  api('unknown', 'overrides: an account that does not exist', '/customers/acct_missing/overrides', 404, grant({})),
  api('ill-formed', 'revoke: an override id of the wrong shape', `/customers/${A}/overrides/nope!/revoke`, 400, '{}'),
  api('ill-formed', 'pay: an invoice id of the wrong shape', `/customers/${A}/invoices/sub_123/pay`, 400, '{}'),
  api('unknown', 'pay: an invoice that does not exist', `/customers/${A}/invoices/in_unknown/pay`, 404, '{}'),
  api('unknown', 'resync: an account that does not exist', '/customers/acct_missing/resync', 404, '{}'),
  // Pipeline
  api('unknown', 'replay: a field the route does not take', '/pipeline/replay', 400, '{"max":1000000}'),
  page('unknown', 'replay: a field the form does not have', '/pipeline/replay', 400, 'max=1000000'),
  // Lists, audit and operators
  api('unknown', 'invoices: a list that does not exist', '/invoices?kind=void', 400),
  api('ill-formed', 'audit: an account id with /', '/audit?account=a%2Fb', 400),
  api('ill-formed', 'audit: a cursor with dots and slashes', '/audit?before=..%2Fx', 400),
  api('ill-formed', 'operators: not an email', '/operators', 400, '{"email":"not-an-email","role":"viewer"}'),
  api('unknown', 'operators: a role that does not exist', '/operators', 400, '{"email":"a@example.com","role":"owner"}'),
  api(
    'oversized',
    'operators: an email over 254 characters',
    '/operators',
    400,
    JSON.stringify({ email: `${'a'.repeat(250)}@example.com`, role: 'viewer' }),
  ),
  // Pages: the same refusals as HTML pages
  page('unknown', 'customers: a status that does not exist', '/customers?status=bogus', 400),
  page('unknown', 'a customer that does not exist', '/customers/acct_missing', 404),
  page('ill-formed', 'a customer id with |', '/customers/a%7Cb', 400),
  page('unknown', 'a console page that does not exist', '/nope', 404),
  page('malformed', 'extend-trial: days as text', `/customers/${A}/extend-trial`, 400, 'days=soon'),
  page('unknown', 'extend-trial: a field the form does not have', `/customers/${A}/extend-trial`, 400, 'days=3&x=1'),
  page('malformed', 'a form sent as JSON', `/customers/${A}/resync`, 415, '{}', 'application/json'),
  page('oversized', 'a form over 8 kB', `/customers/${A}/resync`, 413, `reason=${'a'.repeat(10_000)}`),
  page('ill-formed', 'operators: not an email', '/operators', 400, 'email=nope&role=viewer'),
];

async function send(row: Row): Promise<Response> {
  const headers: Record<string, string> = { [IAP_HEADER]: await dev.sign(ADMIN) };
  if (row.contentType) headers['content-type'] = row.contentType;
  if (row.method === 'POST' && row.path.startsWith('/admin')) headers['origin'] = ORIGIN;
  return fetch(`${harness.baseUrl}${row.path}`, {
    method: row.method,
    headers,
    redirect: 'manual',
    ...(row.body === undefined ? {} : { body: row.body }),
  });
}

/** What a refused request must leave as it was: the account, the audit log, the operators. */
async function state(): Promise<string> {
  const [account, audit, operators] = await Promise.all([store.accounts.doc(A).get(), store.adminAudit.get(), store.operators.get()]);
  return JSON.stringify([account.data()?.overrides ?? null, audit.size, operators.docs.map((d) => d.data().role)]);
}

describe('bad input to the console', () => {
  it('covers each kind of bad input on the API and on pages', () => {
    const kinds = (prefix: string) => new Set(ROWS.filter((r) => r.path.startsWith(prefix)).map((r) => r.kind));
    expect([...kinds('/api/admin')].sort()).toEqual(['ill-formed', 'malformed', 'oversized', 'unknown']);
    expect([...kinds('/admin')].sort()).toEqual(['ill-formed', 'malformed', 'oversized', 'unknown']);
  });

  it.each(ROWS.map((r) => [`${r.kind}: ${r.method} ${r.path.slice(0, 60)} (${r.name})`, r] as const))('%s', async (_label, row) => {
    const before = await state();
    const res = await send(row);
    const text = await res.text();
    expect(res.status, text.slice(0, 300)).toBe(row.status);
    if (row.path.startsWith('/api/')) {
      expect((JSON.parse(text) as { error: { code: string } }).error.code).toEqual(expect.any(String));
    } else {
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(text).toContain('data-testid="console-error"');
    }
    expect(await state()).toBe(before);
  });
});
