// The switches a test flips on webhook delivery (TS API and POST /_stand-in/webhooks/config).
import { z } from 'zod';

export const DeliverySettings = z.strictObject({
  /** Where to POST events; null delivers nowhere (events are still stored for /v1/events). */
  url: z.url().nullable(),
  /** Send every event this many times in total (1 = once). */
  duplicateEvery: z.number().int().min(1).max(10),
  /** Probability (0..1) that an event is sent one extra time. */
  duplicateProbability: z.number().min(0).max(1),
  /** Deliver events in a random order within windows of this many queued events (1 = in order). */
  shuffleWindow: z.number().int().min(1).max(1000),
  /** Wait this long before each delivery attempt. */
  delayMs: z.number().int().min(0).max(60_000),
  /** The first attempt of each event is counted as failed without being sent, then retried. */
  dropFirstAttempt: z.boolean(),
  /** Attempts per delivery before giving up, and the backoff between them. */
  maxAttempts: z.number().int().min(1).max(20),
  retryBaseMs: z.number().int().min(0).max(60_000),
  retryMaxMs: z.number().int().min(0).max(600_000),
  timeoutMs: z.number().int().min(100).max(60_000),
});
export type DeliverySettings = z.infer<typeof DeliverySettings>;

export const DEFAULT_DELIVERY_SETTINGS: DeliverySettings = {
  url: null,
  duplicateEvery: 1,
  duplicateProbability: 0,
  shuffleWindow: 1,
  delayMs: 0,
  dropFirstAttempt: false,
  maxAttempts: 6,
  retryBaseMs: 100,
  retryMaxMs: 5_000,
  timeoutMs: 10_000,
};
