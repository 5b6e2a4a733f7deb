// A typed client of the service API for TypeScript services: each call sends a request the
// contract accepts and returns the response parsed by the contract's schema, so a host never
// trusts an unchecked shape. `idToken` supplies the caller's Google ID token for the app's URL
// (on Cloud Run: google-auth-library's `getIdTokenClient(url)`; locally: /dev/service-token).
import type { z } from 'zod';
import { AccountResponse, CheckResponse, ErrorResponse, TrackResponse, type CheckRequest, type TrackRequest } from './contract.js';

export class ServiceApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorResponse | null,
    /** Retry-After, in seconds, when the answer gave one. */
    readonly retryAfterSeconds: number | null,
  ) {
    super(body?.error.message ?? `service API answered ${status}`);
    this.name = 'ServiceApiError';
  }

  get code(): string | null {
    return this.body?.error.code ?? null;
  }
}

export interface ServiceClientOptions {
  /** The app's URL (PUBLIC_BASE_URL), e.g. https://billing.example.com. */
  baseUrl: string;
  idToken: () => Promise<string>;
  fetch?: typeof fetch;
}

export interface ServiceClient {
  check(request: CheckRequest): Promise<CheckResponse>;
  /** A refusal (402/403/429...) throws ServiceApiError with the same body a repeat of the key gets. */
  track(request: TrackRequest): Promise<TrackResponse>;
  account(accountId: string): Promise<AccountResponse>;
}

export function createServiceClient(opts: ServiceClientOptions): ServiceClient {
  const send = opts.fetch ?? fetch;
  const base = opts.baseUrl.replace(/\/+$/, '');

  async function call<S extends z.ZodType>(schema: S, method: 'GET' | 'POST', path: string, body?: unknown): Promise<z.infer<S>> {
    const headers: Record<string, string> = { authorization: `Bearer ${await opts.idToken()}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await send(`${base}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const json: unknown = await res.json().catch(() => null);
    if (!res.ok) {
      const retryAfter = Number(res.headers.get('retry-after'));
      throw new ServiceApiError(
        res.status,
        ErrorResponse.safeParse(json).data ?? null,
        Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
      );
    }
    return schema.parse(json);
  }

  return {
    check: (request) => call(CheckResponse, 'POST', '/v1/check', request),
    track: (request) => call(TrackResponse, 'POST', '/v1/track', request),
    account: (accountId) => call(AccountResponse, 'GET', `/v1/accounts/${encodeURIComponent(accountId)}`),
  };
}
