// With tracing on, one Stripe delivery is one trace in Cloud Trace: the webhook's server span, the
// Pub/Sub client's publish span, the applier's consumer span and Firestore's spans under it, all
// children of the trace Cloud Run put on the webhook request. Spans go to an in-memory exporter.
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Tracing } from '@billing/shared/tracing/start-tracing.js';
import { startTracingSdk } from '@billing/shared/tracing/tracing-sdk.js';
import { startTracedPipeline, type TracedPipeline } from './traced-pipeline.js';

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let pipeline: TracedPipeline;
beforeAll(async () => {
  // Before the clients, as the composition roots do.
  tracing = await startTracingSdk({ service: 'tracing-pipeline-test', exporter });
  pipeline = await startTracedPipeline('trace-on', tracing);
});
afterAll(async () => {
  await pipeline?.close();
  await tracing?.shutdown();
});

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe('a delivery with tracing on', () => {
  it('is one trace from the webhook request to the Firestore transaction, and the lines name its spans', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpan = '00f067aa0ba902b7';
    const { eventId, status } = await pipeline.deliver({ traceparent: `00-${traceId}-${callerSpan}-01` });
    expect(status).toBe(200);
    const applied = await pipeline.applierLine((l) => l['event'] === 'stripe_event.applied' && l['eventId'] === eventId);
    // The line is written inside the consumer span, which ends only when the handler returns: wait
    // for the spans to finish instead of reading the exporter the moment the line appears.
    const { spans, server, publish, consumer } = await vi.waitFor(
      async () => {
        await tracing.flush();
        const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
        const found = {
          spans,
          server: spans.find((s) => s.kind === SpanKind.SERVER),
          publish: spans.find((s) => s.kind === SpanKind.PRODUCER),
          consumer: spans.find((s) => s.kind === SpanKind.CONSUMER && s.name === 'stripe-events process'),
        };
        if (!found.server || !found.publish || !found.consumer)
          throw new Error(`spans not finished yet: ${spans.map((s) => s.name).join(', ')}`);
        return found;
      },
      { timeout: 10_000, interval: 50 },
    );
    expect(server?.name).toBe('POST /stripe/webhook');
    expect(parentOf(server!)).toBe(callerSpan);
    expect(publish?.name).toBe('stripe-events create');
    expect(parentOf(publish!)).toBe(server!.spanContext().spanId);
    expect(parentOf(consumer!)).toBe(publish!.spanContext().spanId);
    // Firestore's own spans (the applier's transaction) hang under the consumer span.
    const firestore = spans.filter((s) => s.instrumentationScope.name.includes('firestore'));
    expect(firestore.length).toBeGreaterThan(0);
    expect(firestore.some((s) => parentOf(s) === consumer!.spanContext().spanId)).toBe(true);

    // The applier's line names the consumer span it was written in; the webhook's access line its server span.
    expect(applied).toMatchObject({
      'logging.googleapis.com/trace': `projects/${pipeline.projectId}/traces/${traceId}`,
      'logging.googleapis.com/spanId': consumer!.spanContext().spanId,
    });
    const access = pipeline.lines.webhook.find((l) => l['event'] === 'webhook.event_published' && l['eventId'] === eventId);
    expect(access?.['logging.googleapis.com/spanId']).toBe(server!.spanContext().spanId);
  });
});
