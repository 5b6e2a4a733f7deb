// How the webhook batches publishes. Each request waits for its own message's acknowledgement,
// so a batch must go out quickly (latency), yet concurrent requests should share RPCs
// (throughput: the broker's cost is per RPC). Tuned with bench/ingest-bench.ts.
export const WEBHOOK_PUBLISH_BATCHING = { maxMessages: 10, maxMilliseconds: 10 } as const;
