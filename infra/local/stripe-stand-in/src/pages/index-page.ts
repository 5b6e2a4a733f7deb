// `GET /`: what this server is, for a developer who opens it in a browser (HTML) or curls it
// (JSON): the API base to set as STRIPE_API_BASE, the /_stand-in control endpoints (read from
// the control router itself, so the list cannot go stale) and the hosted pages.
import { Router } from 'express';
import type { BillingContext } from '../billing/billing-context.js';
import { escapeHtml, htmlPage } from './html-page.js';

export interface RouteInfo {
  method: string;
  path: string;
}

/** The routes a router registers, as `GET /_stand-in/clock`. */
export function routesOf(router: Router): RouteInfo[] {
  return router.stack.flatMap((layer) => {
    const route = layer.route;
    if (!route) return [];
    const methods = [...new Set(route.stack.map((l) => l.method.toUpperCase()))];
    return methods.map((method) => ({ method, path: route.path }));
  });
}

const HOSTED_PAGES: readonly (RouteInfo & { what: string })[] = [
  { method: 'GET', path: '/_stand-in/checkout/:id', what: 'Checkout Session page (Checkout Session url)' },
  { method: 'GET', path: '/_stand-in/portal/:id', what: 'Customer Portal page (portal session url)' },
  { method: 'GET', path: '/_stand-in/invoices/:id', what: 'hosted_invoice_url' },
  { method: 'GET', path: '/_stand-in/invoices/:id.pdf', what: 'invoice_pdf' },
];

export function indexPage(ctx: BillingContext, controlEndpoints: readonly RouteInfo[]): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    const apiBase = ctx.publicUrl();
    const index = {
      name: 'Stripe stand-in',
      description: 'Local test double of the Stripe API for this product; not Stripe. Any sk_test_ key is accepted.',
      apiBase,
      env: { STRIPE_API_BASE: apiBase },
      api: `${apiBase}/v1`,
      control: controlEndpoints.map((r) => `${r.method} ${r.path}`),
      pages: HOSTED_PAGES.map((p) => `${p.method} ${p.path}`),
    };
    // JSON first: `*/*` (curl, fetch) gets JSON; a browser asks for text/html explicitly.
    res.format({
      json: () => res.json(index),
      html: () => {
        const list = (items: readonly string[]) => `<ul>${items.map((i) => `<li><code>${escapeHtml(i)}</code></li>`).join('')}</ul>`;
        res.send(
          htmlPage(
            index.name,
            `<h1>${escapeHtml(index.name)}</h1><p>${escapeHtml(index.description)}</p>
<p>API base: <code id="api-base">${escapeHtml(apiBase)}</code> (set <code>STRIPE_API_BASE=${escapeHtml(apiBase)}</code>)</p>
<h2>Control endpoints</h2>${list(index.control)}
<h2>Hosted pages</h2><ul>${HOSTED_PAGES.map((p) => `<li><code>${escapeHtml(`${p.method} ${p.path}`)}</code>: ${escapeHtml(p.what)}</li>`).join('')}</ul>`,
          ),
        );
      },
      default: () => res.json(index),
    });
  });
  return router;
}
