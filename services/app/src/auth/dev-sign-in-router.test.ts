// The dev sign-in page over HTTP (the real router, a real dev key pair): after signing in it sends
// the browser only to a path on the app's own origin, whatever `next` says.
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHandler } from '@billing/shared/http/error-handler.js';
import { silentLogger } from '@billing/shared/logging/logger.js';
import { listen, type Listening } from '../testing/listen.js';
import { createDevIap, DEV_IAP_COOKIE } from './dev-iap.js';
import { DEFAULT_NEXT, DEV_PREFIX, DEV_SIGN_IN_PATH, devSignInRouter, safeNext } from './dev-sign-in-router.js';

let app: Listening;
beforeAll(async () => {
  const server = express();
  server.use(DEV_PREFIX, devSignInRouter(await createDevIap()));
  server.use(errorHandler({ logger: silentLogger() }));
  app = await listen(server);
});
afterAll(async () => {
  await app?.close();
});

async function signIn(next: string): Promise<Response> {
  return fetch(`${app.baseUrl}${DEV_SIGN_IN_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email: 'alice@example.com', next }).toString(),
    redirect: 'manual',
  });
}

/**
 * `next` values that leave the origin, or would once a browser reads them: a browser treats `\`
 * as `/` and drops tabs and newlines (checked in Chromium: `Location: /\evil.test/x` navigates
 * to http://evil.test/x).
 */
const REFUSED: [string, string][] = [
  ['protocol-relative', '//evil.test'],
  ['backslash after the slash', '/\\evil.test'],
  ['two backslashes', '/\\\\evil.test'],
  ['backslash first', '\\/evil.test'],
  ['absolute https URL', 'https://evil.test/billing'],
  ['absolute URL without slashes', 'https:evil.test'],
  ['javascript: URL', 'javascript:alert(1)'],
  ['data: URL', 'data:text/html,<script>alert(1)</script>'],
  ['tab between the slashes', '/\t/evil.test'],
  ['newline between the slashes', '/\n/evil.test'],
  ['carriage return between the slashes', '/\r/evil.test'],
  ['NUL', '/\u0000/evil.test'],
  ['a relative path', 'billing'],
  ['empty', ''],
];

/** Paths on the origin: kept as written. Percent-escapes are not decoded by a browser's URL parser, so `/%2F%2Fevil` stays here. */
const KEPT = [
  '/billing',
  '/billing?checkout=success#plans',
  '/api/usage',
  '/%2F%2Fevil.test',
  '/%5Cevil.test',
  '/..//evil.test',
  '/admin/revenue',
];

describe('dev sign-in: next', () => {
  it.each(REFUSED)('refuses %s (%j): lands on the default page', async (_what, next) => {
    expect(safeNext(next)).toBe(DEFAULT_NEXT);
    const res = await signIn(next);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(DEFAULT_NEXT);
    expect(res.headers.get('set-cookie')).toContain(`${DEV_IAP_COOKIE}=`); // still signed in
  });

  it.each(KEPT)('keeps %j, which a browser resolves on the same origin', async (next) => {
    const res = await signIn(next);
    expect(res.status).toBe(303);
    const location = res.headers.get('location') ?? '';
    expect(location).toBe(next);
    expect(new URL(location, app.baseUrl).origin).toBe(app.baseUrl);
  });

  it('the page carries only a safe next into its form', async () => {
    const page = async (next: string) =>
      (await fetch(`${app.baseUrl}${DEV_SIGN_IN_PATH}?${new URLSearchParams({ next }).toString()}`)).text();
    expect(await page('/\\evil.test')).toContain(`name="next" value="${DEFAULT_NEXT}"`);
    expect(await page('/api/usage')).toContain('name="next" value="/api/usage"');
  });

  it('refuses an oversized next (the form has a 2 kB body limit too) with a 4xx', async () => {
    expect((await signIn(`/${'a'.repeat(1100)}`)).status).toBe(400);
    expect((await signIn(`/${'a'.repeat(3000)}`)).status).toBe(413);
  });
});
