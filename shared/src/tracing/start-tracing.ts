// Tracing is a per-deployable choice read from one config key, TRACING (each config.ts declares it
// with the schema below). `off`, the default, loads nothing: the SDK module is imported only when
// tracing is on, so the cold start the other settings are measured with is unchanged.
import { z } from 'zod';
import { tracingOff, type Tracing } from './tracing-handle.js';

export type { Tracing } from './tracing-handle.js';

export const TRACING_MODES = ['off', 'console', 'cloud-trace'] as const;
/** TRACING: `off` (default), `console` (spans printed to stdout, local debugging), `cloud-trace` (production). */
export const TracingMode = z.enum(TRACING_MODES);
export type TracingMode = z.infer<typeof TracingMode>;

export interface StartTracingOptions {
  mode: TracingMode;
  /** `service.name` on the spans, as on the log lines. */
  service: string;
  projectId: string;
}

/** The process's tracing once started: the tracer provider it registers is global. */
let started: Promise<Tracing> | undefined;

/**
 * Starts tracing when `mode` asks for it, before the Pub/Sub and Firestore clients are built.
 * Once per process: a later call (the functions deployable registers two functions) gets the first.
 */
export function startTracing(options: StartTracingOptions): Promise<Tracing> {
  const { mode, service, projectId } = options;
  if (mode === 'off') return Promise.resolve(tracingOff);
  started ??= import('./tracing-sdk.js').then(({ startTracingSdk }) => startTracingSdk({ service, exporter: mode, projectId }));
  return started;
}
