// The one check in front of every route of the operator console: the signed-in identity's
// operator role (shared/src/admin/operator-roles.ts) must include the route's. Resolved once per
// request (one document read) and kept for the handlers (`operatorOf`). A refusal is an AppError
// 403: the console's page router renders it as an HTML page, the API as JSON.
import type { RequestHandler, Response } from 'express';
import { operatorRole, type OperatorDeps } from '@billing/shared/admin/operator-roles.js';
import { AppError } from '@billing/shared/errors/app-error.js';
import { includesRole, type OperatorRole } from '@billing/shared/model/operator-documents.js';
import { requestAuth } from '../auth/request-identity.js';

export interface Operator {
  /** Lower-cased; the audit log's `actor`. */
  email: string;
  role: OperatorRole;
}

const operators = new WeakMap<Response, { email: string | null; role: OperatorRole | null }>();

/** The operator the request was let in as (after `requireRole`). */
export function operatorOf(res: Response): Operator {
  const found = operators.get(res);
  if (!found?.email || !found.role) throw new Error('console route mounted without requireRole');
  return { email: found.email, role: found.role };
}

/** `requireRole(deps)('editor')`: lets the request through when its operator role includes `editor`. */
export function requireRole(deps: OperatorDeps): (needed: OperatorRole) => RequestHandler {
  return (needed) => async (_req, res, next) => {
    let found = operators.get(res);
    if (!found) {
      const email = requestAuth(res).identity.email?.toLowerCase() ?? null;
      found = { email, role: await operatorRole(deps, email) };
      operators.set(res, found);
    }
    if (!found.role) throw new AppError('forbidden', 'The operator console is for operators: ask an admin for a role', { needed });
    if (!includesRole(found.role, needed))
      throw new AppError('forbidden', `This needs the ${needed} role; you are ${found.role}`, { needed, role: found.role });
    next();
  };
}
