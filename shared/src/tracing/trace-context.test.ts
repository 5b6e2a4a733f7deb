// The trace headers a request can carry, parsed into the trace its log lines name: well-formed
// values per the W3C and Cloud Trace formats, and anything else (a client can send any bytes)
// ignored rather than copied into a log field.
import { describe, expect, it } from 'vitest';
import { formatTraceparent, parseCloudTraceContext, parseTraceparent, traceFromHeaders, traceLogFields } from './trace-context.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

describe('parseTraceparent', () => {
  it.each([
    ['sampled', `00-${TRACE}-${SPAN}-01`, { traceId: TRACE, spanId: SPAN, sampled: true }],
    ['not sampled', `00-${TRACE}-${SPAN}-00`, { traceId: TRACE, spanId: SPAN, sampled: false }],
    ['other flags beside sampled', `00-${TRACE}-${SPAN}-03`, { traceId: TRACE, spanId: SPAN, sampled: true }],
    ['a later version with more fields', `01-${TRACE}-${SPAN}-01-extra`, { traceId: TRACE, spanId: SPAN, sampled: true }],
    ['surrounding spaces', `  00-${TRACE}-${SPAN}-01 `, { traceId: TRACE, spanId: SPAN, sampled: true }],
  ])('reads %s', (_name, header, expected) => {
    expect(parseTraceparent(header)).toEqual(expected);
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['version ff', `ff-${TRACE}-${SPAN}-01`],
    ['version 00 with more fields', `00-${TRACE}-${SPAN}-01-extra`],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${SPAN}-01`],
    ['an all-zero span id', `00-${TRACE}-${'0'.repeat(16)}-01`],
    ['uppercase hex', `00-${TRACE.toUpperCase()}-${SPAN}-01`],
    ['a short trace id', `00-${TRACE.slice(1)}-${SPAN}-01`],
    ['a long span id', `00-${TRACE}-${SPAN}0-01`],
    ['text posing as a log field', `00-${TRACE}-${SPAN}-01","severity":"CRITICAL`],
    ['garbage', 'not a trace'],
  ])('ignores %s', (_name, header) => {
    expect(parseTraceparent(header)).toBeUndefined();
  });
});

describe('parseCloudTraceContext', () => {
  it.each([
    ['a Cloud Run header', `${TRACE}/1;o=1`, { traceId: TRACE, spanId: '0000000000000001', sampled: true }],
    [
      'a decimal span id as 16 hex digits',
      `${TRACE}/12345678901234567890;o=0`,
      { traceId: TRACE, spanId: 'ab54a98ceb1f0ad2', sampled: false },
    ],
    ['no options (not sampled)', `${TRACE}/1`, { traceId: TRACE, spanId: '0000000000000001', sampled: false }],
    ['no span id', `${TRACE};o=1`, { traceId: TRACE, sampled: true }],
    ['span id 0 (none)', `${TRACE}/0;o=1`, { traceId: TRACE, sampled: true }],
    ['a span id above 64 bits (none)', `${TRACE}/18446744073709551616;o=1`, { traceId: TRACE, sampled: true }],
    ['a short trace id, kept as sent', 'abc123/1;o=1', { traceId: 'abc123', spanId: '0000000000000001', sampled: true }],
    ['uppercase, lowered', `${TRACE.toUpperCase()}/1;o=1`, { traceId: TRACE, spanId: '0000000000000001', sampled: true }],
  ])('reads %s', (_name, header, expected) => {
    expect(parseCloudTraceContext(header)).toEqual(expected);
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['an all-zero trace id', '0000/1;o=1'],
    ['a trace id longer than 32 digits', `${TRACE}0/1;o=1`],
    ['a non-hex trace id', 'xyz/1;o=1'],
    ['a non-decimal span id', `${TRACE}/ab;o=1`],
    ['text posing as a log field', `${TRACE}/1;o=1","severity":"CRITICAL`],
  ])('ignores %s', (_name, header) => {
    expect(parseCloudTraceContext(header)).toBeUndefined();
  });
});

describe('traceFromHeaders', () => {
  it('prefers traceparent, and falls back to X-Cloud-Trace-Context when traceparent is absent or malformed', () => {
    const other = 'a'.repeat(32);
    expect(traceFromHeaders({ traceparent: `00-${TRACE}-${SPAN}-01`, cloudTrace: `${other}/1;o=1` })?.traceId).toBe(TRACE);
    expect(traceFromHeaders({ cloudTrace: `${other}/1;o=1` })?.traceId).toBe(other);
    expect(traceFromHeaders({ traceparent: 'garbage', cloudTrace: `${other}/1;o=1` })?.traceId).toBe(other);
    expect(traceFromHeaders({})).toBeUndefined();
  });
});

describe('traceLogFields', () => {
  it('writes the three Cloud Logging fields, and none without a trace or a project', () => {
    expect(traceLogFields('demo-p', { traceId: TRACE, spanId: SPAN, sampled: true })).toEqual({
      'logging.googleapis.com/trace': `projects/demo-p/traces/${TRACE}`,
      'logging.googleapis.com/spanId': SPAN,
      'logging.googleapis.com/trace_sampled': true,
    });
    expect(traceLogFields('demo-p', { traceId: TRACE, sampled: false })).toEqual({
      'logging.googleapis.com/trace': `projects/demo-p/traces/${TRACE}`,
      'logging.googleapis.com/trace_sampled': false,
    });
    expect(traceLogFields(undefined, { traceId: TRACE, sampled: true })).toEqual({});
    expect(traceLogFields('demo-p', undefined)).toEqual({});
  });
});

describe('formatTraceparent', () => {
  it('writes what parseTraceparent reads, and nothing for a trace the W3C form cannot hold', () => {
    const trace = { traceId: TRACE, spanId: SPAN, sampled: false };
    expect(parseTraceparent(formatTraceparent(trace))).toEqual(trace);
    expect(formatTraceparent({ traceId: 'abc123', spanId: SPAN, sampled: true })).toBeUndefined();
    expect(formatTraceparent({ traceId: TRACE, sampled: true })).toBeUndefined();
  });
});
