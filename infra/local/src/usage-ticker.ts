// Local stand-in for Cloud Scheduler: publishes a tick to `usage-report-tick` every interval, and
// a push subscription delivers it to the reportUsage function (as the Eventarc trigger does in GCP).
import type { PubSub } from '@billing/shared/pubsub/pubsub-client.js';

export const USAGE_TICK_TOPIC = 'usage-report-tick';

export async function startUsageTicker(pubsub: PubSub, pushEndpoint: string, intervalMs = 60_000): Promise<{ stop: () => Promise<void> }> {
  const topic = pubsub.topic(USAGE_TICK_TOPIC);
  if (!(await topic.exists())[0]) await topic.create();
  const sub = topic.subscription(`${USAGE_TICK_TOPIC}-push`);
  if ((await sub.exists())[0]) await sub.delete();
  await sub.create({ pushConfig: { pushEndpoint }, ackDeadlineSeconds: 120 });
  // A tick must carry a body: functions-framework does not recognise an empty Pub/Sub message.
  const tick = () => void topic.publishMessage({ json: { tick: new Date().toISOString() } }).catch(() => undefined);
  const timer = setInterval(tick, intervalMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await pubsub.close();
    },
  };
}
