// Dev mode only (DEV_IAP=true): a page that signs a local IAP-shaped assertion for an email and
// puts it in the `__dev_iap` cookie, because a browser cannot set the IAP header itself.
import express, { Router } from 'express';
import { z } from 'zod';
import { DEV_IAP_COOKIE, type DevIap } from './dev-iap.js';
import { html, renderDocument } from '../pages/html.js';
import { parseInput } from '../http/parse-input.js';

/** Where app.ts mounts this router; its own paths are relative to it. */
export const DEV_PREFIX = '/dev';
export const DEV_SIGN_IN_PATH = `${DEV_PREFIX}/sign-in`;

const SignInForm = z.object({ email: z.email().max(254), next: z.string().optional() });

/** Only same-site paths: never an open redirect. */
function safeNext(next: string | undefined): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/billing';
}

export function devSignInRouter(dev: DevIap): Router {
  const router = Router();
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
