// Structured JSON logs in the shape Cloud Logging parses: one line per entry with `severity`,
// `message`, a stable `event` name, ids in fields, and `logging.googleapis.com/trace` when known.
// Libraries take a Logger; only composition roots create one.
import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

const SEVERITY: Record<string, string> = {
  trace: 'DEBUG',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARNING',
  error: 'ERROR',
  fatal: 'CRITICAL',
};

export interface LoggerOptions {
  service: string;
  level?: string;
  /** A writable stream (tests capture logs through it); stdout by default. */
  destination?: NodeJS.WritableStream;
}

export function createLogger(opts: LoggerOptions): Logger {
  const options = {
    level: opts.level ?? 'info',
    messageKey: 'message',
    base: { service: opts.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label: string) => ({ severity: SEVERITY[label] ?? 'DEFAULT' }),
    },
    // Defence in depth: these must never reach a log line even if someone logs a whole object.
    redact: {
      paths: ['url', '*.url', 'secret', '*.secret', 'apiKey', '*.apiKey', 'authorization', '*.authorization', 'headers.authorization', 'headers["stripe-signature"]', 'headers["x-goog-iap-jwt-assertion"]'],
      censor: '[redacted]',
    },
  };
  return opts.destination ? pino(options, opts.destination as pino.DestinationStream) : pino(options);
}

/** A logger that drops everything: for unit tests of pure logic that take a Logger. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/**
 * Cloud Logging correlates entries with a request through this field. Accepts
 * `X-Cloud-Trace-Context: TRACE_ID/SPAN;o=1` or W3C `traceparent: 00-TRACE_ID-SPAN-01`.
 */
export function traceField(
  projectId: string | undefined,
  headers: { cloudTrace?: string | undefined; traceparent?: string | undefined },
): Record<string, string> {
  const fromCloud = headers.cloudTrace?.split('/')[0];
  const fromW3c = headers.traceparent?.split('-')[1];
  const traceId = fromCloud || fromW3c;
  if (!traceId || !projectId) return {};
  return { 'logging.googleapis.com/trace': `projects/${projectId}/traces/${traceId}` };
}
