// Teams through the app as production composes it (real Firestore emulator, IAP assertions made
// and checked by the real verifier), on two app instances: the invitation lifecycle (accept,
// expire, revoke, wrong email), seat limits, each role on the billing routes, and a removed
// member losing access, and the team's API keys they made, on every instance within seconds.
import type { Firestore } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { hashApiKeySecret } from '@billing/shared/api-keys/api-key-secret.js';
import { billingSummaryFixture } from '@billing/shared/testing/billing-summary-fixture.js';
import { testFirestore } from '@billing/shared/testing/emulator.js';
import { createDevIap, devSubject, type DevIap } from '../auth/dev-iap.js';
import { IAP_HEADER, createIapVerifier, type IapVerifier } from '../auth/iap-verifier.js';
import { startHarness, testMetering, type Harness } from '../testing/app-harness.js';
import type { Metering } from '../usage/metering.js';

let firestore: Firestore;
let dev: DevIap;
let a: Harness;
let b: Harness;
let nowMs = Date.parse('2026-12-01T00:00:00Z');
const clock = { now: () => nowMs };
const DAY = 86_400_000;

const closers: (() => Promise<void> | void)[] = [];

const meterings = new Map<Harness, Metering>();

/** An app instance with metering (API keys, /v1) as production mounts it. */
async function instance(verifier: IapVerifier): Promise<Harness> {
  const metered = testMetering(firestore, clock);
  const harness = await startHarness({ firestore, verifier, clock, metering: metered.metering });
  meterings.set(harness, metered.metering);
  closers.push(
    () => harness.close(),
    () => metered.close(),
  );
  return harness;
}

beforeAll(async () => {
  firestore = testFirestore();
  dev = await createDevIap();
  const verifier = createIapVerifier({ keys: dev.keys, audience: dev.audience });
  [a, b] = await Promise.all([instance(verifier), instance(verifier)]);
});
afterAll(async () => {
  for (const close of closers) await close();
  await firestore.terminate();
});

interface Call {
  status: number;
  body: Record<string, unknown>;
  setCookie: string | null;
}

