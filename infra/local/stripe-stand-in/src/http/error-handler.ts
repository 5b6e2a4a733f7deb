// The one error middleware: Stripe-style bodies for StripeApiError and body-parser errors; any
// other error is logged with its stack and answered with a generic api_error 500.
import type { ErrorRequestHandler } from 'express';
import type { Logger } from '@billing/shared/logging/logger.js';
import { StripeApiError } from './stripe-error.js';

export function stripeErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (err instanceof StripeApiError) {
      if (err.beforeExecution) res.locals['requestRan'] = false;
      res.status(err.status).json(err.toBody());
      return;
    }
    const status = (err as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      res.locals['requestRan'] = false;
      res.status(400).json(new StripeApiError(400, 'invalid_request_error', 'Invalid request body').toBody());
      return;
    }
    logger.error({ event: 'stand_in.request_failed', method: req.method, path: req.path, err }, 'unhandled error in the Stripe stand-in');
    res.status(500).json(new StripeApiError(500, 'api_error', 'An unknown error occurred').toBody());
  };
}
