// The page's one way to call the JSON API. Every state change is a JSON request (the API refuses
// anything else, as a CSRF guard). A refusal comes back as an ApiError carrying the API's code and
// its other fields (a refusal's `reason`, a hosted invoice URL); `userMessage` turns any failure
// into a sentence that says what to do, never "Internal error".

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly details: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Resolves with the parsed answer (null for 204); rejects with an ApiError. */
export async function send(method: Method, url: string, body?: Record<string, unknown>): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      credentials: 'same-origin',
      ...(method === 'GET' ? {} : { body: JSON.stringify(body ?? {}) }),
    });
  } catch {
    throw new ApiError('The server could not be reached. Check your connection, then try again.', 0, 'network', {});
  }
  if (res.status === 204) return null;
  const answer: unknown = await res.json().catch(() => null); // not JSON: a proxy's error page
  if (res.ok) return answer;
  const error = isRecord(answer) && isRecord(answer['error']) ? answer['error'] : {};
  const message = typeof error['message'] === 'string' ? error['message'] : '';
  const code = typeof error['code'] === 'string' ? error['code'] : 'unknown';
  throw new ApiError(message, res.status, code, error);
}

/** A sentence for the person who pressed the button: the API's own message when it is meant for them. */
export function userMessage(err: unknown): string {
  if (!(err instanceof ApiError)) return 'Something went wrong in this page. Nothing was changed; reload the page and try again.';
  if (err.code === 'upstream_unavailable' || err.status === 503)
    return 'Our payment provider could not be reached. Nothing was changed; try again in a minute.';
  if (err.code === 'internal' || err.status >= 500 || err.code === 'unknown')
    return 'Something went wrong on our side. Nothing was changed; try again in a minute, or contact support if it keeps happening.';
  if (err.code === 'unauthenticated') return 'Your session has ended. Reload the page to sign in again.';
  if (err.code === 'forbidden') return "Only the account's owners and admins can do this.";
  return err.message || 'That did not work. Check what you entered and try again.';
}

/** A string field of an API answer, or null. */
export function field(answer: unknown, name: string): string | null {
  return isRecord(answer) && typeof answer[name] === 'string' ? answer[name] : null;
}
