// The billing page's team section, for a team account: the seats in use of those paid for, the
// members, and (for owners and admins) the pending invitations with their acceptance links and the
// invite form. No email is sent: the inviter copies the link shown beside the invitation. What each
// role may do is decided by shared/src/accounts/teams.ts; this shows only the controls it allows,
// and the server refuses the rest anyway. Wired by /static/billing.js.
import type { InvitationView, MemberView, TeamView } from '@billing/shared/accounts/teams.js';
import { canManageBilling, type Role } from '@billing/shared/model/account-documents.js';
import { FEATURE_NAMES } from '@billing/shared/plans/catalog.js';
import type { UsageSummary } from '../ports/usage-view.js';
import { formatDate } from './format.js';
import { html, type SafeHtml } from './html.js';

/** Who is looking: their user id (to find their own row) and their role in the team. */
export interface TeamViewer {
  userId: string;
  role: Role;
}

export const ROLE_LABELS: { [K in Role]: string } = { owner: 'Owner', admin: 'Admin', member: 'Member' };

/** The team's API writes ISO timestamps; the pages write dates from unix seconds. */
const isoDate = (iso: string) => formatDate(Math.floor(Date.parse(iso) / 1000));
const plural = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** Owners change anyone's role; admins change admins' and members' (and never make an owner). */
const mayChangeRole = (viewer: TeamViewer, member: MemberView) =>
  canManageBilling(viewer.role) && (member.role !== 'owner' || viewer.role === 'owner');

export function teamSection(team: TeamView, viewer: TeamViewer, publicBaseUrl: string, usage: readonly UsageSummary[] = []): SafeHtml {
  const { seats } = team;
  const manage = canManageBilling(viewer.role);
  return html`<section class="team" id="team" data-testid="team">
    <h2>Team</h2>
    <p><strong data-testid="seats-used">${seats.used.toLocaleString('en-US')} of ${plural(seats.paid, 'seat', 'seats')} used</strong>
      <span class="muted">(${plural(seats.members, 'member', 'members')}, ${plural(seats.pendingInvitations, 'pending invitation', 'pending invitations')})</span></p>
    <div class="banner warn" role="alert" data-role="flash" hidden></div>
    <div class="table-wrap"><table data-testid="members">
      <thead><tr><th>Member</th><th>Role</th><th>Joined</th><th></th></tr></thead>
      <tbody>${team.members.map((m) => memberRow(m, viewer))}</tbody>
    </table></div>
    ${usageByMember(team.members, usage)}
    ${manage && team.invitations ? invitations(team.invitations, publicBaseUrl) : null}
    ${manage ? inviteForm() : null}
  </section>`;
}

function memberRow(member: MemberView, viewer: TeamViewer): SafeHtml {
  const self = member.userId === viewer.userId;
  const who = member.email ?? member.userId;
  const remove = !self && mayChangeRole(viewer, member);
  return html`<tr data-user-id="${member.userId}">
    <td class="who">${who}${self ? html` <span class="muted">(you)</span>` : null}</td>
    <td>${mayChangeRole(viewer, member) ? roleSelect(member, viewer, who, self) : ROLE_LABELS[member.role]}</td>
    <td>${isoDate(member.joinedAt)}</td>
    <td class="row-actions">
      ${self ? html`<button class="link" data-action="leave-team">Leave</button>` : null}
      ${remove ? html`<button class="link" data-action="remove-member" data-user-id="${member.userId}" data-member="${who}">Remove</button>` : null}
    </td>
  </tr>`;
}

/** Changed at once (billing.js); "owner" is offered by owners only, as the server allows. */
function roleSelect(member: MemberView, viewer: TeamViewer, who: string, self: boolean): SafeHtml {
  const roles: Role[] = viewer.role === 'owner' ? ['owner', 'admin', 'member'] : ['admin', 'member'];
  return html`<select data-role="member-role" data-user-id="${member.userId}" data-self="${self ? 'true' : 'false'}" aria-label="Role of ${who}">
    ${roles.map((r) => html`<option value="${r}"${r === member.role ? html` selected` : null}>${ROLE_LABELS[r]}</option>`)}
  </select>`;
}

