// Stripe's authentication: `Authorization: Bearer sk_test_…`. Any test-mode key works here;
// a missing or live key gets the 401 Stripe answers.
import type { RequestHandler } from 'express';
import { StripeApiError } from './stripe-error.js';

export function requireApiKey(): RequestHandler {
  return (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const key = /^Bearer (.+)$/.exec(header)?.[1];
    if (!key) {
      next(
        new StripeApiError(
          401,
          'invalid_request_error',
          "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
        ),
      );
      return;
    }
    if (!/^(sk|rk)_test_/.test(key)) {
      next(
        new StripeApiError(
          401,
          'invalid_request_error',
          'Invalid API Key provided: the Stripe stand-in accepts test-mode keys (sk_test_…) only.',
          undefined,
          'api_key_invalid',
        ),
      );
      return;
    }
    next();
  };
}
