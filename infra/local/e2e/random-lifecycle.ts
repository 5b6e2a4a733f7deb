// Random subscription lifecycles for the convergence test: a seeded PRNG and the one step a
// customer takes per turn, chosen from the stand-in's true state (the stand-in is in-process, so
// its state is read directly; every change itself goes through the real SDK or the stand-in's
// own operations, so it emits exactly the events Stripe would).
import type Stripe from 'stripe';
import type { StandIn } from '@billing/stripe-stand-in/stand-in.js';

/** mulberry32: small, fast, good enough to make a failing run reproducible from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export const pick = <T>(random: () => number, items: readonly T[]): T => {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
};

/**
 * Licensed prices a subscription moves between. All licensed: the stand-in (like Stripe) refuses
 * to switch a licensed item to a metered price, and checkout adds no metered item here.
 */
export const LICENSED_PRICES = ['price_pro_month', 'price_pro_year', 'price_pro_week', 'price_team_month', 'price_team_year'] as const;

export interface Customer {
  index: number;
  accountId: string;
  customerId: string;
  random: () => number;
  /** What this customer did, for the failure report. */
  steps: string[];
}

const LIVE: readonly Stripe.Subscription.Status[] = ['active', 'trialing', 'past_due', 'paused', 'unpaid', 'incomplete'];

export function liveSubscription(standIn: StandIn, customerId: string): Stripe.Subscription | undefined {
  return standIn.subscriptionsOf(customerId).find((s) => LIVE.includes(s.status));
}

/** One random step for a customer, through the SDK (or the stand-in as the paying user). */
export async function randomStep(stripe: Stripe, standIn: StandIn, c: Customer): Promise<void> {
  const r = c.random;
  const sub = liveSubscription(standIn, c.customerId);
  if (!sub) {
    if (r() < 0.25 && c.steps.length > 0) return void c.steps.push('idle');
    const trial = r() < 0.35;
    const price = pick(r, LICENSED_PRICES);
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: c.customerId,
      client_reference_id: c.accountId,
      line_items: [{ price, quantity: 1 }],
      success_url: 'http://app.local/billing?session={CHECKOUT_SESSION_ID}',
      cancel_url: 'http://app.local/billing',
      ...(trial ? { subscription_data: { trial_period_days: pick(r, [3, 7, 14]) } } : {}),
    });
    standIn.completeCheckout(session.id);
    return void c.steps.push(`checkout ${price}${trial ? ' +trial' : ''}`);
  }
  const item = sub.items.data[0];
  if (!item) throw new Error(`subscription ${sub.id} has no item`);
  const roll = r();
  if (sub.status === 'paused') {
    if (roll < 0.6) {
      standIn.setPaymentBehaviour(c.customerId, 'succeeds');
      await stripe.subscriptions.resume(sub.id);
      return void c.steps.push('resume');
    }
    await stripe.subscriptions.cancel(sub.id);
    return void c.steps.push('cancel paused');
  }
  if (roll < 0.3) {
    const price = pick(
      r,
      LICENSED_PRICES.filter((p) => p !== item.price.id),
    );
    await stripe.subscriptions.update(sub.id, {
      items: [{ id: item.id, price }],
      proration_behavior: pick(r, ['create_prorations', 'none', 'always_invoice'] as const),
    });
    return void c.steps.push(`change ${price}`);
  }
  if (roll < 0.42) {
    const quantity = 1 + Math.floor(r() * 5);
    await stripe.subscriptions.update(sub.id, { items: [{ id: item.id, quantity }] });
    return void c.steps.push(`quantity ${quantity}`);
  }
  if (roll < 0.62) {
    await stripe.subscriptions.update(sub.id, { cancel_at_period_end: !sub.cancel_at_period_end });
    return void c.steps.push(`cancel_at_period_end ${!sub.cancel_at_period_end}`);
  }
  if (roll < 0.7) {
    await stripe.subscriptions.cancel(sub.id);
    return void c.steps.push('cancel now');
  }
  if (roll < 0.8) {
    // A declined card (renewals fail, dunning), a card that works again, or no card at all (a
    // trial then ends paused, as trial_settings.end_behavior.missing_payment_method=pause does).
    const behaviour = pick(r, sub.status === 'trialing' ? (['fails', 'succeeds', 'none'] as const) : (['fails', 'succeeds'] as const));
    standIn.setPaymentBehaviour(c.customerId, behaviour);
    return void c.steps.push(`card ${behaviour}`);
  }
  if (roll < 0.86) {
    await stripe.subscriptions.update(sub.id, { pause_collection: sub.pause_collection ? '' : { behavior: 'void' } });
    return void c.steps.push(`pause_collection ${sub.pause_collection ? 'off' : 'void'}`);
  }
  await stripe.subscriptions.update(sub.id, { metadata: { note: `n${Math.floor(r() * 1000)}` } });
  c.steps.push('metadata');
}
