// The OpenTelemetry SDK, loaded only when tracing is on (start-tracing.ts imports this module
// dynamically): tracing off costs no module load at start-up. What it records:
//  - one span per request or event, started by runInScope (request-logging.ts, the functions'
//    handlers), child of the caller's trace from `traceparent` or a Pub/Sub attribute;
//  - the Pub/Sub client's own publish spans, which it propagates in `googclient_traceparent`
//    (pubsub-client.ts turns its support on when tracingActive());
//  - Firestore's spans (transactions, commits, reads): the client uses the global tracer provider
//    registered here, https://cloud.google.com/firestore/docs/instrument-with-opentelemetry;
//  - a client span per outgoing node:http(s) request made inside a span, which is how the Stripe
//    SDK calls Stripe. They come from Node's own diagnostics channels rather than a patched `https`
//    module, so they work in the esbuild bundles too.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import {
  context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type Link,
  type Span,
  type SpanContext,
  type Tracer,
} from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  NodeTracerProvider,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-node';
import type { TraceContext } from './trace-context.js';
import {
  installSpanStarter,
  type ScopeSpan,
  type SpanAttributes,
  type SpanKind as ScopeSpanKind,
  type SpanStarter,
} from './trace-scope.js';
import type { Tracing } from './tracing-handle.js';

export interface TracingSdkOptions {
  /** `service.name` of every span. */
  service: string;
  /** Where spans go: Cloud Trace, the console (one object per span), or an exporter of the caller (tests, bench). */
  exporter: 'console' | 'cloud-trace' | SpanExporter;
  /** The project Cloud Trace writes to. */
  projectId?: string | undefined;
}

const KIND: Record<ScopeSpanKind, SpanKind> = {
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
  internal: SpanKind.INTERNAL,
};

/** A trace from a header or an attribute as OpenTelemetry's remote span context, when it can be one. */
function remoteSpanContext(trace: TraceContext): SpanContext | undefined {
  if (trace.spanId === undefined) return undefined;
  const spanContext = {
    traceId: trace.traceId,
    spanId: trace.spanId,
    traceFlags: trace.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: true,
  };
  return isSpanContextValid(spanContext) ? spanContext : undefined;
}

function traceOf(spanContext: SpanContext): TraceContext {
  return { traceId: spanContext.traceId, spanId: spanContext.spanId, sampled: (spanContext.traceFlags & TraceFlags.SAMPLED) !== 0 };
}

function attributesOf(attributes: SpanAttributes | undefined): Attributes {
  const defined: Attributes = {};
  for (const [key, value] of Object.entries(attributes ?? {})) if (value !== undefined) defined[key] = value;
  return defined;
}

function scopeSpan(span: Span): ScopeSpan {
  return {
    setAttributes: (attributes) => span.setAttributes(attributesOf(attributes)),
    updateName: (name) => span.updateName(name),
    fail: (err) => {
      if (err instanceof Error) span.recordException(err);
      span.setStatus({ code: SpanStatusCode.ERROR, ...(err instanceof Error ? { message: err.message } : {}) });
    },
    end: () => span.end(),
  };
}

function spanStarter(tracer: Tracer): SpanStarter {
  return {
    start(name, options) {
      const remote = options.parent && remoteSpanContext(options.parent);
      // A parent that cannot be an OpenTelemetry one (no span id) starts a new trace rather than
      // joining whatever span happens to be active.
      const parent = remote ? trace.setSpanContext(ROOT_CONTEXT, remote) : options.parent ? ROOT_CONTEXT : context.active();
      const links: Link[] = (options.links ?? []).flatMap((link) => {
        const linked = remoteSpanContext(link);
        return linked ? [{ context: linked }] : [];
      });
      const span = tracer.startSpan(name, { kind: KIND[options.kind], attributes: attributesOf(options.attributes), links }, parent);
      const active = trace.setSpan(parent, span);
      return { span: scopeSpan(span), trace: traceOf(span.spanContext()), run: (fn) => context.with(active, fn) };
    },
    active() {
      const spanContext = trace.getActiveSpan()?.spanContext();
      return spanContext && isSpanContextValid(spanContext) ? traceOf(spanContext) : undefined;
    },
  };
}

/** Client spans for outgoing node:http(s) requests made inside a span (the Stripe SDK's calls). */
function traceOutgoingRequests(tracer: Tracer): () => void {
  const spans = new WeakMap<ClientRequest, Span>();
  const onCreated = (message: unknown) => {
    // Outside any span (start-up, metadata lookups) a request is not part of a request's story.
    if (!trace.getActiveSpan()) return;
    const { request } = message as { request: ClientRequest };
    const path = request.path.split('?')[0] ?? '';
    spans.set(
      request,
      tracer.startSpan(`${request.method} ${request.host}`, {
        kind: SpanKind.CLIENT,
        attributes: { 'http.request.method': request.method, 'server.address': request.host, 'url.path': path },
      }),
    );
  };
  const onFinished = (message: unknown) => {
    const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
    const span = spans.get(request);
    if (!span) return;
    const status = response.statusCode ?? 0;
    span.setAttribute('http.response.status_code', status);
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
    spans.delete(request);
  };
  const onError = (message: unknown) => {
    const { request, error } = message as { request: ClientRequest; error: Error };
    const span = spans.get(request);
    if (!span) return;
    span.recordException(error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    span.end();
    spans.delete(request);
  };
  const channels = [
    ['http.client.request.created', onCreated],
    ['http.client.response.finish', onFinished],
    ['http.client.request.error', onError],
  ] as const;
  for (const [name, listener] of channels) subscribe(name, listener);
  return () => {
    for (const [name, listener] of channels) unsubscribe(name, listener);
  };
}

async function exporterOf(options: TracingSdkOptions): Promise<SpanExporter> {
  if (options.exporter === 'console') return new ConsoleSpanExporter();
  if (options.exporter !== 'cloud-trace') return options.exporter;
  const { TraceExporter } = await import('@google-cloud/opentelemetry-cloud-trace-exporter');
  return new TraceExporter(options.projectId === undefined ? {} : { projectId: options.projectId });
}

/** Registers the global tracer provider (Firestore and Pub/Sub use it) and the span starter. */
export async function startTracingSdk(options: TracingSdkOptions): Promise<Tracing> {
  const exporter = await exporterOf(options);
  // Batches leave in the background; the console and test exporters show each span as it ends.
  const processor = options.exporter === 'cloud-trace' ? new BatchSpanProcessor(exporter) : new SimpleSpanProcessor(exporter);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.service }),
    spanProcessors: [processor],
  });
  // The default sampler follows the caller's decision (Cloud Run samples the requests it fronts)
  // and samples new traces; the context manager is AsyncLocalStorage, the propagator W3C.
  provider.register();
  const tracer = provider.getTracer('@billing/shared');
  installSpanStarter(spanStarter(tracer));
  const stopOutgoing = traceOutgoingRequests(tracer);
  return {
    // Spans are best effort: an export that fails must never fail (and redeliver) the work itself.
    flush: () => provider.forceFlush().catch(() => undefined),
    async shutdown() {
      stopOutgoing();
      installSpanStarter(undefined);
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