async function call(
  app: Harness,
  email: string,
  method: string,
  path: string,
  opts: { body?: unknown; account?: string } = {},
): Promise<Call> {
  const headers: Record<string, string> = { [IAP_HEADER]: await dev.sign(email) };
  if (opts.account !== undefined) headers['x-billing-account'] = opts.account;
  if (method !== 'GET') headers['content-type'] = 'application/json';
  const res = await fetch(`${app.baseUrl}${path}`, {
    method,
    headers,
    ...(method !== 'GET' ? { body: JSON.stringify(opts.body ?? {}) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, setCookie: res.headers.get('set-cookie') };
}

/** What the applier writes when the team subscribes to `seats` seats of the Team plan. */
async function subscribe(accountId: string, seats: number): Promise<void> {
  await firestore
    .doc(`accounts/${accountId}`)
    .update({ billing: billingSummaryFixture({ planId: 'team', quantity: seats, customerId: null }) });
}

async function newTeam(owner: string, name: string): Promise<string> {
  const created = await call(a, owner, 'POST', '/api/teams', { body: { name } });
  expect(created.status).toBe(201);
  expect(created.setCookie).toMatch(/^billing_account=team_[\w-]+; Max-Age=\d+; Path=\/; Expires=.*; HttpOnly; SameSite=Lax$/);
  return (created.body['account'] as { id: string }).id;
}

async function inviteAs(owner: string, team: string, email: string, role = 'member'): Promise<Call> {
  return call(a, owner, 'POST', '/api/team/invitations', { account: team, body: { email, role } });
}

const invitationId = (c: Call) => (c.body['invitation'] as { id: string }).id;

async function eventually(check: () => Promise<boolean>, ms = 5_000): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return Date.now() - started;
}

describe('creating a team and choosing the account', () => {
  it('lists the personal account first, then the team; the switcher refuses an account the user is not in', async () => {
    const owner = 'owner-list@example.com';
    const team = await newTeam(owner, 'Zeta');
    const listed = await call(a, owner, 'GET', '/api/accounts');
    expect(listed.body).toEqual({
      accounts: [
        { id: devSubject(owner), kind: 'personal', name: null, role: 'owner' },
        { id: team, kind: 'team', name: 'Zeta', role: 'owner' },
      ],
      active: devSubject(owner),
    });
    expect((await call(a, owner, 'POST', '/api/accounts/active', { body: { accountId: team } })).status).toBe(200);
    expect((await call(a, 'stranger@example.com', 'POST', '/api/accounts/active', { body: { accountId: team } })).status).toBe(404);
    expect((await call(a, 'stranger@example.com', 'GET', '/api/me', { account: team })).status).toBe(403);
    const me = await call(a, owner, 'GET', '/api/me', { account: team });
    expect(me.body['account']).toEqual({ id: team, kind: 'team', name: 'Zeta', role: 'owner', canManageBilling: true });
  });

  it('a personal account has no members to manage', async () => {
    const res = await call(a, 'solo@example.com', 'POST', '/api/team/invitations', { body: { email: 'x@example.com' } });
    expect(res.status).toBe(409);
    expect((await call(a, 'solo@example.com', 'GET', '/api/team')).status).toBe(409);
  });
});

describe('invitations', () => {
  it('accept: only by the invited email, once, and the invitee then acts for the team', async () => {
    const owner = 'owner-accept@example.com';
    const team = await newTeam(owner, 'Accept');
    await subscribe(team, 3);
    const inv = await inviteAs(owner, team, 'Bob.Accept@Example.com');
    expect(inv.status).toBe(201);
    expect(inv.body).toMatchObject({
      invitation: { email: 'bob.accept@example.com', role: 'member', status: 'pending' },
      acceptUrl: `/invitations/${invitationId(inv)}`,
    });

    // Someone else signed in with the link: indistinguishable from an unknown invitation.
    expect((await call(a, 'eve@example.com', 'POST', `/api/invitations/${invitationId(inv)}/accept`)).status).toBe(404);
    const accepted = await call(b, 'bob.accept@example.com', 'POST', `/api/invitations/${invitationId(inv)}/accept`);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toEqual({ accountId: team, role: 'member' });
    expect(accepted.setCookie).toContain(`billing_account=${team}`);
    // Accepting again changes nothing.
    expect((await call(a, 'bob.accept@example.com', 'POST', `/api/invitations/${invitationId(inv)}/accept`)).body).toEqual({
      accountId: team,
      role: 'member',
    });

    const me = await call(a, 'bob.accept@example.com', 'GET', '/api/me', { account: team });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ plan: { id: 'team' }, account: { id: team, role: 'member', canManageBilling: false } });
    // The team's access is the member's: a Team feature answers 200 on either instance.
    expect((await call(b, 'bob.accept@example.com', 'GET', '/api/reports/advanced', { account: team })).status).toBe(200);

    const view = await call(a, owner, 'GET', '/api/team', { account: team });
    expect(view.body).toMatchObject({ seats: { paid: 3, used: 2, members: 2, pendingInvitations: 0 }, invitations: [] });
    expect((view.body['members'] as { email: string; role: string }[]).map((m) => [m.email, m.role])).toEqual([
      [owner, 'owner'],
      ['bob.accept@example.com', 'member'],
    ]);
    // A member sees the members, not the invitations.
    expect((await call(a, 'bob.accept@example.com', 'GET', '/api/team', { account: team })).body).toMatchObject({ invitations: null });
  });

  it('expire: an invitation past its 7 days cannot be accepted and frees its seat', async () => {
    const owner = 'owner-expire@example.com';
    const team = await newTeam(owner, 'Expire');
    await subscribe(team, 2);
    const inv = await inviteAs(owner, team, 'late@example.com');
    expect(inv.status).toBe(201);
    expect((await inviteAs(owner, team, 'third@example.com')).status).toBe(409); // 2 seats: owner + pending
    nowMs += 8 * DAY;
    const late = await call(a, 'late@example.com', 'POST', `/api/invitations/${invitationId(inv)}/accept`);
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ error: { code: 'conflict', status: 'expired' } });
    expect((await inviteAs(owner, team, 'third@example.com')).status).toBe(201);
  });

  it('revoke: a revoked invitation cannot be accepted; only owners and admins revoke', async () => {
    const owner = 'owner-revoke@example.com';
    const team = await newTeam(owner, 'Revoke');
    await subscribe(team, 3);
    const member = await inviteAs(owner, team, 'member-revoke@example.com');
    await call(a, 'member-revoke@example.com', 'POST', `/api/invitations/${invitationId(member)}/accept`);
    const inv = await inviteAs(owner, team, 'carol@example.com');
    expect(
      (await call(a, 'member-revoke@example.com', 'DELETE', `/api/team/invitations/${invitationId(inv)}`, { account: team })).status,
    ).toBe(403);
    expect((await call(a, owner, 'DELETE', `/api/team/invitations/${invitationId(inv)}`, { account: team })).status).toBe(204);
    expect((await call(a, owner, 'DELETE', `/api/team/invitations/${invitationId(inv)}`, { account: team })).status).toBe(204);
    const res = await call(a, 'carol@example.com', 'POST', `/api/invitations/${invitationId(inv)}/accept`);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: { status: 'revoked' } });
  });

  it('seats: an invitation past the paid seats is refused with a way to add seats; without a subscription the owner is the one seat', async () => {
    const owner = 'owner-seats@example.com';
    const team = await newTeam(owner, 'Seats');
    const unpaid = await inviteAs(owner, team, 'one@example.com');
    expect(unpaid.status).toBe(409);
    expect(unpaid.body).toMatchObject({
      error: { code: 'conflict', reason: 'seats_exhausted', seats: { paid: 1, used: 1 }, addSeatsUrl: '/billing#seats' },
    });
    expect((unpaid.body['error'] as { message: string }).message).toMatch(/add seats/);
    await subscribe(team, 3);
    expect((await inviteAs(owner, team, 'one@example.com')).status).toBe(201);
    expect((await inviteAs(owner, team, 'one@example.com')).status).toBe(409); // already invited
    expect((await inviteAs(owner, team, 'two@example.com', 'admin')).status).toBe(201);
    const full = await inviteAs(owner, team, 'three@example.com');
    expect(full.body).toMatchObject({ error: { reason: 'seats_exhausted', seats: { paid: 3, used: 3 } } });
  });

  it('seats: invitations sent at once never exceed the paid seats', async () => {
    const owner = 'owner-race@example.com';
    const team = await newTeam(owner, 'Race');
    await subscribe(team, 4);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        call(i % 2 ? a : b, owner, 'POST', '/api/team/invitations', { account: team, body: { email: `r${i}@example.com` } }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    expect(results.filter((r) => r.status === 409)).toHaveLength(5);
  });
});

