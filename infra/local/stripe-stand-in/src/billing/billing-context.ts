// What the billing operations share: the state, the clock, the event log, the settings that
// tests switch, and the stand-in's own public URL (for hosted pages and invoice links).
import { z } from 'zod';
import type { EventLog } from './event-log.js';
import type { StandInClock } from './stand-in-clock.js';
import type { StandInState } from './stand-in-state.js';

/** What happens after the last failed retry of a renewal invoice (Stripe's dunning setting). */
export const AfterFinalFailure = z.enum(['cancel', 'unpaid', 'past_due']);
export type AfterFinalFailure = z.infer<typeof AfterFinalFailure>;

export const BillingSettings = z.strictObject({
  /** Retries after the first failed attempt (Smart Retries default to a few over weeks). */
  retries: z.number().int().min(0).max(10),
  retryIntervalSeconds: z.number().int().min(1),
  afterFinalFailure: AfterFinalFailure,
});
export type BillingSettings = z.infer<typeof BillingSettings>;

export const DEFAULT_BILLING_SETTINGS: BillingSettings = { retries: 3, retryIntervalSeconds: 3 * 86_400, afterFinalFailure: 'cancel' };

export interface BillingContext {
  readonly state: StandInState;
  readonly clock: StandInClock;
  readonly events: EventLog;
  settings: BillingSettings;
  /** e.g. http://127.0.0.1:12111 (no trailing slash). */
  publicUrl(): string;
}
