// The console's pipeline view over the emulators: the applier's heartbeat and the usage reporter's
// last run as stored, the dead-lettered events counted without being consumed, and an admin's
// replay that republishes them to the events topic (recorded in the audit log); editors may look
// but not replay.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noteEventApplied, recordUsageReporterRun } from '@billing/shared/admin/pipeline-status.js';
import { createStore, type Store } from '@billing/shared/firestore/store.js';
import type { PubSub } from '@billing/shared/pubsub/pubsub-client.js';
import { silentLogger } from '@billing/shared/logging/logger.js';
import { testPubSub } from '@billing/shared/testing/emulator.js';
import { pullMessages } from '@billing/shared/testing/pull-messages.js';
import { startTestStack, type TestStack } from '../testing/stack.js';

const ADMIN = 'ops-pipeline@example.com';
const EDITOR = 'editor-pipeline@example.com';
let stack: TestStack;
let store: Store;
let pubsub: PubSub;

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

interface Pipeline {
  health: { applier: { eventId: string; lagSeconds: number } | null; usageReporter: { reported: number; failed: boolean } | null };
  deadLetters: { state: string; peek?: { count: number; capped: boolean; sample: { eventId?: string; type?: string; reason?: string }[] } };
}

beforeAll(async () => {
  stack = await startTestStack({ env: { ADMIN_EMAILS: ADMIN } });
  store = createStore(stack.firestore);
  // The stack's project (the app's Pub/Sub client uses it): Firestore knows it at run time, its types do not say so.
  pubsub = testPubSub((stack.firestore as unknown as { projectId: string }).projectId);
  const [deadLetterTopic] = await pubsub.createTopic('stripe-events-dead-letter');
  await deadLetterTopic.createSubscription('stripe-events-dead-letter-inspect');
  const [events] = await pubsub.createTopic('stripe-events');
  await events.createSubscription('stripe-events-test-tap');
  for (const id of ['evt_dl_1', 'evt_dl_2']) {
    await deadLetterTopic.publishMessage({
      data: Buffer.from(JSON.stringify({ id })),
      attributes: { eventId: id, type: 'invoice.paid', reason: 'schema refused', deadLetteredAt: '2026-12-01T00:00:00Z' },
    });
  }
  expect((await stack.as(ADMIN, '/api/admin/operators', json({ email: EDITOR, role: 'editor' }))).status).toBe(200);
});
afterAll(async () => {
  await pubsub?.close();
  await stack?.close();
});

const pipeline = async (who: string) => (await (await stack.as(who, '/api/admin/pipeline')).json()) as Pipeline;

describe('pipeline health', () => {
  it('shows the last event applied with its lag, and the usage reporter last run', async () => {
    const clock = { now: () => Date.parse('2026-12-03T10:00:30Z') };
    await noteEventApplied(
      { store, clock, logger: silentLogger() },
      { id: 'evt_seen', type: 'invoice.paid', created: Date.parse('2026-12-03T10:00:00Z') / 1000 },
      'applied',
    );
    // Throttled: a second event within the minute does not rewrite the heartbeat.
    await noteEventApplied(
      { store, clock, logger: silentLogger() },
      { id: 'evt_later', type: 'invoice.paid', created: Date.parse('2026-12-03T10:00:10Z') / 1000 },
      'applied',
    );
    await recordUsageReporterRun(store, { startedAtMs: clock.now(), finishedAtMs: clock.now() + 800, reported: 12, failed: false });
    const view = await pipeline(EDITOR);
    expect(view.health.applier).toMatchObject({ eventId: 'evt_seen', lagSeconds: 30 });
    expect(view.health.usageReporter).toMatchObject({ reported: 12, failed: false });
  });

  it('counts the dead-lettered events without consuming them', async () => {
    for (let i = 0; i < 2; i++) {
      const view = await pipeline(EDITOR);
      expect(view.deadLetters.state).toBe('ok');
      expect(view.deadLetters.peek?.count).toBe(2);
      expect(view.deadLetters.peek?.sample.map((m) => m.eventId).sort()).toEqual(['evt_dl_1', 'evt_dl_2']);
    }
    const page = await (await stack.as(EDITOR, '/admin/pipeline')).text();
    expect(page).toContain('data-testid="dead-letter-count">2<');
    expect(page).not.toContain('/admin/pipeline/replay'); // an editor sees no replay button
  });

  it('lets an admin replay them, not an editor, and records the replay', async () => {
    expect((await stack.as(EDITOR, '/api/admin/pipeline/replay', json({}))).status).toBe(403);
    const res = await stack.as(ADMIN, '/api/admin/pipeline/replay', json({}));
    expect(await res.json()).toEqual({ replayed: 2, skipped: 0 });
    const republished = await pullMessages(pubsub, 'stripe-events-test-tap');
    expect(republished.map((m) => m.attributes['eventId']).sort()).toEqual(['evt_dl_1', 'evt_dl_2']);
    // The dead-letter attributes are dropped: the message is the original one again.
    expect(republished.every((m) => m.attributes['reason'] === undefined)).toBe(true);
    expect((await pipeline(ADMIN)).deadLetters.peek?.count).toBe(0);
    const audit = (await store.adminAudit.where('action', '==', 'dead_letters.replayed').get()).docs.map((d) => d.data());
    expect(audit).toEqual([expect.objectContaining({ actor: ADMIN, after: '{"replayed":2,"skipped":0}' })]);
  });
});
