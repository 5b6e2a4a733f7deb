// Per-request logging for the Express services: each request gets a child logger carrying the
// Cloud Logging trace field (from X-Cloud-Trace-Context or traceparent), so every line a handler
// writes is correlated with the request in Logs Explorer, and one access line per request in the
// `httpRequest` shape Cloud Logging renders. Only the path is logged, never the query string.
import type { Request, RequestHandler, Response } from 'express';
import { traceField, type Logger } from '../logging/logger.js';

export interface RequestLoggingOptions {
  logger: Logger;
  /** Needed to build `logging.googleapis.com/trace`; without it lines carry no trace. */
  projectId?: string | undefined;
  /** Requests that get no access line (health checks); they still get a request logger. */
  skip?: (req: Request) => boolean;
  /**
   * Write one access line per request (default true). The app service turns them off: Cloud Run's
   * own request log already has one per request (method, URL, status, latency, trace), and failures
   * are logged by the error handler; a second line per page view would only double the Cloud
   * Logging bill. The webhook keeps them: its access line is the delivery's outcome record.
   */
  accessLines?: boolean;
}

/** Per request: the logging options, and the child logger handlers asked for (made on first use). */
const requestContexts = new WeakMap<Request, { opts: RequestLoggingOptions; logger?: Logger }>();

/** The Cloud Logging trace field of a request, from its trace headers. */
const traceOf = (req: Request, projectId: string | undefined) => traceField(projectId, { cloudTrace: req.get('x-cloud-trace-context'), traceparent: req.get('traceparent') });
const annotations = new WeakMap<Response, { fields: Record<string, unknown>; message: string }>();

/**
 * Makes the request's access line also the handler's outcome line (its `event` name, ids and
 * message), so a request that succeeds writes one line, not two.
 */
export function annotateAccessLine(res: Response, fields: Record<string, unknown> & { event: string }, message: string): void {
  annotations.set(res, { fields, message });
}

export function requestLogging(opts: RequestLoggingOptions): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    requestContexts.set(req, { opts });
    if (opts.accessLines !== false && !opts.skip?.(req)) {
      // Written at 'finish' (the response handed to the OS), so the line is out before the client
      // can act on the answer, e.g. before a shutdown that follows it; 'close' without 'finish' is
      // a client that went away first.
      let written = false;
      const writeAccessLine = (finished: boolean) => {
        if (written) return;
        written = true;
        const latencyMs = Number(process.hrtime.bigint() - started) / 1e6;
        const status = finished ? res.statusCode : 499; // 499: the client went away first
        const note = annotations.get(res);
        const entry = {
          ...traceOf(req, opts.projectId),
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
        if (status >= 500) opts.logger.warn(entry, 'request failed');
        else opts.logger.info(entry, note?.message ?? 'request');
      };
      res.once('finish', () => writeAccessLine(true));
      res.once('close', () => writeAccessLine(false));
    }
    next();
  };
}

/**
 * The request's logger (a child carrying its trace field, made on first use: most requests never
 * log anything but their access line), or `fallback` outside `requestLogging`.
 */
export function requestLogger(req: Request, fallback: Logger): Logger {
  const context = requestContexts.get(req);
  if (!context) return fallback;
  context.logger ??= context.opts.logger.child(traceOf(req, context.opts.projectId));
  return context.logger;
}
