// Teams: create one, invite by email, accept, revoke, change roles, remove members, leave.
//
// Who may do what: owners and admins invite, revoke and remove; only an owner changes an owner's
// role, makes an owner, or removes an owner; a team always keeps at least one owner (the last one
// cannot leave, be removed or step down). Anyone may leave otherwise.
//
// Seats: members and pending, unexpired invitations each take one (seats.ts). Every change that
// adds or removes a member or an invitation runs in a transaction that reads the account document
// and writes its `updatedAt`, so two such changes of one team conflict and the second one counts
// again: an invitation can never be issued past the paid seats by a race.
import { randomBytes } from 'node:crypto';
import { FieldValue, Timestamp, type Transaction } from '@google-cloud/firestore';
import { runTransaction } from '../firestore/run-transaction.js';
import { AppError, notFound } from '../errors/app-error.js';
import type { Store } from '../firestore/store.js';
import type { Identity } from '../identity/identity.js';
import {
  canManageBilling,
  TEAM_ID_PREFIX,
  type AccountDoc,
  type InvitationDoc,
  type MembershipDoc,
  type Role,
} from '../model/account-documents.js';
import type { Clock } from '../ports/clock.js';
import { paidSeats } from './seats.js';

const DAY_MS = 86_400_000;
/** An invitation is open this long. */
export const INVITATION_TTL_DAYS = 7;
/** Deleted by the TTL policy this long after it expired (a late click still reads "expired"). */
const INVITATION_RETENTION_DAYS = 30;
/** Accounts one user may belong to (teams they own or joined), which bounds the switcher. */
export const MAX_MEMBERSHIPS = 50;

export interface TeamDeps {
  store: Store;
  clock: Clock;
  pastDueGraceSeconds: number;
}

/** The actor: who acts, for which account, with which role (from the request's membership). */
export interface TeamActor {
  identity: Identity;
  accountId: string;
  role: Role;
}

export interface InvitationView {
  id: string;
  email: string;
  role: Role;
  status: 'pending' | 'accepted' | 'revoked' | 'expired';
  invitedBy: string;
  expiresAt: string;
}

export interface MemberView {
  userId: string;
  email: string | null;
  role: Role;
  joinedAt: string;
}

/** Owners first, then admins, then members (each by when they joined). */
const ROLE_ORDER: Record<Role, number> = { owner: 0, admin: 1, member: 2 };

const newTeamId = () => `${TEAM_ID_PREFIX}${randomBytes(12).toString('base64url')}`;
const newInvitationId = () => `inv_${randomBytes(18).toString('base64url')}`;
const normalEmail = (email: string) => email.trim().toLowerCase();

export function invitationStatus(inv: InvitationDoc, nowMs: number): InvitationView['status'] {
  return inv.status === 'pending' && inv.expiresAt.toMillis() <= nowMs ? 'expired' : inv.status;
}

export const invitationView = (inv: InvitationDoc, nowMs: number): InvitationView => ({
  id: inv.invitationId,
  email: inv.email,
  role: inv.role,
  status: invitationStatus(inv, nowMs),
  invitedBy: inv.invitedBy,
  expiresAt: inv.expiresAt.toDate().toISOString(),
});

export const memberView = (m: MembershipDoc): MemberView => ({
  userId: m.userId,
  email: m.email,
  role: m.role,
  joinedAt: m.createdAt.toDate().toISOString(),
});

function requireTeam(account: AccountDoc | undefined): AccountDoc {
  if (!account) throw notFound('Account');
  if (account.kind !== 'team') throw new AppError('conflict', 'A personal account has no members: create a team to invite people');
  return account;
}

function requireManager(actor: TeamActor): void {
  if (!canManageBilling(actor.role))
    throw new AppError('forbidden', "Only the team's owners and admins can manage its members", { role: actor.role });
}

/** The team's members and pending invitations as this transaction reads them. */
async function readTeam(tx: Transaction, store: Store, accountId: string) {
  const [members, invitations] = await Promise.all([
    tx.get(store.membersOfAccount(accountId)),
    tx.get(store.pendingInvitationsOfAccount(accountId)),
  ]);
  return { members: members.docs.map((d) => d.data()), invitations: invitations.docs.map((d) => d.data()) };
}