/**
 * This month's usage of each metered feature by whoever made it: members by email, a service that
 * tracked usage without naming a user as "Service <account>", anyone else (a removed member) by id.
 */
function usageByMember(members: readonly MemberView[], usage: readonly UsageSummary[]): SafeHtml | null {
  const used = usage.filter((u) => u.byMember.length > 0);
  if (used.length === 0) return null;
  const emails = new Map(members.map((m) => [m.userId, m.email ?? m.userId]));
  const who = (id: string) => emails.get(id) ?? (id.startsWith('service:') ? `Service ${id.slice('service:'.length)}` : id);
  const people = [...new Set(used.flatMap((u) => u.byMember.map((m) => m.userId)))];
  const units = (feature: UsageSummary, userId: string) => feature.byMember.find((m) => m.userId === userId)?.used ?? 0;
  return html`<h3>Usage this month by member</h3>
    <div class="table-wrap"><table data-testid="usage-by-member">
      <thead><tr><th>Member</th>${used.map((u) => html`<th>${FEATURE_NAMES[u.feature]}</th>`)}</tr></thead>
      <tbody>${people.map((id) => html`<tr data-user-id="${id}"><td class="who">${who(id)}</td>${used.map((u) => html`<td>${units(u, id).toLocaleString('en-US')}</td>`)}</tr>`)}</tbody>
    </table></div>`;
}

function invitations(pending: InvitationView[], publicBaseUrl: string): SafeHtml {
  return html`<h3>Pending invitations</h3>
    ${
      pending.length === 0
        ? html`<p class="muted" data-testid="no-invitations">No pending invitations.</p>`
        : html`<p class="muted">Send each person their acceptance link: they open it signed in with the invited email.</p>
        <div class="table-wrap"><table data-testid="invitations">
          <thead><tr><th>Email</th><th>Role</th><th>Expires</th><th>Acceptance link</th><th></th></tr></thead>
          <tbody>${pending.map((inv) => invitationRow(inv, `${publicBaseUrl}/invitations/${encodeURIComponent(inv.id)}`))}</tbody>
        </table></div>`
    }`;
}

function invitationRow(inv: InvitationView, link: string): SafeHtml {
  return html`<tr data-invitation-id="${inv.id}">
    <td class="who">${inv.email}</td><td>${ROLE_LABELS[inv.role]}</td><td>${isoDate(inv.expiresAt)}</td>
    <td class="link-cell"><div class="invite-link"><input type="text" readonly value="${link}" data-role="invite-link" aria-label="Acceptance link for ${inv.email}">
      <button type="button" class="secondary" data-role="copy-link">Copy</button></div></td>
    <td class="row-actions"><button class="link" data-action="revoke-invitation" data-invitation-id="${inv.id}" data-member="${inv.email}">Revoke</button></td>
  </tr>`;
}

/**
 * The invite form, and where a refusal for want of seats is said with the server's message and an
 * "Add seats" button to the seats form above (billing.js fills and shows it).
 */
function inviteForm(): SafeHtml {
  return html`<div class="banner warn" role="alert" data-testid="seats-exhausted" hidden>
      <span data-role="message"></span> <button type="button" data-role="add-seats">Add seats</button>
    </div>
    <form class="invite-form" data-testid="invite-form" method="post" action="/billing" data-feedback>
      <label>Email <input type="email" name="email" required maxlength="254" autocomplete="off"></label>
      <label>Role <select name="role"><option value="member" selected>Member</option><option value="admin">Admin</option></select></label>
      <button type="submit">Invite</button>
      <span class="field-error" data-role="error" role="alert" hidden></span>
    </form>`;
}
