import type { RequestHandler } from 'express';

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'";

/**
 * A year, without includeSubDomains or preload: the app cannot know that every other host under
 * its domain serves https, and preload is a decision for the domain's owner, not for one service.
 */
const HSTS = 'max-age=31536000';

/**
 * Pages load only our own script and stylesheet; nothing may frame them. `hsts`: the public base
 * URL is https (behind the load balancer). The app itself receives plain http from the load
 * balancer, so the configured public URL, not the request, decides; a local http run sends no
 * HSTS, which would otherwise pin localhost to https in the developer's browser.
 */
export function securityHeaders(opts: { hsts: boolean }): RequestHandler {
  return (_req, res, next) => {
    res.setHeader('Content-Security-Policy', CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'same-origin');
    if (opts.hsts) res.setHeader('Strict-Transport-Security', HSTS);
    next();
  };
}

/**
 * For every JSON API response (/api, /v1), errors included: they are per user (billing state,
 * invoices, keys, usage), so no browser or shared cache may keep one for the next user of the
 * machine or of a proxy. A route may still set its own (the same) value.
 */
export function noStore(): RequestHandler {
  return (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  };
}
