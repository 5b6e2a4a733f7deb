// Billing accounts and their members. An account (personal or team) owns the Stripe customer, the
// subscription, entitlements, quotas, usage and API keys; users are members of accounts with a
// role. A personal account's id is its user's id (so documents written before accounts existed,
// keyed by user, name the right account); a team's id is `team_` and random characters.
import { z } from 'zod';
import { BillingSummary, timestamp } from './documents.js';
import { AccessOverride, CustomerListing } from './operator-documents.js';
import { UserText } from './user-text.js';

export { AccountId } from './ids.js';

export const AccountKind = z.enum(['personal', 'team']);
export type AccountKind = z.infer<typeof AccountKind>;

/** owner: everything, including deleting the team and naming admins; admin: billing and members; member: use. */
export const Role = z.enum(['owner', 'admin', 'member']);
export type Role = z.infer<typeof Role>;

export const TeamName = UserText.trim().min(1).max(80);

/**
 * `accounts/{accountId}`: the billing account. The app creates it (a personal one on a user's first
 * request, a team on request); the applier writes `billing` and `stripeCustomerId`.
 */
export const AccountDoc = z.object({
  accountId: z.string(),
  kind: AccountKind,
  /** A team's name; null for a personal account (pages show the owner's email). */
  name: z.string().nullable(),
  /** The billing contact: the Stripe customer's email (the creator's when the account was made). */
  email: z.string().nullable(),
  stripeCustomerId: z.string().nullable(),
  billing: BillingSummary.nullable(),
  /** The operator console's list fields, written by the applier with `billing` (absent until then). */
  listing: CustomerListing.optional(),
  /** Operators' grants beside the plan, with an expiry (absent: none); the access decision reads them. */
  overrides: z.array(AccessOverride).optional(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type AccountDoc = z.infer<typeof AccountDoc>;

/** `memberships/{accountId}|{userId}`: one user's role in one account. The id makes a membership unique. */
export const MembershipDoc = z.object({
  accountId: z.string(),
  userId: z.string(),
  /** The member's email when they joined (IAP's verified email), for the members list. */
  email: z.string().nullable(),
  role: Role,
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type MembershipDoc = z.infer<typeof MembershipDoc>;

/** An invitation's id as it appears in a URL: `inv_` and 24 base64url characters. */
export const InvitationId = z.string().regex(/^inv_[\w-]{24}$/);

export const InvitationStatus = z.enum(['pending', 'accepted', 'revoked']);
export type InvitationStatus = z.infer<typeof InvitationStatus>;

/**
 * `invitations/{invitationId}`: an invitation to a team, accepted by the user who signs in with
 * that email. Pending until accepted, revoked, or past `expiresAt` (then it is simply expired:
 * nothing sweeps it; the TTL policy on `expireAt` deletes it later).
 */
export const InvitationDoc = z.object({
  invitationId: z.string(),
  accountId: z.string(),
  /** Lower-cased; compared with the invitee's verified email. */
  email: z.string(),
  role: Role.exclude(['owner']),
  status: InvitationStatus,
  invitedBy: z.string(),
  acceptedBy: z.string().nullable(),
  createdAt: timestamp,
  expiresAt: timestamp,
  updatedAt: timestamp,
  /** TTL field: well after expiry, so a late click still gets "expired" rather than "not found". */
  expireAt: timestamp,
});
export type InvitationDoc = z.infer<typeof InvitationDoc>;

/** `users/{userId}` as written before accounts: the user's own billing. Read only by the migration. */
export const LegacyUserDoc = z.object({
  userId: z.string(),
  email: z.string().nullable(),
  stripeCustomerId: z.string().nullable(),
  billing: BillingSummary.nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type LegacyUserDoc = z.infer<typeof LegacyUserDoc>;

/** A team account's id starts with this; any other id is a personal account's (its user's id). */
export const TEAM_ID_PREFIX = 'team_';

export function accountKindOf(accountId: string): AccountKind {
  return accountId.startsWith(TEAM_ID_PREFIX) ? 'team' : 'personal';
}

export function membershipId(accountId: string, userId: string): string {
  return `${accountId}|${userId}`;
}

/** Roles that see billing actions and invoices. */
export function canManageBilling(role: Role): boolean {
  return role === 'owner' || role === 'admin';
}
