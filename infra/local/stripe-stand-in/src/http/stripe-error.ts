// Errors the stand-in answers with, in Stripe's wire shape:
// `{ error: { type, message, param?, code? } }` with the status Stripe would use. The SDK maps the
// type and status to its own error classes (StripeInvalidRequestError, StripeRateLimitError, ...),
// so the product's error handling runs exactly as against Stripe.
export const StripeErrorType = ['invalid_request_error', 'idempotency_error', 'api_error', 'card_error'] as const;
export type StripeErrorType = (typeof StripeErrorType)[number];

export interface StripeErrorBody {
  error: { type: StripeErrorType; message: string; param?: string; code?: string };
}

export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: StripeErrorType,
    message: string,
    readonly param?: string,
    readonly code?: string,
    /** Stripe saves no idempotent result when parameters fail validation (the request never ran). */
    readonly beforeExecution = false,
  ) {
    super(message);
    this.name = 'StripeApiError';
  }

  toBody(): StripeErrorBody {
    return {
      error: {
        type: this.type,
        message: this.message,
        ...(this.param !== undefined ? { param: this.param } : {}),
        ...(this.code !== undefined ? { code: this.code } : {}),
      },
    };
  }
}

export const invalidParam = (param: string, message: string, code = 'parameter_invalid') =>
  new StripeApiError(400, 'invalid_request_error', message, param, code, true);

export const unknownParam = (param: string) =>
  new StripeApiError(400, 'invalid_request_error', `Received unknown parameter: ${param}`, param, 'parameter_unknown', true);

export const missingParam = (param: string) =>
  new StripeApiError(400, 'invalid_request_error', `Missing required param: ${param}.`, param, 'parameter_missing', true);

export const noSuchResource = (kind: string, id: string, param = 'id') =>
  new StripeApiError(404, 'invalid_request_error', `No such ${kind}: '${id}'`, param, 'resource_missing');

export const badState = (message: string, code = 'invalid_state') =>
  new StripeApiError(400, 'invalid_request_error', message, undefined, code);
