// Each operator role on each console route, page and API alike (viewer < editor < admin): a role
// below the route's is refused with 403 (an HTML page on /admin, JSON on /api/admin), a role at or
// above it is let through; someone without a role is refused everywhere; ADMIN_EMAILS bootstraps
// an admin on the first visit and only then. Over the real app and the Firestore emulator.
import { Timestamp, type Firestore } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, type Store } from '@billing/shared/firestore/store.js';
import { testFirestore } from '@billing/shared/testing/emulator.js';
import type { OperatorRole } from '@billing/shared/model/operator-documents.js';
import { createDevIap, type DevIap } from '../auth/dev-iap.js';
import { IAP_HEADER, createIapVerifier } from '../auth/iap-verifier.js';
import { startHarness, type Harness } from '../testing/app-harness.js';

const ORIGIN = 'http://127.0.0.1:8789'; // the harness's PUBLIC_BASE_URL
const ACCOUNT = 'acct_roles';
let firestore: Firestore;
let store: Store;
let dev: DevIap;
let harness: Harness;

const PEOPLE: Record<OperatorRole | 'none', string> = {
  viewer: 'viewer@example.com',
  editor: 'editor@example.com',
  admin: 'ops@example.com',
  none: 'someone@example.com',
};

beforeAll(async () => {
  firestore = testFirestore();
  store = createStore(firestore);
  dev = await createDevIap();
  harness = await startHarness({
    firestore,
    verifier: createIapVerifier({ keys: dev.keys, audience: dev.audience }),
    adminEmails: [PEOPLE.admin, 'boot@example.com'],
  });
  const now = Timestamp.now();
  await Promise.all([
    store.operators.doc(PEOPLE.viewer).set({ email: PEOPLE.viewer, role: 'viewer', grantedBy: 'test', createdAt: now, updatedAt: now }),
    store.operators.doc(PEOPLE.editor).set({ email: PEOPLE.editor, role: 'editor', grantedBy: 'test', createdAt: now, updatedAt: now }),
    store.accounts.doc(ACCOUNT).set({
      accountId: ACCOUNT,
      kind: 'personal',
      name: null,
      email: 'roles@example.com',
      stripeCustomerId: null,
      billing: null,
      createdAt: now,
      updatedAt: now,
    }),
  ]);
});
afterAll(async () => {
  await harness.close();
  await firestore.terminate();
});

interface Route {
  method: 'GET' | 'POST';
  path: string;
  role: OperatorRole;
  /** For POSTs: a valid body (JSON on the API, a form on pages). */
  body?: Record<string, string>;
}

let requestCount = 0;
const grant = () => ({ kind: 'feature', feature: 'sso', days: '7', reason: 'role test', requestId: `req-roles-${++requestCount}` });

const API: Route[] = [
  { method: 'GET', path: '/api/admin/revenue', role: 'viewer' },
  { method: 'GET', path: '/api/admin/revenue/history', role: 'viewer' },
  { method: 'GET', path: '/api/admin/pipeline', role: 'viewer' },
  { method: 'POST', path: '/api/admin/pipeline/replay', role: 'admin', body: {} },
  { method: 'GET', path: '/api/admin/customers', role: 'viewer' },
  { method: 'GET', path: `/api/admin/customers/${ACCOUNT}`, role: 'viewer' },
  { method: 'GET', path: '/api/admin/invoices', role: 'viewer' },
  { method: 'GET', path: '/api/admin/audit', role: 'viewer' },
  { method: 'POST', path: `/api/admin/customers/${ACCOUNT}/overrides`, role: 'editor', body: grant() },
  { method: 'POST', path: `/api/admin/customers/${ACCOUNT}/overrides/ovr_unknown/revoke`, role: 'editor', body: {} },
  { method: 'POST', path: `/api/admin/customers/${ACCOUNT}/resync`, role: 'editor', body: {} },
  { method: 'POST', path: `/api/admin/customers/${ACCOUNT}/cancel-at-period-end`, role: 'editor', body: {} },
  { method: 'POST', path: `/api/admin/customers/${ACCOUNT}/resume`, role: 'editor', body: {} },
  { method: 'POST', path: `/api/admin/customers/${ACCOUNT}/cancel-now`, role: 'editor', body: { confirm: 'yes' } },
  { method: 'POST', path: `/api/admin/customers/${ACCOUNT}/extend-trial`, role: 'editor', body: { days: '3' } },
  { method: 'POST', path: `/api/admin/customers/${ACCOUNT}/invoices/in_unknown/pay`, role: 'editor', body: {} },
  { method: 'GET', path: '/api/admin/operators', role: 'admin' },
  { method: 'POST', path: '/api/admin/operators', role: 'admin', body: { email: 'new-viewer@example.com', role: 'viewer' } },
];

const PAGES: Route[] = [
  { method: 'GET', path: '/admin', role: 'viewer' },
  { method: 'GET', path: '/admin/customers', role: 'viewer' },
  { method: 'GET', path: `/admin/customers/${ACCOUNT}`, role: 'viewer' },
  { method: 'GET', path: '/admin/invoices', role: 'viewer' },
  { method: 'GET', path: '/admin/pipeline', role: 'viewer' },
  { method: 'POST', path: '/admin/pipeline/replay', role: 'admin', body: {} },
  { method: 'GET', path: '/admin/audit', role: 'viewer' },
  { method: 'GET', path: '/admin/audit.csv', role: 'viewer' },
  { method: 'POST', path: `/admin/customers/${ACCOUNT}/overrides`, role: 'editor', body: grant() },
  { method: 'POST', path: `/admin/customers/${ACCOUNT}/overrides/ovr_unknown/revoke`, role: 'editor', body: {} },
  { method: 'POST', path: `/admin/customers/${ACCOUNT}/resync`, role: 'editor', body: {} },
  { method: 'POST', path: `/admin/customers/${ACCOUNT}/cancel-at-period-end`, role: 'editor', body: {} },
  { method: 'POST', path: `/admin/customers/${ACCOUNT}/resume`, role: 'editor', body: {} },
  { method: 'POST', path: `/admin/customers/${ACCOUNT}/cancel-now`, role: 'editor', body: {} },
  { method: 'POST', path: `/admin/customers/${ACCOUNT}/extend-trial`, role: 'editor', body: { days: '3' } },
  { method: 'POST', path: `/admin/customers/${ACCOUNT}/invoices/in_unknown/pay`, role: 'editor', body: {} },
  { method: 'GET', path: '/admin/operators', role: 'admin' },
  { method: 'POST', path: '/admin/operators', role: 'admin', body: { email: 'page-viewer@example.com', role: 'viewer' } },
];

