// The one id grammar against the ids Stripe issues (the real-shaped fixtures) and the ids the local
// stand-in generates: no real event may be refused by it; paths and look-alikes must be.
import { describe, expect, it } from 'vitest';
// The stand-in generates the ids of every local and end-to-end event; they must pass too.
import { newId } from '@billing/stripe-stand-in/billing/object-ids.js';
import { EventEnvelope } from '../billing/event-envelope.js';
import { FIXTURE_TYPES, fixtureEvent } from '../testing/signed-event.js';
import { eventObjectIdProblem } from './event-object-ids.js';
import { StripeEventEnvelope } from './stripe-event-envelope.js';
import { isAnyStripeId, isStripeId, StripeIdPrefix } from './stripe-ids.js';

const ID_FIELDS = new Set(['id', 'customer', 'subscription', 'invoice', 'latest_invoice', 'checkout_session']);

/** Every [field, value] of an id field anywhere in `value` whose prefix names an object we read. */
function prefixedIds(value: unknown, out: [string, StripeIdPrefix, string][] = []): [string, StripeIdPrefix, string][] {
  if (Array.isArray(value)) for (const v of value) prefixedIds(v, out);
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (ID_FIELDS.has(key) && typeof v === 'string') {
        const prefix = StripeIdPrefix.options.find((p) => v.startsWith(`${p}_`));
        if (prefix) out.push([key, prefix, v]);
      }
      prefixedIds(v, out);
    }
  }
  return out;
}

describe('Stripe id grammar', () => {
  it.each(FIXTURE_TYPES)('accepts every id of the real-shaped %s event, at the webhook and in the applier', (type) => {
    const event = fixtureEvent(type);
    expect(StripeEventEnvelope.safeParse(event).success).toBe(true);
    expect(EventEnvelope.safeParse(event).success).toBe(true);
    const ids = prefixedIds(event);
    expect(ids.length).toBeGreaterThan(0);
    for (const [field, prefix, id] of ids) expect({ field, id, ok: isStripeId(prefix, id) }).toEqual({ field, id, ok: true });
  });

  it('accepts the ids Stripe puts the mode in (cs_test_, ent_test_, feat_live_...) and long ones', () => {
    expect(isStripeId('cs', 'cs_test_a1YS1URlnyQCN5fUUduORoQ7Pw41PJqDWkIVQCpJPqkfIhd6tVY8XB1OLY')).toBe(true);
    expect(isStripeId('cs', 'cs_live_b1Zz')).toBe(true);
    expect(isStripeId('ent', 'ent_test_61QXg1hqf4jFNsqGAB12')).toBe(true);
    expect(isStripeId('feat', 'feat_live_61QXg1hqf4jFNsqGCD34')).toBe(true);
    expect(isStripeId('evt', `evt_${'a'.repeat(251)}`)).toBe(true); // 255 characters, Stripe's limit
    expect(isAnyStripeId('sub_sched_1Pgc6rB7WZ01zgkW')).toBe(true);
    expect(isAnyStripeId('pi_3Pgc6rB7WZ01zgkW')).toBe(true);
  });

  it.each(['evt', 'cus', 'sub', 'si', 'in', 'il', 'cs_test', 'bps', 'mev', 'req'])("accepts the stand-in's %s ids", (prefix) => {
    const id = newId(prefix);
    expect(isAnyStripeId(id)).toBe(true);
    const known = StripeIdPrefix.options.find((p) => prefix === p || prefix.startsWith(`${p}_`));
    if (known) expect(isStripeId(known, id)).toBe(true);
  });

  it.each([
    ['cus', '../../x'],
    ['cus', 'cus_../../x'],
    ['cus', 'cus_a/b'],
    ['cus', 'cus_'],
    ['cus', 'cus_a.b'],
    ['cus', 'cus_a-b'],
    ['cus', '__cus__'],
    ['cus', 'sub_1Pgc6rB7WZ01zgkWNy0Cn5nw'],
    ['cus', 'cus_other_x'], // only the mode may sit between the prefix and the body
    ['cus', ' cus_QXg1o8vcGmoR32'],
    ['cus', 'cus_QXg1o8vcGmoR32\n'],
    ['evt', `evt_${'a'.repeat(252)}`],
    ['evt', 'evt_\u00e9'],
  ] as const)('refuses %s id %j', (prefix, id) => {
    expect(isStripeId(prefix, id)).toBe(false);
    expect(isAnyStripeId(id) && isStripeId(prefix, id)).toBe(false);
  });

  it('refuses an object whose own id or customer is no Stripe id of its type, and names the field', () => {
    expect(eventObjectIdProblem({ object: 'customer', id: '../../x' })).toMatch(/data\.object\.id .*cus/);
    expect(eventObjectIdProblem({ object: 'subscription', id: 'sub_1', customer: { id: 'cus_a/b' } })).toMatch(/data\.object\.customer/);
    expect(eventObjectIdProblem({ object: 'payment_intent', id: 'pi_../x' })).toMatch(/data\.object\.id/);
    expect(eventObjectIdProblem({ object: 'constructor', id: 'x' })).toMatch(/data\.object\.id/);
    expect(eventObjectIdProblem({ object: 'entitlements.active_entitlement_summary', customer: 'cus_QXg1o8vcGmoR32' })).toBeNull();
    expect(eventObjectIdProblem({ object: 'invoice', id: 'in_1', customer: null })).toBeNull();
  });
});
