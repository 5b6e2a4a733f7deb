// One error hierarchy for the whole product. Every error a client may see carries a literal
// `code` and its HTTP status; each service has one error middleware that maps these and hides
// everything else behind a generic 500 (see each service's error-handler.ts).
export const ErrorCode = [
  'bad_request',
  'unauthenticated',
  'payment_required',
  'forbidden',
  'not_found',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'quota_exceeded',
  'rate_limited',
  'upstream_unavailable',
  'internal',
] as const;
export type ErrorCode = (typeof ErrorCode)[number];

const STATUS: { [K in ErrorCode]: number } = {
  bad_request: 400,
  unauthenticated: 401,
  payment_required: 402,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  quota_exceeded: 429,
  rate_limited: 429,
  upstream_unavailable: 503,
  internal: 500,
};

export interface AppErrorOptions extends ErrorOptions {
  /** When a retry will do: the seconds the client should wait, sent as `Retry-After`. */
  retryAfterSeconds?: number;
}

export class AppError extends Error {
  readonly status: number;
  readonly retryAfterSeconds: number | undefined;
  constructor(
    readonly code: ErrorCode,
    /** Safe to show to the client. */
    message: string,
    /** Extra JSON fields for the client body (field errors, quota figures...). Never secrets. */
    readonly details: Record<string, unknown> = {},
    options?: AppErrorOptions,
  ) {
    super(message, options);
    this.name = 'AppError';
    this.status = STATUS[code];
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }

  toBody(): Record<string, unknown> {
    return { error: { code: this.code, message: this.message, ...this.details } };
  }
}

export const badRequest = (message: string, details: Record<string, unknown> = {}) => new AppError('bad_request', message, details);
export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
export const unauthenticated = (message = 'Authentication required') => new AppError('unauthenticated', message);

/** What a TransientError advises when its source gives no better figure. */
export const DEFAULT_RETRY_AFTER_SECONDS = 5;

/**
 * A failure worth retrying (database or upstream outage, upstream rate limit). In the event
 * applier it makes the handler throw so Pub/Sub redelivers; in a service the error handler
 * answers 503 `upstream_unavailable` with `Retry-After: retryAfterSeconds`.
 */
export class TransientError extends Error {
  readonly retryAfterSeconds: number;
  constructor(message: string, options?: ErrorOptions & { retryAfterSeconds?: number }) {
    super(message, options);
    this.name = 'TransientError';
    this.retryAfterSeconds = options?.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS;
  }
}

/**
 * A message that can never be applied however often it is retried (malformed, wrong schema).
 * The event applier sends it to the dead-letter topic and acknowledges it.
 */
export class PermanentError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PermanentError';
  }
}
