// The fields every line gets from the logger itself: the trace of the scope it is written in, and
// at ERROR the shape Error Reporting reads (a stack in `stack_trace`, or the ReportedErrorEvent
// type for an error line without an Error), with `serviceContext`.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runInScope } from '../tracing/trace-scope.js';
import { createLogger, REPORTED_ERROR_EVENT_TYPE, type LoggerOptions } from './logger.js';

function capture(opts: Partial<LoggerOptions> = {}) {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  return { logger: createLogger({ service: 'logger-test', destination: stream, ...opts }), lines };
}
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
const trace = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', sampled: false };

describe('createLogger', () => {
  it('writes the trace of the scope a line is written in, after awaits, and none outside a scope', async () => {
    const { logger, lines } = capture();
    await runInScope('demo-logger', 'work', { kind: 'internal', parent: trace }, async (span) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      logger.info({ event: 'test.inside' }, 'inside');
      span.end();
    });
    logger.info({ event: 'test.outside' }, 'outside');
    await settle();
    expect(lines[0]).toMatchObject({
      event: 'test.inside',
      severity: 'INFO',
      'logging.googleapis.com/trace': `projects/demo-logger/traces/${trace.traceId}`,
      'logging.googleapis.com/spanId': trace.spanId,
      'logging.googleapis.com/trace_sampled': false,
    });
    expect(Object.keys(lines[1] ?? {}).filter((k) => k.startsWith('logging.googleapis.com/'))).toEqual([]);
  });

  it('gives an error line with an Error its stack in stack_trace and the serviceContext', async () => {
    const { logger, lines } = capture();
    logger.error({ event: 'test.failed', err: new TypeError('cannot read x') }, 'failed');
    await settle();
    expect(lines[0]).toMatchObject({ severity: 'ERROR', serviceContext: { service: 'logger-test' } });
    expect(lines[0]?.['stack_trace']).toMatch(/^TypeError: cannot read x\n\s+at /);
    expect(lines[0]?.['@type']).toBeUndefined();
  });

  it('gives an error line without an Error the ReportedErrorEvent type, located by its event name', async () => {
    const { logger, lines } = capture();
    logger.error({ event: 'stripe_event.dead_lettered', reason: 'not JSON' }, 'dead-lettered');
    logger.fatal({ event: 'config.invalid', err: 'a string, not an Error' }, 'bad config');
    await settle();
    for (const line of lines)
      expect(line).toMatchObject({ '@type': REPORTED_ERROR_EVENT_TYPE, serviceContext: { service: 'logger-test' } });
    expect(lines.map((l) => l['context'])).toEqual([
      { reportLocation: { functionName: 'stripe_event.dead_lettered' } },
      { reportLocation: { functionName: 'config.invalid' } },
    ]);
  });

  it('adds nothing for Error Reporting below ERROR, even with an Error', async () => {
    const { logger, lines } = capture();
    logger.warn({ event: 'test.retry', err: new Error('transient') }, 'retrying');
    await settle();
    expect(lines[0]).not.toHaveProperty('stack_trace');
    expect(lines[0]).not.toHaveProperty('serviceContext');
  });

  it('names the version it is given (the running revision) as serviceContext.version, and none without one', async () => {
    const local = capture();
    local.logger.error({ event: 'test.failed' }, 'failed');
    const given = capture({ version: 'apply-stripe-event-00042-xyz' });
    given.logger.error({ event: 'test.failed', err: new Error('boom') }, 'failed');
    await settle();
    expect(local.lines[0]?.['serviceContext']).toEqual({ service: 'logger-test' });
    expect(given.lines[0]?.['serviceContext']).toEqual({ service: 'logger-test', version: 'apply-stripe-event-00042-xyz' });
  });
});
