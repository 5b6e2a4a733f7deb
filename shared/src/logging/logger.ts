// Structured JSON logs in the shape Cloud Logging parses: one line per entry with `severity`,
// `message`, a stable `event` name and ids in fields. Libraries take a Logger; only composition
// roots create one.
//
// Two things every line gets without its caller doing anything:
//  - the trace of the request or event it belongs to (`logging.googleapis.com/trace`, `spanId`,
//    `trace_sampled`), read from the trace scope (tracing/trace-scope.ts), so a line written deep
//    in a use case with the logger it was handed is correlated like a handler's;
//  - at ERROR and above, what Error Reporting needs to pick the line up: `serviceContext` (the
//    service, and the running revision as its version, so Error Reporting tells which deploy an
//    error was first and last seen in), and the error's stack in `stack_trace`, or, for an error
//    line without an Error, the ReportedErrorEvent `@type` with the line's event name as its location.
//    https://cloud.google.com/error-reporting/docs/formatting-error-messages
//
// Hand-written rather than @google-cloud/pino-logging-gcp-config, which writes the same fields but
// loads @google-cloud/logging (and google-gax) into every deployable, and reads the trace only
// from an OpenTelemetry span, so lines would lose it whenever tracing is off.
import { pino, type Logger as PinoLogger } from 'pino';
import { traceLogFields } from '../tracing/trace-context.js';
import { currentProjectId, currentTrace } from '../tracing/trace-scope.js';

export type Logger = PinoLogger;

const SEVERITY: Record<string, string> = {
  trace: 'DEBUG',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARNING',
  error: 'ERROR',
  fatal: 'CRITICAL',
};

/** pino's number for `error`: lines at or above it are errors for Error Reporting. */
const ERROR_LEVEL = 50;
export const REPORTED_ERROR_EVENT_TYPE = 'type.googleapis.com/google.devtools.clouderrorreporting.v1beta1.ReportedErrorEvent';

export interface LoggerOptions {
  service: string;
  /** `serviceContext.version` of error lines: the running revision (each deployable's config parses K_REVISION); none locally. */
  version?: string | undefined;
  level?: string;
  /** A writable stream (tests capture logs through it); stdout by default. */
  destination?: NodeJS.WritableStream;
}

interface ServiceContext {
  service: string;
  version?: string;
}

/** The Error Reporting fields of an error line, from what the caller logged. */
function errorReportingFields(serviceContext: ServiceContext, logged: Record<string, unknown>): Record<string, unknown> {
  const { err } = logged;
  if (err instanceof Error && err.stack) return { serviceContext, stack_trace: err.stack };
  const event = typeof logged['event'] === 'string' ? logged['event'] : 'unknown';
  return { '@type': REPORTED_ERROR_EVENT_TYPE, serviceContext, context: { reportLocation: { functionName: event } } };
}

export function createLogger(opts: LoggerOptions): Logger {
  const { version } = opts;
  const serviceContext: ServiceContext = version === undefined ? { service: opts.service } : { service: opts.service, version };
  const options: pino.LoggerOptions = {
    level: opts.level ?? 'info',
    messageKey: 'message',
    base: { service: opts.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label: string) => ({ severity: SEVERITY[label] ?? 'DEFAULT' }),
    },
    mixin: (logged: object, level: number) => {
      const trace = traceLogFields(currentProjectId(), currentTrace());
      return level >= ERROR_LEVEL ? { ...trace, ...errorReportingFields(serviceContext, logged as Record<string, unknown>) } : trace;
    },
    // Defence in depth: these must never reach a log line even if someone logs a whole object.
    redact: {
      paths: [
        'url',
        '*.url',
        'secret',
        '*.secret',
        'apiKey',
        '*.apiKey',
        'authorization',
        '*.authorization',
        'headers.authorization',
        'headers["stripe-signature"]',
        'headers["x-goog-iap-jwt-assertion"]',
      ],
      censor: '[redacted]',
    },
  };
  // stdout written synchronously, as console.log writes it: a line is out before the next statement
  // (a CLI's result printed after its progress lines stays after them; a CRITICAL line before
  // process.exit is not lost). pino's own default buffers and writes later.
  return pino(options, opts.destination ? (opts.destination as pino.DestinationStream) : pino.destination({ dest: 1, sync: true }));
}

/** A logger that drops everything: for unit tests of pure logic that take a Logger. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
