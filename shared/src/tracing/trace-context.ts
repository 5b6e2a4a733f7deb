// The trace a request or an event belongs to, parsed from what the platform sends, and the three
// LogEntry fields through which Cloud Logging ties a line to it in Logs Explorer and Cloud Trace:
// https://cloud.google.com/logging/docs/structured-logging#special-payload-fields
// Header values come from clients: anything that is not well formed is ignored (no trace), so a
// forged header can never put arbitrary text into a log field.

export interface TraceContext {
  /** 32 lowercase hex digits (shorter only when an X-Cloud-Trace-Context sender made it so). */
  readonly traceId: string;
  /** The caller's span, 16 lowercase hex digits (the format Cloud Trace's v2 API and `spanId` use). */
  readonly spanId?: string;
  /** The caller sampled this trace (W3C flag 01, or `o=1`). */
  readonly sampled: boolean;
}

export const TRACE_FIELD = 'logging.googleapis.com/trace';
export const SPAN_ID_FIELD = 'logging.googleapis.com/spanId';
export const TRACE_SAMPLED_FIELD = 'logging.googleapis.com/trace_sampled';

// https://www.w3.org/TR/trace-context/#traceparent-header-field-values: version 00 has exactly
// four fields; a later version may append fields, which a version-00 reader ignores.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ALL_ZEROS = /^0+$/;

/** W3C `traceparent: 00-<trace id>-<parent span id>-<flags>`, or undefined when malformed. */
export function parseTraceparent(header: string | undefined): TraceContext | undefined {
  const match = header === undefined ? null : TRACEPARENT.exec(header.trim());
  if (!match) return undefined;
  const [, version = '', traceId = '', spanId = '', flags = '', rest] = match;
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (ALL_ZEROS.test(traceId) || ALL_ZEROS.test(spanId)) return undefined;
  return { traceId, spanId, sampled: (Number.parseInt(flags, 16) & 1) === 1 };
}

// `TRACE_ID/SPAN_ID;o=OPTIONS`, the span id in decimal. Cloud Run sends 32 hex digits; shorter hex
// ids are accepted as they are (test clients and older proxies send them) rather than padded,
// since padding would name a different trace than the sender's.
const CLOUD_TRACE_CONTEXT = /^([0-9a-fA-F]{1,32})(?:\/(\d{1,20}))?(?:;o=(\d+))?$/;
const MAX_SPAN_ID = 2n ** 64n - 1n;

/** `X-Cloud-Trace-Context`, its decimal span id turned into the 16 hex digits `spanId` expects. */
export function parseCloudTraceContext(header: string | undefined): TraceContext | undefined {
  const match = header === undefined ? null : CLOUD_TRACE_CONTEXT.exec(header.trim());
  if (!match) return undefined;
  const [, traceId = '', decimalSpan, options] = match;
  if (ALL_ZEROS.test(traceId)) return undefined;
  const sampled = options !== undefined && (Number.parseInt(options, 10) & 1) === 1;
  const span = decimalSpan === undefined ? 0n : BigInt(decimalSpan);
  if (span === 0n || span > MAX_SPAN_ID) return { traceId: traceId.toLowerCase(), sampled };
  return { traceId: traceId.toLowerCase(), spanId: span.toString(16).padStart(16, '0'), sampled };
}

/**
 * A request's trace. `traceparent` first: it is the standard (OpenTelemetry reads it), and Cloud
 * Run sends both headers for the same trace; X-Cloud-Trace-Context when it is the only one.
 */
export function traceFromHeaders(headers: { traceparent?: string | undefined; cloudTrace?: string | undefined }): TraceContext | undefined {
  return parseTraceparent(headers.traceparent) ?? parseCloudTraceContext(headers.cloudTrace);
}

/** The Cloud Logging fields for a trace; none at all (not empty strings) without one. */
export function traceLogFields(projectId: string | undefined, trace: TraceContext | undefined): Record<string, string | boolean> {
  if (!trace || !projectId) return {};
  const fields: Record<string, string | boolean> = { [TRACE_FIELD]: `projects/${projectId}/traces/${trace.traceId}` };
  if (trace.spanId !== undefined) fields[SPAN_ID_FIELD] = trace.spanId;
  fields[TRACE_SAMPLED_FIELD] = trace.sampled;
  return fields;
}

/** The trace as a W3C `traceparent` value, to hand it on (a message attribute, an outgoing call). */
export function formatTraceparent(trace: TraceContext): string | undefined {
  // Only a full 32-digit id with a span can be written in the W3C form.
  if (trace.traceId.length !== 32 || trace.spanId === undefined) return undefined;
  return `00-${trace.traceId}-${trace.spanId}-${trace.sampled ? '01' : '00'}`;
}
