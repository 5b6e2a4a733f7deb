// CSRF guard for the JSON API. IAP authenticates with a cookie, so a cross-site form could post
// to us with the user's credentials; a form cannot send `Content-Type: application/json` without
// a CORS preflight, which we never grant. So every state-changing /api call must be JSON.
import type { RequestHandler } from 'express';
import { AppError } from '@billing/shared/errors/app-error.js';

export function requireJsonPost(): RequestHandler {
  return (req, _res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD' && !req.is('application/json')) {
      next(new AppError('forbidden', 'State-changing requests must send Content-Type: application/json'));
      return;
    }
    next();
  };
}