/** Serializes the team's membership changes (see the top): a write every such transaction makes. */
function touchAccount(tx: Transaction, store: Store, accountId: string): void {
  tx.update(store.accounts.doc(accountId), { updatedAt: FieldValue.serverTimestamp() });
}

export async function createTeam(deps: TeamDeps, identity: Identity, name: string): Promise<{ accountId: string }> {
  const { store } = deps;
  const accountId = newTeamId();
  const now = Timestamp.fromMillis(deps.clock.now());
  await runTransaction(store.db, async (tx) => {
    const mine = await tx.get(store.membershipsOfUser(identity.userId).limit(MAX_MEMBERSHIPS));
    if (mine.size >= MAX_MEMBERSHIPS) throw new AppError('conflict', `You belong to ${MAX_MEMBERSHIPS} teams already: leave one first`);
    tx.create(store.accounts.doc(accountId), {
      accountId,
      kind: 'team',
      name,
      email: identity.email,
      stripeCustomerId: null,
      billing: null,
      createdAt: now,
      updatedAt: now,
    });
    tx.create(store.membership(accountId, identity.userId), {
      accountId,
      userId: identity.userId,
      email: identity.email,
      role: 'owner',
      createdAt: now,
      updatedAt: now,
    });
  });
  return { accountId };
}

export interface AccountListEntry {
  id: string;
  kind: 'personal' | 'team';
  name: string | null;
  role: Role;
}

/** The accounts the user can act for: their personal account first, then their teams by name. */
export async function accountsOf(store: Store, identity: Identity): Promise<AccountListEntry[]> {
  const memberships = (await store.membershipsOfUser(identity.userId).limit(MAX_MEMBERSHIPS).get()).docs.map((d) => d.data());
  const refs = memberships.map((m) => store.accounts.doc(m.accountId));
  const accounts = refs.length === 0 ? [] : await store.db.getAll(...refs);
  const teams = memberships
    .map((m, i) => ({ m, account: accounts[i]?.data() }))
    .filter((t): t is { m: MembershipDoc; account: AccountDoc } => t.account !== undefined)
    .map(({ m, account }) => ({ id: account.accountId, kind: account.kind, name: account.name, role: m.role }))
    .sort((a, b) => (a.name ?? '').localeCompare(b.name ?? ''));
  return [{ id: identity.userId, kind: 'personal', name: null, role: 'owner' }, ...teams];
}

export interface TeamView {
  seats: { paid: number; used: number; members: number; pendingInvitations: number };
  members: MemberView[];
  /** Pending invitations; null for a member (only owners and admins see them). */
  invitations: InvitationView[] | null;
}

export async function readTeamView(deps: TeamDeps, actor: TeamActor): Promise<TeamView> {
  const { store } = deps;
  const nowMs = deps.clock.now();
  const [account, members, invitations] = await Promise.all([
    store.accounts.doc(actor.accountId).get(),
    store.membersOfAccount(actor.accountId).get(),
    store.pendingInvitationsOfAccount(actor.accountId).get(),
  ]);
  const team = requireTeam(account.data());
  const pending = invitations.docs.map((d) => d.data()).filter((i) => invitationStatus(i, nowMs) === 'pending');
  const memberList = members.docs
    .map((d) => memberView(d.data()))
    .sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.joinedAt.localeCompare(b.joinedAt));
  return {
    seats: {
      paid: paidSeats(team.billing, Math.floor(nowMs / 1000), deps.pastDueGraceSeconds),
      used: memberList.length + pending.length,
      members: memberList.length,
      pendingInvitations: pending.length,
    },
    members: memberList,
    invitations: canManageBilling(actor.role)
      ? pending.map((i) => invitationView(i, nowMs)).sort((a, b) => a.expiresAt.localeCompare(b.expiresAt))
      : null,
  };
}