async function call(who: string, route: Route): Promise<Response> {
  const headers: Record<string, string> = { [IAP_HEADER]: await dev.sign(who) };
  let body: string | undefined;
  if (route.method === 'POST') {
    const isPage = route.path.startsWith('/admin');
    headers['content-type'] = isPage ? 'application/x-www-form-urlencoded' : 'application/json';
    if (isPage) headers['origin'] = ORIGIN;
    // Fresh grant ids per call, so each role's grant is its own.
    const fields = route.body && 'requestId' in route.body ? grant() : (route.body ?? {});
    body = isPage ? new URLSearchParams(fields).toString() : JSON.stringify(fields);
  }
  return fetch(`${harness.baseUrl}${route.path}`, {
    method: route.method,
    headers,
    redirect: 'manual',
    ...(body === undefined ? {} : { body }),
  });
}

const RANK = { none: 0, viewer: 1, editor: 2, admin: 3 } as const;
const cases = (routes: Route[]) =>
  routes.flatMap((r) =>
    (['none', 'viewer', 'editor', 'admin'] as const).map((who) => [`${r.method} ${r.path} as ${who}`, r, who] as const),
  );

describe('each role on each console route', () => {
  it.each(cases(API))('API %s', async (_label, route, who) => {
    const res = await call(PEOPLE[who], route);
    const text = await res.text();
    if (RANK[who] < RANK[route.role]) {
      expect(res.status, text).toBe(403);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      expect(JSON.parse(text)).toMatchObject({ error: { code: 'forbidden' } });
    } else {
      expect(res.status, text).not.toBe(403);
      expect(res.status, text).not.toBe(401);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
    }
  });

  it.each(cases(PAGES))('page %s', async (_label, route, who) => {
    const res = await call(PEOPLE[who], route);
    const text = await res.text();
    if (RANK[who] < RANK[route.role]) {
      expect(res.status, text).toBe(403);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(text).toContain('data-testid="console-error" data-code="forbidden"');
    } else {
      expect(res.status, text).not.toBe(403);
      expect(res.status, text).not.toBe(401);
    }
  });

  it('refuses a request without an IAP assertion', async () => {
    expect((await fetch(`${harness.baseUrl}/api/admin/customers`)).status).toBe(401);
  });

  it('refuses a form posted from another origin, whatever the role', async () => {
    const res = await fetch(`${harness.baseUrl}/admin/customers/${ACCOUNT}/resync`, {
      method: 'POST',
      headers: {
        [IAP_HEADER]: await dev.sign(PEOPLE.admin),
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'https://evil.example',
      },
      body: '',
    });
    expect(res.status).toBe(403);
  });
});

describe('roles in Firestore, ADMIN_EMAILS as bootstrap', () => {
  it('makes an ADMIN_EMAILS address admin on its first visit, once, and records it', async () => {
    const res = await call('boot@example.com', { method: 'GET', path: '/api/admin/operators', role: 'admin' });
    expect(res.status).toBe(200);
    expect((await store.operators.doc('boot@example.com').get()).data()).toMatchObject({ role: 'admin', grantedBy: 'ADMIN_EMAILS' });
    const entries = (await store.adminAudit.where('action', '==', 'operator.bootstrapped').get()).docs.map((d) => d.data());
    expect(entries.filter((e) => e.subject === 'boot@example.com')).toHaveLength(1);
  });

  it('lets an admin change roles (audited), and a revoked bootstrap admin stays revoked', async () => {
    const set = async (email: string, role: string) => {
      const res = await fetch(`${harness.baseUrl}/api/admin/operators`, {
        method: 'POST',
        headers: { [IAP_HEADER]: await dev.sign(PEOPLE.admin), 'content-type': 'application/json' },
        body: JSON.stringify({ email, role }),
      });
      expect(res.status).toBe(200);
    };
    await set('boot@example.com', 'none');
    expect((await call('boot@example.com', { method: 'GET', path: '/api/admin/customers', role: 'viewer' })).status).toBe(403);
    await set('Later@Example.com', 'editor');
    expect((await store.operators.doc('later@example.com').get()).data()?.role).toBe('editor');
    const revoked = (await store.adminAudit.where('action', '==', 'operator.role_revoked').get()).docs.map((d) => d.data());
    expect(revoked.find((e) => e.subject === 'boot@example.com')).toMatchObject({
      actor: PEOPLE.admin,
      before: '{"role":"admin"}',
      after: '{"role":null}',
    });
  });

  it('refuses an admin changing their own role', async () => {
    const res = await fetch(`${harness.baseUrl}/api/admin/operators`, {
      method: 'POST',
      headers: { [IAP_HEADER]: await dev.sign(PEOPLE.admin), 'content-type': 'application/json' },
      body: JSON.stringify({ email: PEOPLE.admin, role: 'viewer' }),
    });
    expect(res.status).toBe(409);
  });
});
