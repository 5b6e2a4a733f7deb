// /_stand-in/*: the switches and truth a test needs over HTTP (the same as the TS API):
// the clock, webhook delivery settings, failure injection, billing (dunning) settings, a
// customer's card behaviour, recorded meter events and the current subscriptions.
import { json, Router } from 'express';
import type Stripe from 'stripe';
import { z } from 'zod';
import { BillingSettings } from '../billing/billing-context.js';
import type { Patch } from '../billing/settings-patch.js';
import type { StandInClock } from '../billing/stand-in-clock.js';
import { PaymentBehaviour, type MeterEventRecord } from '../billing/stand-in-state.js';
import { parseParams } from '../http/request-params.js';
import { FailureRule, type FailureInjector } from '../http/failure-injection.js';
import type { DeliveryAttempt } from '../webhooks/delivery-queue.js';
import { DeliverySettings } from '../webhooks/delivery-settings.js';

/**
 * The operations the control routes drive. Declared here rather than taken from stand-in.ts so
 * the dependency goes one way: the stand-in passes itself (StandIn extends this).
 */
export interface StandInControl {
  clock: Pick<StandInClock, 'now'>;
  delivery: {
    configure(settings: Patch<DeliverySettings>): DeliverySettings;
    idle(): Promise<void>;
    attempts(): readonly DeliveryAttempt[];
    abandoned(): readonly string[];
  };
  failures: Pick<FailureInjector, 'add' | 'clear'>;
  /** Runs renewals, trial ends and retries due within `seconds`; returns how many ran. */
  advanceClock(seconds: number): number;
  meterEvents(customerId: string, eventName?: string): MeterEventRecord[];
  subscriptionsOf(customerId: string): Stripe.Subscription[];
  setPaymentBehaviour(customerId: string, behaviour: PaymentBehaviour): void;
  configureBilling(settings: Patch<BillingSettings>): BillingSettings;
}

export function controlRoutes(standIn: StandInControl): Router {
  const router = Router();
  router.use('/_stand-in', json());

  router.get('/_stand-in/clock', (_req, res) => {
    res.json({ now: standIn.clock.now() });
  });
  router.post('/_stand-in/clock/advance', (req, res) => {
    const { seconds } = parseParams(z.strictObject({ seconds: z.number().int().min(0) }), req.body);
    const transitions = standIn.advanceClock(seconds);
    res.json({ now: standIn.clock.now(), transitions });
  });

  router.post('/_stand-in/webhooks/config', (req, res) => {
    res.json(standIn.delivery.configure(parseParams(DeliverySettings.partial(), req.body)));
  });
  router.get('/_stand-in/webhooks/attempts', (_req, res) => {
    res.json({ attempts: standIn.delivery.attempts(), abandoned: standIn.delivery.abandoned() });
  });
  router.post('/_stand-in/webhooks/idle', async (_req, res) => {
    await standIn.delivery.idle();
    res.json({ idle: true });
  });

  router.post('/_stand-in/failures', (req, res) => {
    standIn.failures.add(parseParams(FailureRule, req.body));
    res.json({ ok: true });
  });
  router.delete('/_stand-in/failures', (_req, res) => {
    standIn.failures.clear();
    res.json({ ok: true });
  });

  router.post('/_stand-in/billing/config', (req, res) => {
    res.json(standIn.configureBilling(parseParams(BillingSettings.partial(), req.body)));
  });
  router.post('/_stand-in/customers/:id/payment-behaviour', (req, res) => {
    const { behaviour } = parseParams(z.strictObject({ behaviour: z.enum(PaymentBehaviour) }), req.body);
    standIn.setPaymentBehaviour(req.params.id, behaviour);
    res.json({ ok: true });
  });

  router.get('/_stand-in/meter-events', (req, res) => {
    const q = parseParams(z.strictObject({ customer: z.string(), event_name: z.string().optional() }), req.query);
    const events = standIn.meterEvents(q.customer, q.event_name);
    res.json({ customer: q.customer, total: events.reduce((s, e) => s + e.value, 0), events });
  });
  router.get('/_stand-in/subscriptions', (req, res) => {
    const q = parseParams(z.strictObject({ customer: z.string() }), req.query);
    res.json({ data: standIn.subscriptionsOf(q.customer) });
  });
  return router;
}
