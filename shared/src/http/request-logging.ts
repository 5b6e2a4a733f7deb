// Per-request logging and tracing for the Express services. Each request runs in a trace scope
// (tracing/trace-scope.ts) opened from its `traceparent` or `X-Cloud-Trace-Context` header, so every
// line written while it is handled, by a handler or by a use case deep in shared/src, carries the
// request's trace in Logs Explorer; with tracing on the scope is the request's server span. And one
// access line per request in the `httpRequest` shape Cloud Logging renders. Only the path is
// logged, never the query string.
import { AsyncResource } from 'node:async_hooks';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from '../logging/logger.js';
import { traceFromHeaders } from '../tracing/trace-context.js';
import { runInScope, tracingActive } from '../tracing/trace-scope.js';

export interface RequestLoggingOptions {
  logger: Logger;
  /** Needed to build `logging.googleapis.com/trace`; without it lines carry no trace. */
  projectId?: string | undefined;
  /** Requests that get no access line, no trace scope and no span (health checks). */
  skip?: (req: Request) => boolean;
  /**
   * Write one access line per request (default true). The app service turns them off: Cloud Run's
   * own request log already has one per request (method, URL, status, latency, trace), and failures
   * are logged by the error handler; a second line per page view would only double the Cloud
   * Logging bill. The webhook keeps them: its access line is the delivery's outcome record.
   */
  accessLines?: boolean;
}

/** Per request: the logger requestLogging was given. */
const requestLoggers = new WeakMap<Request, Logger>();
const annotations = new WeakMap<Response, { fields: Record<string, unknown>; message: string }>();

/**
 * Makes the request's access line also the handler's outcome line (its `event` name, ids and
 * message), so a request that succeeds writes one line, not two.
 */
export function annotateAccessLine(res: Response, fields: Record<string, unknown> & { event: string }, message: string): void {
  annotations.set(res, { fields, message });
}

/** The route a request matched (`/api/invoices/:id/pdf`), which names its span without the ids. */
function routeOf(req: Request): string | undefined {
  const path: unknown = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? `${req.baseUrl}${path}` : undefined;
}

export function requestLogging(opts: RequestLoggingOptions): RequestHandler {
  return (req, res, next) => {
    if (opts.skip?.(req)) {
      next();
      return;
    }
    const parent = traceFromHeaders({ traceparent: req.get('traceparent'), cloudTrace: req.get('x-cloud-trace-context') });
    runInScope(
      opts.projectId,
      req.method,
      { kind: 'server', parent, attributes: { 'http.request.method': req.method, 'url.path': req.path } },
      (span) => {
        requestLoggers.set(req, opts.logger);
        // Nothing to do at the end without an access line or a span to end (the app with tracing off):
        // no listeners, no bound resource on every request.
        if (opts.accessLines === false && !tracingActive()) {
          next();
          return;
        }
        const started = process.hrtime.bigint();
        // Written at 'finish' (the response handed to the OS), so the line is out before the client
        // can act on the answer, e.g. before a shutdown that follows it; 'close' without 'finish' is
        // a client that went away first. Bound to the request's scope: those events arrive from the
        // socket, outside it.
        let ended = false;
        const end = AsyncResource.bind((finished: boolean) => {
          if (ended) return;
          ended = true;
          const status = finished ? res.statusCode : 499; // 499: the client went away first
          const route = routeOf(req);
          span.setAttributes({ 'http.response.status_code': status, 'http.route': route });
          if (route) span.updateName(`${req.method} ${route}`);
          if (status >= 500) span.fail(undefined);
          if (opts.accessLines !== false) writeAccessLine(opts.logger, req, res, status, Number(process.hrtime.bigint() - started) / 1e6);
          span.end();
        });
        res.once('finish', () => end(true));
        res.once('close', () => end(false));
        next();
      },
    );
  };
}

function writeAccessLine(logger: Logger, req: Request, res: Response, status: number, latencyMs: number): void {
  const note = annotations.get(res);
  const entry = {
    event: 'http.request',
    ...note?.fields,
    httpRequest: {
      requestMethod: req.method,
      requestUrl: req.originalUrl.split('?')[0],
      status,
      latency: `${(latencyMs / 1000).toFixed(3)}s`,
      userAgent: req.get('user-agent'),
      remoteIp: req.ip,
    },
  };
  if (status >= 500) logger.warn(entry, 'request failed');
  else logger.info(entry, note?.message ?? 'request');
}

/**
 * The logger for a request's lines: the one requestLogging was given, or `fallback` outside it.
 * Any logger works inside a request (the trace comes from its scope); this one keeps a handler's
 * lines with its service's access lines.
 */
export function requestLogger(req: Request, fallback: Logger): Logger {
  return requestLoggers.get(req) ?? fallback;
}
