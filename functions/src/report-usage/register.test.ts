// The wired reportUsage handler: a tick runs the use case (shared/src/usage/reporting), and a run
// that fails is logged at ERROR and acknowledged, never thrown (Pub/Sub would redeliver the tick
// on top of the next one). The use case itself is tested in run-usage-report.test.ts.
import { PassThrough } from 'node:stream';
import { Timestamp, type Firestore } from '@google-cloud/firestore';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@billing/shared/logging/logger.js';
import { systemClock } from '@billing/shared/ports/clock.js';
import type { MeterEventSender } from '@billing/shared/ports/meter-event-sender.js';
import { testFirestore } from '@billing/shared/testing/emulator.js';

import { tracingOff } from '@billing/shared/tracing/tracing-handle.js';
import { createReportUsageHandler, runTick } from './register.js';
import { createStore } from '@billing/shared/firestore/store.js';

const dbs: Firestore[] = [];
afterEach(async () => {
  for (const db of dbs.splice(0)) await db.terminate();
});

/** The handler's JSON log lines, as Cloud Logging would receive them. */
function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  return { lines, logger: createLogger({ service: 'report-usage', destination: stream }) };
}

const neverCalled: MeterEventSender = {
  send: () => Promise.reject(new Error('no report to send')),
};

function freshDb(): Firestore {
  const db = testFirestore();
  dbs.push(db);
  return db;
}

describe('reportUsage handler', () => {
  it('runs one report per tick and logs the run line the usage-reporting alert counts', async () => {
    const { lines, logger } = capturedLogger();
    await createReportUsageHandler({ db: freshDb(), sender: neverCalled, clock: systemClock, logger })();
    await new Promise(setImmediate);
    expect(lines).toContainEqual(expect.objectContaining({ severity: 'INFO', event: 'usage_report.run', resent: 0, claimed: 0, sent: 0 }));
  });

  it("logs the run (the use case's own line) in the trace of the push request that delivered the tick", async () => {
    const { lines, logger } = capturedLogger();
    const run = createReportUsageHandler({ db: freshDb(), sender: neverCalled, clock: systemClock, logger });
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    // What functions-framework hands over for a Cloud Scheduler tick: the push request's traceparent, a message without attributes.
    const cloudEvent = {
      specversion: '1.0',
      id: '1',
      source: '//pubsub.googleapis.com/projects/demo/topics/usage-report-tick',
      type: 'google.cloud.pubsub.topic.v1.messagePublished',
      traceparent: `00-${traceId}-b7ad6b7169203331-01`,
      data: { message: { data: '', messageId: '42' } },
    };
    await runTick({ run, projectId: 'demo-report', tracing: tracingOff }, cloudEvent);
    await new Promise(setImmediate);
    expect(lines).toContainEqual(
      expect.objectContaining({
        event: 'usage_report.run',
        'logging.googleapis.com/trace': `projects/demo-report/traces/${traceId}`,
        'logging.googleapis.com/spanId': 'b7ad6b7169203331',
      }),
    );
  });

  it('logs a failed run at ERROR and resolves (the tick is acknowledged; the report stays claimed for the next tick)', async () => {
    const db = freshDb();
    const now = Timestamp.now();
    await createStore(db)
      .usageReports.doc('usage_r1')
      .set({
        identifier: 'usage_r1',
        customerId: 'cus_r1',
        eventName: 'api_calls',
        value: 3,
        timestamp: now.seconds,
        entryIds: ['e1'],
        state: 'claimed',
        attempts: 0,
        lastError: null,
        createdAt: now,
        sentAt: null,
        expireAt: now,
      });
    // Not a SendFailureError: a bug between the run and Stripe, which fails the run.
    const buggy: MeterEventSender = { send: () => Promise.reject(new TypeError('bug in between')) };
    const { lines, logger } = capturedLogger();

    await expect(createReportUsageHandler({ db, sender: buggy, clock: systemClock, logger })()).resolves.toBeUndefined();
    await new Promise(setImmediate);
    expect(lines).toContainEqual(expect.objectContaining({ severity: 'ERROR', event: 'usage_report.run_failed' }));
    expect((await createStore(db).usageReports.doc('usage_r1').get()).data()?.state).toBe('claimed');
  });
});