export async function invite(deps: TeamDeps, actor: TeamActor, rawEmail: string, role: 'admin' | 'member'): Promise<InvitationView> {
  requireManager(actor);
  const { store } = deps;
  const email = normalEmail(rawEmail);
  const nowMs = deps.clock.now();
  const invitationId = newInvitationId();
  const doc: InvitationDoc = {
    invitationId,
    accountId: actor.accountId,
    email,
    role,
    status: 'pending',
    invitedBy: actor.identity.email ?? actor.identity.userId,
    acceptedBy: null,
    createdAt: Timestamp.fromMillis(nowMs),
    expiresAt: Timestamp.fromMillis(nowMs + INVITATION_TTL_DAYS * DAY_MS),
    updatedAt: Timestamp.fromMillis(nowMs),
    expireAt: Timestamp.fromMillis(nowMs + (INVITATION_TTL_DAYS + INVITATION_RETENTION_DAYS) * DAY_MS),
  };
  await runTransaction(store.db, async (tx) => {
    const account = requireTeam(await tx.get(store.accounts.doc(actor.accountId)).then((s) => s.data()));
    const { members, invitations } = await readTeam(tx, store, actor.accountId);
    if (members.some((m) => m.email !== null && normalEmail(m.email) === email))
      throw new AppError('conflict', `${email} is already a member`);
    const pending = invitations.filter((i) => invitationStatus(i, nowMs) === 'pending');
    if (pending.some((i) => i.email === email)) throw new AppError('conflict', `${email} is already invited`);
    const paid = paidSeats(account.billing, Math.floor(nowMs / 1000), deps.pastDueGraceSeconds);
    const used = members.length + pending.length;
    if (used + 1 > paid) {
      throw new AppError(
        'conflict',
        `All ${paid} paid ${paid === 1 ? 'seat is' : 'seats are'} taken (${members.length} members, ${pending.length} pending invitations): add seats to invite more`,
        {
          reason: 'seats_exhausted',
          seats: { paid, used },
          addSeatsUrl: '/billing#seats',
        },
      );
    }
    tx.create(store.invitations.doc(invitationId), doc);
    touchAccount(tx, store, actor.accountId);
  });
  return invitationView(doc, nowMs);
}

export async function revokeInvitation(deps: TeamDeps, actor: TeamActor, invitationId: string): Promise<void> {
  requireManager(actor);
  const { store } = deps;
  await runTransaction(store.db, async (tx) => {
    const inv = (await tx.get(store.invitations.doc(invitationId))).data();
    if (!inv || inv.accountId !== actor.accountId) throw notFound('Invitation');
    if (inv.status !== 'pending') return; // revoking twice, or an accepted one: nothing to do
    tx.update(store.invitations.doc(invitationId), { status: 'revoked', updatedAt: FieldValue.serverTimestamp() });
    touchAccount(tx, store, actor.accountId);
  });
}

/** What the invitation page shows before the invitee accepts: only to the invited email. */
export async function readInvitation(
  deps: TeamDeps,
  identity: Identity,
  invitationId: string,
): Promise<InvitationView & { accountId: string; teamName: string | null }> {
  const { store } = deps;
  const inv = (await store.invitations.doc(invitationId).get()).data();
  if (!inv || !sameEmail(identity, inv)) throw notFound('Invitation');
  const account = (await store.accounts.doc(inv.accountId).get()).data();
  if (!account) throw notFound('Invitation');
  return { ...invitationView(inv, deps.clock.now()), accountId: inv.accountId, teamName: account.name };
}

const sameEmail = (identity: Identity, inv: InvitationDoc) => identity.email !== null && normalEmail(identity.email) === inv.email;

/**
 * The signed-in user accepts: their verified email must be the invited one (any other user gets
 * 404, as for an unknown id). Accepting again is a no-op; an expired, revoked or used one is 409.
 */
