// Dev mode only (DEV_IAP=true): a page that signs a local IAP-shaped assertion for an email and
// puts it in the `__dev_iap` cookie, because a browser cannot set the IAP header itself.
import express, { Router } from 'express';
import { z } from 'zod';
import { DEV_IAP_COOKIE, type DevIap } from './dev-iap.js';
import type { DevServiceIdentity } from '../service-api/service-identity.js';
import { html, renderDocument } from '../pages/html.js';
import { parseInput } from '../http/parse-input.js';

/** Where app.ts mounts this router; its own paths are relative to it. */
export const DEV_PREFIX = '/dev';
export const DEV_SIGN_IN_PATH = `${DEV_PREFIX}/sign-in`;

const SignInForm = z.object({ email: z.email().max(254), next: z.string().max(1024).optional() });

/** Where a sign-in without a usable `next` lands. */
export const DEFAULT_NEXT = '/billing';
/** Any origin will do: `next` is resolved against it only to see whether it leaves it. */
const PROBE_ORIGIN = 'http://sign-in.invalid';

/**
 * A path on this origin, or the default: never an open redirect. A browser reads `\` as `/` in
 * http URLs (`/\evil.com` is `//evil.com`, another host) and drops tabs and newlines anywhere in
 * a URL (`/<TAB>/evil.com` is `//evil.com`), so both are refused outright, with every other
 * control character, before the URL parser confirms the path stays on the origin. The value
 * returned is the one checked, not a re-serialisation (which could turn `/..//x` into `//x`).
 * Percent-escapes are left alone: `/%2F%2Fevil.com` is a path on this origin to every browser.
 */
export function safeNext(next: string | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//')) return DEFAULT_NEXT;
  if (/[\\\u0000-\u001f\u007f]/.test(next)) return DEFAULT_NEXT; // a backslash, or a control character
  try {
    return new URL(next, PROBE_ORIGIN).origin === PROBE_ORIGIN ? next : DEFAULT_NEXT;
  } catch {
    return DEFAULT_NEXT;
  }
}

const ServiceTokenQuery = z.object({ email: z.email().max(254) });

/**
 * `service`: the local stand-in for Google's token service. `GET /dev/service-token?email=<service
 * account>` answers a Google-shaped ID token for the app's audience, as a Cloud Run caller's
 * metadata server would (the email must still be listed in SERVICE_ACCOUNTS to be let in).
 */
export function devSignInRouter(dev: DevIap, service: { dev: DevServiceIdentity; audience: string } | null = null): Router {
  const router = Router();
  if (service) {
    router.get('/service-token', async (req, res) => {
      const { email } = parseInput(ServiceTokenQuery, req.query);
      res
        .type('text/plain')
        .set('Cache-Control', 'no-store')
        .send(await service.dev.sign(email, service.audience));
    });
  }
  router.get('/sign-in', (req, res) => {
    const next = safeNext(typeof req.query['next'] === 'string' ? req.query['next'] : undefined);
    res.type('html').send(
      renderDocument(
        'Sign in (local)',
        html`<main class="narrow">
          <h1>Sign in</h1>
          <p class="muted">Local development sign-in: stands in for Identity-Aware Proxy.</p>
          <form method="post" action="${DEV_SIGN_IN_PATH}">
            <input type="hidden" name="next" value="${next}" />
            <label>Email <input type="email" name="email" required autofocus /></label>
            <button type="submit">Sign in</button>
          </form>
        </main>`,
      ),
    );
  });
  router.post('/sign-in', express.urlencoded({ extended: false, limit: '2kb' }), async (req, res) => {
    const form = parseInput(SignInForm, req.body);
    const token = await dev.sign(form.email);
    res.cookie(DEV_IAP_COOKIE, token, { httpOnly: true, sameSite: 'lax', path: '/', maxAge: 10 * 60_000 });
    res.redirect(303, safeNext(form.next));
  });
  router.post('/sign-out', (_req, res) => {
    res.clearCookie(DEV_IAP_COOKIE, { path: '/' });
    res.redirect(303, DEV_SIGN_IN_PATH);
  });
  return router;
}
