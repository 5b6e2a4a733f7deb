// The trace a piece of work belongs to, carried through AsyncLocalStorage: a request or an event
// enters a scope once (request-logging.ts, the functions' handlers) and every log line written
// inside it, however deep in shared/src and after however many awaits, reads the trace from here
// (logger.ts) instead of from a child logger handed down. This is what functions-framework does
// for its execution id (https://github.com/GoogleCloudPlatform/functions-framework-nodejs,
// src/async_local_storage.ts).
//
// With tracing off (the default) a scope is just the caller's trace, parsed from a header or a
// message attribute. With tracing on, tracing-sdk.ts installs a SpanStarter: each scope is then a
// real OpenTelemetry span, child of the caller's, and lines carry the ids of the active span. This
// module never imports OpenTelemetry, so tracing off loads none of it.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { TraceContext } from './trace-context.js';

export const SPAN_KINDS = ['server', 'client', 'producer', 'consumer', 'internal'] as const;
export type SpanKind = (typeof SPAN_KINDS)[number];
export type SpanAttributes = Record<string, string | number | boolean | undefined>;

export interface SpanOptions {
  kind: SpanKind;
  /** The caller's trace (a header, a message attribute); without one the span is a child of the active span, or a new trace. */
  parent?: TraceContext | undefined;
  /** Other traces this work follows from, e.g. the push request that delivered a message. */
  links?: readonly TraceContext[];
  attributes?: SpanAttributes;
}

/** A span in progress, as the code that started it sees it. */
export interface ScopeSpan {
  setAttributes(attributes: SpanAttributes): void;
  /** Names the span once more is known (a request's route is known only after routing). */
  updateName(name: string): void;
  /** Marks the span failed (an unexpected error, a 5xx). */
  fail(err: unknown): void;
  end(): void;
}

/** What tracing-sdk.ts installs when tracing is on. */
export interface SpanStarter {
  /** Starts a span and returns it with a runner that makes it the active span for `fn`. */
  start(name: string, options: SpanOptions): { span: ScopeSpan; trace: TraceContext; run: <T>(fn: () => T) => T };
  /** The active span's trace, when there is one. */
  active(): TraceContext | undefined;
}

interface Scope {
  /** Needed to write `projects/P/traces/T`; a scope without it gives lines no trace fields. */
  readonly projectId: string | undefined;
  readonly trace: TraceContext | undefined;
}

const storage = new AsyncLocalStorage<Scope>();
let starter: SpanStarter | undefined;

/** Installed once by tracing-sdk.ts when tracing is on; undefined uninstalls it (tests). */
export function installSpanStarter(next: SpanStarter | undefined): void {
  starter = next;
}

/** Whether spans are being recorded (the Pub/Sub adapter then lets its client propagate them). */
export function tracingActive(): boolean {
  return starter !== undefined;
}

const noSpan: ScopeSpan = { setAttributes: () => undefined, updateName: () => undefined, fail: () => undefined, end: () => undefined };

/**
 * Runs `fn` as the work of one request or event: every line it logs carries the trace, and with
 * tracing on it runs in a new span `name`, child of `options.parent`. `fn` must end the span
 * (requests end at the response, not when the handler returns).
 */
export function runInScope<T>(projectId: string | undefined, name: string, options: SpanOptions, fn: (span: ScopeSpan) => T): T {
  if (!starter) return storage.run({ projectId, trace: options.parent }, () => fn(noSpan));
  const { span, trace, run } = starter.start(name, options);
  return storage.run({ projectId, trace }, () => run(() => fn(span)));
}

/** The trace of the work in progress: the active span's with tracing on, else the scope's. */
export function currentTrace(): TraceContext | undefined {
  return starter?.active() ?? storage.getStore()?.trace;
}

/** The project the current scope's trace belongs to. */
export function currentProjectId(): string | undefined {
  return storage.getStore()?.projectId;
}