describe('roles', () => {
  it('a member cannot open Checkout or the portal, change the plan or seats, cancel, or list invoices; an admin can reach them', async () => {
    const owner = 'owner-roles@example.com';
    const team = await newTeam(owner, 'Roles');
    await subscribe(team, 3);
    const inv = await inviteAs(owner, team, 'member-roles@example.com');
    await call(a, 'member-roles@example.com', 'POST', `/api/invitations/${invitationId(inv)}/accept`);
    const member = 'member-roles@example.com';
    const billingRoutes: [string, string, unknown][] = [
      ['POST', '/api/checkout', { lookupKey: 'team_month', seats: 3 }],
      ['POST', '/api/portal', {}],
      ['POST', '/api/subscription/plan', { lookupKey: 'pro_month' }],
      ['POST', '/api/subscription/plan/preview', { lookupKey: 'pro_month' }],
      ['POST', '/api/subscription/seats', { seats: 5 }],
      ['POST', '/api/subscription/seats/preview', { seats: 5 }],
      ['POST', '/api/subscription/cancel', {}],
      ['POST', '/api/subscription/resume', {}],
      ['GET', '/api/invoices', undefined],
      ['GET', '/api/invoices/in_000000000000000000000000/pdf', undefined],
    ];
    for (const [method, path, body] of billingRoutes) {
      const res = await call(a, member, method, path, { account: team, body });
      expect([path, res.status, res.body['error']]).toEqual([path, 403, expect.objectContaining({ code: 'forbidden', role: 'member' })]);
    }
    // Members see the plan (and usage: /api/usage, mounted with metering) and the members.
    expect((await call(a, member, 'GET', '/api/me', { account: team })).status).toBe(200);
    expect((await call(a, member, 'GET', '/api/team', { account: team })).status).toBe(200);

    // Promoted to admin: the invoices answer (the team has no Stripe customer yet: an empty list).
    expect(
      (
        await call(a, owner, 'PATCH', `/api/team/members/${encodeURIComponent(devSubject(member))}`, {
          account: team,
          body: { role: 'admin' },
        })
      ).status,
    ).toBe(200);
    await eventually(async () => (await call(b, member, 'GET', '/api/invoices', { account: team })).status === 200);
    expect((await call(b, member, 'GET', '/api/invoices', { account: team })).body).toEqual({ invoices: [], hasMore: false });
  });

  it('an admin cannot make, unmake or remove an owner; the last owner can neither leave nor step down', async () => {
    const owner = 'owner-rules@example.com';
    const team = await newTeam(owner, 'Rules');
    await subscribe(team, 3);
    const inv = await inviteAs(owner, team, 'admin-rules@example.com', 'admin');
    await call(a, 'admin-rules@example.com', 'POST', `/api/invitations/${invitationId(inv)}/accept`);
    const ownerId = encodeURIComponent(devSubject(owner));
    const adminId = encodeURIComponent(devSubject('admin-rules@example.com'));
    const asAdmin = (method: string, path: string, body?: unknown) =>
      call(a, 'admin-rules@example.com', method, path, { account: team, body });
    expect((await asAdmin('PATCH', `/api/team/members/${ownerId}`, { role: 'member' })).status).toBe(403);
    expect((await asAdmin('PATCH', `/api/team/members/${adminId}`, { role: 'owner' })).status).toBe(403);
    expect((await asAdmin('DELETE', `/api/team/members/${ownerId}`)).status).toBe(403);
    expect((await call(a, owner, 'POST', '/api/team/leave', { account: team })).status).toBe(409);
    expect((await call(a, owner, 'PATCH', `/api/team/members/${ownerId}`, { account: team, body: { role: 'admin' } })).status).toBe(409);
    // Once someone else owns it too, the first owner may go.
    expect((await call(a, owner, 'PATCH', `/api/team/members/${adminId}`, { account: team, body: { role: 'owner' } })).status).toBe(200);
    const left = await call(a, owner, 'POST', '/api/team/leave', { account: team });
    expect(left.status).toBe(204);
    expect(left.setCookie).toContain(`billing_account=${encodeURIComponent(devSubject(owner))}`);
  });
});

