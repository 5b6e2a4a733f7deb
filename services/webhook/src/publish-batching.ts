// How the webhook batches publishes. Each request waits for its own message's acknowledgement,
// so a batch must go out quickly (latency: at most 10 ms of waiting, far inside Stripe's timeout),
// yet concurrent requests should share RPCs (throughput: the broker's and the client's cost is per
// RPC). Tuned with bench/ingest-bench.ts at the deployed concurrency (80): 100 messages / 10 ms
// (the library's default) beat 10 / 10 ms by ~1.5x, and 20 ms only added latency.
export const WEBHOOK_PUBLISH_BATCHING = { maxMessages: 100, maxMilliseconds: 10 } as const;
