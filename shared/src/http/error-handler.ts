// The one error middleware each Express service mounts last. AppError answers with its status and
// `toBody()`; errors from body parsing (too large, malformed) and from decoding the URL become
// AppErrors; a TransientError (an upstream or database outage, Stripe's rate limit) is a 503 with
// `Retry-After`, logged at WARNING since a retry fixes it; anything else is logged at ERROR with its
// stack and answered with a generic 500, so no internals reach a client.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, TransientError } from '../errors/app-error.js';
import type { Logger } from '../logging/logger.js';
import { requestLogger } from './request-logging.js';

/** The fields body-parser (and other http-errors users) put on the errors it passes to next(). */
interface HttpErrorFields {
  status?: unknown;
  type?: unknown;
  expose?: unknown;
}

/** Maps an error to the AppError a client may see, or undefined when it is an internal failure. */
export function toAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  if (err instanceof TransientError) {
    const { retryAfterSeconds } = err;
    return new AppError(
      'upstream_unavailable',
      'Temporarily unavailable, retry later',
      { retryAfterSeconds },
      { cause: err, retryAfterSeconds },
    );
  }
  if (typeof err !== 'object' || err === null) return undefined;
  const { status, type, expose } = err as HttpErrorFields;
  // Express's router could not percent-decode a path parameter (`/api/invoices/%ED%A0%80/pdf`).
  if (err instanceof URIError && status === 400) return new AppError('bad_request', 'Malformed URL', {}, { cause: err });
  if (type === 'entity.too.large') return new AppError('payload_too_large', 'Request body too large', {}, { cause: err });
  // body-parser marks the client's own faults (malformed body, bad charset, aborted) as exposable 4xx.
  if (expose === true && typeof status === 'number' && status >= 400 && status < 500) {
    return new AppError('bad_request', 'Malformed request body', {}, { cause: err });
  }
  return undefined;
}

export interface ErrorHandlerOptions {
  logger: Logger;
}

export function errorHandler(opts: ErrorHandlerOptions): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    const log = requestLogger(req, opts.logger);
    if (res.headersSent) {
      // Too late to answer: Express's default handler closes the connection.
      log.error({ event: 'http.error_after_headers', err }, 'error after the response started');
      next(err);
      return;
    }
    const appError = toAppError(err);
    if (appError) {
      const fields = { event: 'http.app_error', code: appError.code, status: appError.status };
      if (appError.status >= 500) log.warn({ ...fields, err: appError.cause }, appError.message);
      else log.info(fields, appError.message);
      if (appError.retryAfterSeconds !== undefined) res.set('Retry-After', String(appError.retryAfterSeconds));
      res.status(appError.status).json(appError.toBody());
      return;
    }
    log.error({ event: 'http.unhandled_error', err }, 'unhandled error');
    res.status(500).json(new AppError('internal', 'Internal error').toBody());
  };
}

/** Mount after every route: unknown paths answer a JSON 404 through the error handler. */
export function notFoundHandler(): RequestHandler {
  return (_req, _res, next) => {
    next(new AppError('not_found', 'Route not found'));
  };
}