describe('removal', () => {
  it('a removed member loses the team on every app instance within seconds', async () => {
    const owner = 'owner-remove@example.com';
    const member = 'member-remove@example.com';
    const team = await newTeam(owner, 'Remove');
    await subscribe(team, 2);
    const inv = await inviteAs(owner, team, member);
    await call(a, member, 'POST', `/api/invitations/${invitationId(inv)}/accept`);
    for (const app of [a, b]) expect((await call(app, member, 'GET', '/api/reports/advanced', { account: team })).status).toBe(200);
    // Each makes an API key for the team; both work on both instances.
    const keyOf = async (email: string) => {
      const created = await call(a, email, 'POST', '/api/keys', { account: team, body: { name: `${email} key` } });
      expect(created.status).toBe(201);
      return created.body['key'] as string;
    };
    const [memberKey, ownerKey] = [await keyOf(member), await keyOf(owner)];
    const ping = async (app: Harness, key: string) =>
      (await fetch(`${app.baseUrl}/v1/ping`, { headers: { authorization: `Bearer ${key}` } })).status;
    for (const app of [a, b]) for (const key of [memberKey, ownerKey]) expect(await ping(app, key)).toBe(200);

    const evicted = vi.spyOn(meterings.get(a)!.keyVerifier, 'evict');
    expect((await call(a, owner, 'DELETE', `/api/team/members/${encodeURIComponent(devSubject(member))}`, { account: team })).status).toBe(
      204,
    );
    // On the instance that removed them, their key is refused before the answer, as a revocation
    // from the keys route is (elsewhere, once the listener sees it).
    expect(evicted.mock.calls).toEqual([[hashApiKeySecret(memberKey)]]);
    expect(await ping(a, memberKey)).toBe(401);
    const waited = await Promise.all(
      [a, b].flatMap((app) => [
        eventually(async () => (await call(app, member, 'GET', '/api/reports/advanced', { account: team })).status === 403, 3_000),
        // Their key went with them; the team's other keys did not.
        eventually(async () => (await ping(app, memberKey)) === 401, 3_000),
      ]),
    );
    expect(Math.max(...waited)).toBeLessThan(3_000);
    for (const app of [a, b]) expect(await ping(app, ownerKey)).toBe(200);
    const listed = await call(a, owner, 'GET', '/api/keys', { account: team });
    expect((listed.body['keys'] as { name: string }[]).map((k) => k.name)).toEqual([`${owner} key`]);
    // Their seat is free again.
    expect((await inviteAs(owner, team, 'next@example.com')).status).toBe(201);
  });
});
