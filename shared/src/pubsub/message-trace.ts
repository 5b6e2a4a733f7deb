// A message carries the trace it was published in, so the lines (and spans) of the function that
// applies it join the webhook request that published it: one trace from Stripe's delivery to the
// Firestore write. The attribute is the one the Pub/Sub client's own OpenTelemetry support writes
// and reads, `googclient_traceparent` (a W3C traceparent):
//  - tracing on: the client injects its publish span there (pubsub-client.ts turns it on);
//  - tracing off: we write the publishing scope's trace there ourselves, for the log lines.
// Never both: the client overrides an attribute it finds with a console warning.
import { formatTraceparent, parseTraceparent, type TraceContext } from '../tracing/trace-context.js';
import { currentTrace, runInScope, tracingActive } from '../tracing/trace-scope.js';

export const TRACE_ATTRIBUTE = 'googclient_traceparent';

/**
 * The attributes to publish: any trace attribute dropped (a dead-lettered message keeps its other
 * attributes, not a stale parent), and the current trace added when the client will not add it.
 */
export function withTraceAttribute(attributes: Readonly<Record<string, string>>): Record<string, string> {
  const { [TRACE_ATTRIBUTE]: _stale, ...rest } = attributes;
  if (tracingActive()) return rest;
  const trace = currentTrace();
  const traceparent = trace && formatTraceparent(trace);
  return traceparent ? { ...rest, [TRACE_ATTRIBUTE]: traceparent } : rest;
}

/** The trace a message was published in, when it carries a well-formed one. */
export function publishedTrace(attributes: Readonly<Record<string, string>>): TraceContext | undefined {
  return parseTraceparent(attributes[TRACE_ATTRIBUTE]);
}

export interface PushedMessageScope {
  /** For `logging.googleapis.com/trace`. */
  projectId: string | undefined;
  /** The span's name: what is done with the message. */
  name: string;
  attributes: Readonly<Record<string, string>>;
  messageId?: string | undefined;
  /** The push request's own `traceparent` (functions-framework copies it onto the CloudEvent). */
  pushTraceparent?: string | undefined;
}

/**
 * Runs the handling of a pushed message in its trace scope: the trace it was published in, else
 * the push request's (a Cloud Scheduler tick carries none of its own). With tracing on this is a
 * consumer span, linked to the push request's span when both exist.
 */
export function runForPushedMessage<T>(scope: PushedMessageScope, handle: () => Promise<T>): Promise<T> {
  const published = publishedTrace(scope.attributes);
  const push = parseTraceparent(scope.pushTraceparent);
  const links = published && push ? [push] : [];
  const attributes = { 'messaging.system': 'gcp_pubsub', 'messaging.operation.type': 'process', 'messaging.message.id': scope.messageId };
  return runInScope(scope.projectId, scope.name, { kind: 'consumer', parent: published ?? push, links, attributes }, async (span) => {
    try {
      return await handle();
    } catch (err) {
      span.fail(err);
      throw err;
    } finally {
      span.end();
    }
  });
}
