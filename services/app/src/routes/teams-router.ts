// Accounts and teams over JSON: the accounts the user can act for and the switch between them,
// creating a team, its members and invitations, and accepting an invitation. Thin handlers over
// shared/src/accounts/teams.ts, which decides who may do what; the team routes act on the active
// account (X-Billing-Account or the switcher's cookie, auth/authenticate.ts).
import { Router, type Response } from 'express';
import { z } from 'zod';
import {
  acceptInvitation,
  accountsOf,
  changeRole,
  createTeam,
  invite,
  readTeamView,
  removeMember,
  revokeInvitation,
  type TeamActor,
  type TeamDeps,
} from '@billing/shared/accounts/teams.js';
import type { ApiKeyVerifier } from '@billing/shared/api-keys/api-key-verifier.js';
import { notFound } from '@billing/shared/errors/app-error.js';
import { requestLogger } from '@billing/shared/http/request-logging.js';
import type { Logger } from '@billing/shared/logging/logger.js';
import { InvitationId, Role, TeamName } from '@billing/shared/model/account-documents.js';
import { AccountId, UserId } from '@billing/shared/model/ids.js';
import { ACCOUNT_COOKIE } from '../auth/authenticate.js';
import { requestAuth } from '../auth/request-identity.js';
import { parseInput } from '../http/parse-input.js';

const Email = z.string().trim().max(254).pipe(z.email());
const InviteBody = z.strictObject({ email: Email, role: Role.exclude(['owner']).default('member') });
const CreateTeamBody = z.strictObject({ name: TeamName });
const ActiveBody = z.strictObject({ accountId: AccountId });
const RoleBody = z.strictObject({ role: Role });
const MemberParams = z.object({ userId: UserId });
const InvitationParams = z.object({ id: InvitationId });
const NoInput = z.strictObject({});

export interface TeamsRouterDeps {
  teams: TeamDeps;
  logger: Logger;
  secureCookies: boolean;
  /** This instance's API key verifier (with metering): the keys of a member who goes are refused here at once, elsewhere by the listener. */
  keyVerifier?: Pick<ApiKeyVerifier, 'evict'> | undefined;
}

export function teamsRouter(deps: TeamsRouterDeps): Router {
  const router = Router();
  const { teams } = deps;
  const setActive = (res: Response, accountId: string) =>
    res.cookie(ACCOUNT_COOKIE, accountId, {
      httpOnly: true,
      sameSite: 'lax',
      secure: deps.secureCookies,
      path: '/',
      maxAge: 365 * 86_400_000,
    });

  /** Removes the member, and refuses the API keys revoked with them on this instance before answering; answers how many. */
  const removeAndEvict = async (auth: TeamActor, userId: string): Promise<number> => {
    const { revokedKeyHashes } = await removeMember(teams, auth, userId);
    for (const hash of revokedKeyHashes) deps.keyVerifier?.evict(hash);
    return revokedKeyHashes.length;
  };

  router.get('/accounts', async (_req, res) => {
    const { identity, accountId } = requestAuth(res);
    res.json({ accounts: await accountsOf(teams.store, identity), active: accountId });
  });

  // The switcher: a team the user is not a member of is a 404, as an unknown one.
  router.post('/accounts/active', async (req, res) => {
    const { accountId } = parseInput(ActiveBody, req.body);
    const { identity } = requestAuth(res);
    const mine = await accountsOf(teams.store, identity);
    if (!mine.some((a) => a.id === accountId)) throw notFound('Account');
    setActive(res, accountId);
    res.json({ active: accountId });
  });

  router.post('/teams', async (req, res) => {
    const { name } = parseInput(CreateTeamBody, req.body);
    const { identity } = requestAuth(res);
    const { accountId } = await createTeam(teams, identity, name);
    requestLogger(req, deps.logger).info({ event: 'team.created', accountId, userId: identity.userId }, 'team created');
    setActive(res, accountId);
    res.status(201).json({ account: { id: accountId, kind: 'team', name, role: 'owner' } });
  });

  router.get('/team', async (_req, res) => {
    res.json(await readTeamView(teams, requestAuth(res)));
  });

  router.post('/team/invitations', async (req, res) => {
    const { email, role } = parseInput(InviteBody, req.body);
    const auth = requestAuth(res);
    const invitation = await invite(teams, auth, email, role);
    requestLogger(req, deps.logger).info(
      { event: 'team.invited', accountId: auth.accountId, invitationId: invitation.id, role },
      'invitation created',
    );
    res.status(201).json({ invitation, acceptUrl: `/invitations/${invitation.id}` });
  });

  router.delete('/team/invitations/:id', async (req, res) => {
    const { id } = parseInput(InvitationParams, req.params);
    await revokeInvitation(teams, requestAuth(res), id);
    res.status(204).end();
  });

  router.patch('/team/members/:userId', async (req, res) => {
    const { userId } = parseInput(MemberParams, req.params);
    const { role } = parseInput(RoleBody, req.body);
    const auth = requestAuth(res);
    const member = await changeRole(teams, auth, userId, role);
    requestLogger(req, deps.logger).info({ event: 'team.role_changed', accountId: auth.accountId, memberId: userId, role }, 'role changed');
    res.json({ member });
  });

  router.delete('/team/members/:userId', async (req, res) => {
    const { userId } = parseInput(MemberParams, req.params);
    const auth = requestAuth(res);
    const revokedApiKeys = await removeAndEvict(auth, userId);
    requestLogger(req, deps.logger).info(
      { event: 'team.member_removed', accountId: auth.accountId, memberId: userId, revokedApiKeys },
      'member removed',
    );
    res.status(204).end();
  });

  router.post('/team/leave', async (req, res) => {
    parseInput(NoInput, req.body);
    const auth = requestAuth(res);
    const revokedApiKeys = await removeAndEvict(auth, auth.identity.userId);
    requestLogger(req, deps.logger).info({ event: 'team.left', accountId: auth.accountId, revokedApiKeys }, 'left team');
    // Back to the personal account: the cookie would fall back anyway, this says so at once.
    setActive(res, auth.identity.userId);
    res.status(204).end();
  });

  router.post('/invitations/:id/accept', async (req, res) => {
    const { id } = parseInput(InvitationParams, req.params);
    parseInput(NoInput, req.body);
    const { identity } = requestAuth(res);
    const accepted = await acceptInvitation(teams, identity, id);
    requestLogger(req, deps.logger).info(
      { event: 'team.invitation_accepted', accountId: accepted.accountId, invitationId: id },
      'invitation accepted',
    );
    setActive(res, accepted.accountId);
    res.json(accepted);
  });
  return router;
}
