// The page an invitation's acceptance link opens (GET /invitations/:id): which team, which role,
// who invited. A pending invitation has an Accept button (billing.js POSTs
// /api/invitations/:id/accept, then opens /billing acting for the team); an expired, revoked or used
// one says so, without a button. An unknown id, or an invitation to another email, is the 404 page.
import type { InvitationView } from '@billing/shared/accounts/teams.js';
import { formatDate } from './format.js';
import { html, renderDocument, type SafeHtml } from './html.js';

export interface InvitationPageModel {
  invitation: InvitationView & { teamName: string | null };
  /** The signed-in user's email (the invited one, or this page would be the 404). */
  signedInAs: string;
}

const ROLE_PHRASES: { [K in InvitationView['role']]: string } = { owner: 'an owner', admin: 'an admin', member: 'a member' };
const ROLE_SCOPES: { [K in InvitationView['role']]: string } = {
  owner: "You would use the team's plan and manage its billing and members.",
  admin: "You would use the team's plan and manage its billing and members.",
  member: "You would use the team's plan; its owners and admins manage billing.",
};

export function renderInvitationPage({ invitation, signedInAs }: InvitationPageModel): string {
  const expires = formatDate(Math.floor(Date.parse(invitation.expiresAt) / 1000));
  return renderDocument(
    'Team invitation',
    html`<main class="narrow invitation">
      <h1>Team invitation</h1>
      <div id="flash" class="banner warn" role="alert" hidden></div>
      <p data-testid="invitation-summary"><strong data-testid="invited-by">${invitation.invitedBy}</strong> invited you to join
        <strong data-testid="team-name">${invitation.teamName ?? 'a team'}</strong> as <span data-testid="invitation-role">${ROLE_PHRASES[invitation.role]}</span>.</p>
      ${state(invitation, expires)}
      <p class="muted">Signed in as ${signedInAs}.</p>
    </main>`,
  );
}

function state(invitation: InvitationView, expires: string): SafeHtml {
  switch (invitation.status) {
    case 'pending':
      return html`<p class="muted">${ROLE_SCOPES[invitation.role]} Open until ${expires}.</p>
        <p><button data-action="accept-invitation" data-invitation-id="${invitation.id}">Accept invitation</button></p>`;
    case 'expired':
      return html`<p class="banner warn" data-testid="invitation-state">This invitation expired on ${expires}. Ask the team for a new one.</p>`;
    case 'revoked':
      return html`<p class="banner warn" data-testid="invitation-state">This invitation was revoked. Ask the team for a new one.</p>`;
    case 'accepted':
      return html`<p class="banner" data-testid="invitation-state">This invitation has already been accepted. <a href="/billing">Go to billing</a></p>`;
  }
}

/** One page for an unknown id, a malformed one and another email's invitation: they are told apart nowhere. */
export function renderInvitationNotFoundPage(signedInAs: string | null): string {
  return renderDocument(
    'Invitation not found',
    html`<main class="narrow invitation">
      <h1>Invitation not found</h1>
      <p data-testid="invitation-not-found">There is no invitation at this link for ${signedInAs ?? 'you'}. Check the link, or sign in with the email the invitation was sent to.</p>
      <p><a href="/billing">Go to billing</a></p>
    </main>`,
  );
}