export async function acceptInvitation(
  deps: TeamDeps,
  identity: Identity,
  invitationId: string,
): Promise<{ accountId: string; role: Role }> {
  const { store } = deps;
  return runTransaction(store.db, async (tx) => {
    const ref = store.invitations.doc(invitationId);
    const inv = (await tx.get(ref)).data();
    if (!inv || !sameEmail(identity, inv)) throw notFound('Invitation');
    const membershipRef = store.membership(inv.accountId, identity.userId);
    const [account, existing] = await Promise.all([
      tx.get(store.accounts.doc(inv.accountId)).then((s) => s.data()),
      tx.get(membershipRef).then((s) => s.data()),
    ]);
    if (!account) throw notFound('Invitation');
    if (inv.status === 'accepted' && inv.acceptedBy === identity.userId)
      return { accountId: inv.accountId, role: existing?.role ?? inv.role };
    const status = invitationStatus(inv, deps.clock.now());
    if (status !== 'pending')
      throw new AppError('conflict', `This invitation is ${status === 'accepted' ? 'already used' : status}: ask the team for a new one`, {
        status,
      });
    const now = Timestamp.fromMillis(deps.clock.now());
    // Already a member (invited twice by different admins): keep the membership as it is.
    if (!existing)
      tx.create(membershipRef, {
        accountId: inv.accountId,
        userId: identity.userId,
        email: identity.email,
        role: inv.role,
        createdAt: now,
        updatedAt: now,
      });
    tx.update(ref, { status: 'accepted', acceptedBy: identity.userId, updatedAt: now });
    touchAccount(tx, store, inv.accountId);
    return { accountId: inv.accountId, role: existing?.role ?? inv.role };
  });
}

/** One owner at least, always. */
function keepsAnOwner(members: readonly MembershipDoc[], userId: string, newRole: Role | null): boolean {
  return members.some((m) => (m.userId === userId ? newRole === 'owner' : m.role === 'owner'));
}

export async function changeRole(deps: TeamDeps, actor: TeamActor, userId: string, role: Role): Promise<MemberView> {
  requireManager(actor);
  const { store } = deps;
  return runTransaction(store.db, async (tx) => {
    requireTeam((await tx.get(store.accounts.doc(actor.accountId))).data());
    const { members } = await readTeam(tx, store, actor.accountId);
    const target = members.find((m) => m.userId === userId);
    if (!target) throw notFound('Member');
    if ((target.role === 'owner' || role === 'owner') && actor.role !== 'owner')
      throw new AppError('forbidden', 'Only an owner can make or unmake an owner');
    if (!keepsAnOwner(members, userId, role)) throw new AppError('conflict', 'A team needs an owner: make someone else owner first');
    if (target.role === role) return memberView(target);
    tx.update(store.membership(actor.accountId, userId), { role, updatedAt: FieldValue.serverTimestamp() });
    return memberView({ ...target, role });
  });
}

/**
 * Removes a member (`userId` = the actor's own id: leave), and revokes the team's API keys they
 * created in the same transaction: they know those secrets, and a key is not a membership, so it
 * would otherwise keep acting (and billing) for the team after they are gone. Their access ends as
 * each instance's listeners see the deletion and the revocations. Answers the revoked keys' hashes
 * (their document ids), so the caller's instance refuses them at once, as a revocation from the keys
 * route does.
 */
export async function removeMember(deps: TeamDeps, actor: TeamActor, userId: string): Promise<{ revokedKeyHashes: string[] }> {
  const leaving = userId === actor.identity.userId;
  if (!leaving) requireManager(actor);
  const { store } = deps;
  return runTransaction(store.db, async (tx) => {
    requireTeam((await tx.get(store.accounts.doc(actor.accountId))).data());
    const { members } = await readTeam(tx, store, actor.accountId);
    const target = members.find((m) => m.userId === userId);
    if (!target) throw notFound('Member');
    if (target.role === 'owner' && !leaving && actor.role !== 'owner') throw new AppError('forbidden', 'Only an owner can remove an owner');
    if (!keepsAnOwner(members, userId, null))
      throw new AppError('conflict', leaving ? 'You are the last owner: make someone else owner before leaving' : 'A team needs an owner');
    // At most MAX_ACTIVE_KEYS per account (api-key-store.ts): one small query.
    const keys = await tx.get(
      store.apiKeys.where('accountId', '==', actor.accountId).where('createdBy', '==', userId).where('revokedAt', '==', null),
    );
    const revokedAt = Timestamp.fromMillis(deps.clock.now());
    for (const key of keys.docs) tx.update(key.ref, { revokedAt });
    tx.delete(store.membership(actor.accountId, userId));
    touchAccount(tx, store, actor.accountId);
    return { revokedKeyHashes: keys.docs.map((key) => key.id) };
  });
}
