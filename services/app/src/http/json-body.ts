// The body of a programmatic POST (/v1): JSON or nothing. A body that is not JSON is refused (415)
// before it is charged: express.json() parses only an application/json body (and reads no other),
// leaving `req.body` undefined for any other content type and for a request without a body, which
// would otherwise read as a valid empty request. One content-type match per request, body-parser's.
import express, { type RequestHandler } from 'express';
import { AppError } from '@billing/shared/errors/app-error.js';

export function jsonBody(): RequestHandler[] {
  return [
    express.json({ limit: '16kb' }),
    (req, _res, next) => {
      if (req.body === undefined) throw new AppError('unsupported_media_type', 'Send the body as JSON with Content-Type: application/json');
      next();
    },
  ];
}
