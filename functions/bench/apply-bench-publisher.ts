// The apply bench's publisher, in its own process (shared/src/testing/bench-child.ts): in
// production the webhook service publishes, so the client's publishing CPU is not the applier's.
// `prepare` builds a round's messages; `publish` publishes them (batched, as the webhook's client
// does) and answers once Pub/Sub has acknowledged every one. Started by the bench, never by hand.
import { createPubSubClient, type Topic } from '@billing/shared/pubsub/pubsub-client.js';
import { serveBenchRequests } from '@billing/shared/testing/bench-child.js';
import { roundMessages, type BenchMessage } from './apply-bench-events.js';

export type PublisherRequest =
  { kind: 'prepare'; projectId: string; topic: string; events: number; duplicates: number; created: number } | { kind: 'publish' };

export type PublisherAnswer = { kind: 'prepared'; messages: number } | { kind: 'published'; messages: number };

let topic: Topic | undefined;
let prepared: BenchMessage[] = [];

async function answer(request: PublisherRequest): Promise<PublisherAnswer> {
  if (request.kind === 'prepare') {
    topic ??= createPubSubClient({ projectId: request.projectId }).topic(request.topic);
    prepared = roundMessages(request.events, request.duplicates, request.created);
    return { kind: 'prepared', messages: prepared.length };
  }
  const target = topic;
  if (!target) throw new Error('publish before prepare');
  const messages = prepared;
  prepared = [];
  await Promise.all(messages.map((m) => target.publishMessage(m)));
  return { kind: 'published', messages: messages.length };
}

serveBenchRequests(answer);
