// Seats: what an account pays for, and what its people use. A team's members and its pending
// (unexpired) invitations each take a seat; a personal account has one member, its user.
// Paid seats follow the one access rule (effectivePlan): the quantity of a per-seat plan while the
// subscription grants access, else one (the owner), whatever the plan.
import { effectivePlan } from '../access/access-decision.js';
import { AppError } from '../errors/app-error.js';
import type { Store } from '../firestore/store.js';
import { accountKindOf } from '../model/account-documents.js';
import type { BillingSummary } from '../model/documents.js';

export function paidSeats(billing: BillingSummary | null, now: number, pastDueGraceSeconds: number): number {
  const { plan } = effectivePlan(billing, now, pastDueGraceSeconds);
  return plan.seats && billing ? Math.max(1, billing.quantity) : 1;
}

export interface SeatsInUse {
  members: number;
  pendingInvitations: number;
}

/** Members and pending, unexpired invitations of the account (a personal account: its user). */
export async function seatsInUse(store: Store, accountId: string, nowMs: number): Promise<SeatsInUse> {
  if (accountKindOf(accountId) === 'personal') return { members: 1, pendingInvitations: 0 };
  const [members, invitations] = await Promise.all([
    store.membersOfAccount(accountId).count().get(),
    store.pendingInvitationsOfAccount(accountId).get(),
  ]);
  return {
    members: members.data().count,
    pendingInvitations: invitations.docs.filter((d) => d.data().expiresAt.toMillis() > nowMs).length,
  };
}

export const seatsUsed = (inUse: SeatsInUse): number => inUse.members + inUse.pendingInvitations;

/** A seat change (or a plan change) to `seats` must leave a seat for every member and pending invitation. */
export function refuseSeatsBelowUse(seats: number, used: SeatsInUse): void {
  const inUse = used.members + used.pendingInvitations;
  if (seats >= inUse) return;
  throw new AppError(
    'conflict',
    `${used.members} members and ${used.pendingInvitations} pending invitations use ${inUse} seats: remove members or revoke invitations before going down to ${seats}`,
    {
      reason: 'seats_in_use',
      seats: { requested: seats, used: inUse },
    },
  );
}
