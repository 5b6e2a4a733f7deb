// The trace attribute of a published message, with tracing off: the publishing scope's trace is
// written, a stale one (a dead-lettered message's) is never passed on, and the consumer reads it back.
import { describe, expect, it } from 'vitest';
import { runInScope } from '../tracing/trace-scope.js';
import { publishedTrace, TRACE_ATTRIBUTE, withTraceAttribute } from './message-trace.js';

const trace = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', sampled: true };
const stale = { eventId: 'evt_1', [TRACE_ATTRIBUTE]: '00-11111111111111111111111111111111-2222222222222222-01' };

describe('withTraceAttribute (tracing off)', () => {
  it("writes the publishing scope's trace in place of any it finds, and publishedTrace reads it back", () => {
    const attributes = runInScope('demo-p', 'publish', { kind: 'server', parent: trace }, () => withTraceAttribute(stale));
    expect(attributes).toEqual({ eventId: 'evt_1', [TRACE_ATTRIBUTE]: `00-${trace.traceId}-${trace.spanId}-01` });
    expect(publishedTrace(attributes)).toEqual(trace);
  });

  it('drops a stale trace and adds none outside a scope, or for a trace the W3C form cannot hold', () => {
    expect(withTraceAttribute(stale)).toEqual({ eventId: 'evt_1' });
    const short = runInScope(
      'demo-p',
      'publish',
      { kind: 'server', parent: { traceId: 'abc123', spanId: trace.spanId, sampled: true } },
      () => withTraceAttribute(stale),
    );
    expect(short).toEqual({ eventId: 'evt_1' });
    expect(publishedTrace({ [TRACE_ATTRIBUTE]: 'garbage' })).toBeUndefined();
  });
});
