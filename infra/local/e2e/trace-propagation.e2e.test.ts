// With tracing off (the default), a Stripe delivery's trace still follows it through Pub/Sub: the
// webhook request's trace (from the header Cloud Run puts on it) rides in the message's
// `googclient_traceparent` attribute, and the applier's lines, down to the use case's own
// `stripe_event.applied`, carry it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTracedPipeline, type TracedPipeline } from './traced-pipeline.js';

let pipeline: TracedPipeline;
beforeAll(async () => {
  pipeline = await startTracedPipeline('trace-off');
});
afterAll(async () => {
  await pipeline?.close();
});

const TRACE = 'logging.googleapis.com/trace';
const SPAN = 'logging.googleapis.com/spanId';

describe('a delivery with tracing off', () => {
  it("gives the applier's lines the trace of the webhook request that published the event", async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const { eventId, status } = await pipeline.deliver({ traceparent: `00-${traceId}-b7ad6b7169203331-01` });
    expect(status).toBe(200);
    const expected = `projects/${pipeline.projectId}/traces/${traceId}`;

    const applied = await pipeline.applierLine((l) => l['event'] === 'stripe_event.applied' && l['eventId'] === eventId);
    expect(applied).toMatchObject({ [TRACE]: expected, [SPAN]: 'b7ad6b7169203331', 'logging.googleapis.com/trace_sampled': true });
    const webhookLines = pipeline.lines.webhook.filter((l) => l[TRACE] === expected);
    expect(webhookLines.map((l) => l['event'])).toEqual(['webhook.event_published']); // the access line, annotated
  });

  it('keeps two concurrent deliveries in their own traces', async () => {
    const traces = ['1'.repeat(32), '2'.repeat(32)];
    const delivered = await Promise.all(traces.map((t) => pipeline.deliver({ 'x-cloud-trace-context': `${t}/123;o=1` })));
    for (const [i, { eventId }] of delivered.entries()) {
      const applied = await pipeline.applierLine((l) => l['event'] === 'stripe_event.applied' && l['eventId'] === eventId);
      expect(applied[TRACE]).toBe(`projects/${pipeline.projectId}/traces/${traces[i]}`);
    }
  });

  it('gives the lines of a delivery without a trace header no trace', async () => {
    const { eventId } = await pipeline.deliver({});
    const applied = await pipeline.applierLine((l) => l['event'] === 'stripe_event.applied' && l['eventId'] === eventId);
    expect(applied).not.toHaveProperty(TRACE);
  });
});
