// The body of a programmatic POST (/v1): JSON or nothing. A body that is not JSON is refused (415)
// before it is parsed or charged: express.json() leaves any other content type unparsed, and an
// unparsed body would read as `{}`, i.e. as a valid empty request.
import express, { type RequestHandler } from 'express';
import { AppError } from '@billing/shared/errors/app-error.js';

export function jsonBody(): RequestHandler[] {
  return [
    (req, _res, next) => {
      if (!req.is('application/json'))
        throw new AppError('unsupported_media_type', 'Send the body as JSON with Content-Type: application/json');
      next();
    },
    express.json({ limit: '16kb' }),
  ];
}
