import { describe, expect, it } from 'vitest';
import { createWebhookVerifier } from '@billing/shared/stripe/stripe-client.js';
import { fixtureEvent, signEvent } from '@billing/shared/testing/signed-event.js';
import { eventAttributes, StripeEventEnvelope } from '@billing/shared/stripe/stripe-event-envelope.js';
import { signatureTimestamp, verifyStripeEvent, type WebhookVerifier } from './verify-stripe-event.js';

const verifier = createWebhookVerifier();

describe('verifyStripeEvent', () => {
  const event = fixtureEvent('invoice.paid');

  it('measures the tolerance from the injected receive time, not the wall clock', () => {
    const signedAt = 1_700_000_000;
    const { body, signature } = signEvent(event, 'whsec_a', { timestamp: signedAt });
    const at = (seconds: number) =>
      verifyStripeEvent({
        payload: Buffer.from(body),
        signatureHeader: signature,
        secrets: ['whsec_a'],
        verifier,
        receivedAtMs: seconds * 1000,
      });
    expect(at(signedAt + 300).ok).toBe(true);
    expect(at(signedAt + 301)).toEqual({ ok: false, reason: 'signature_invalid' });
  });

  it('tries every secret and reports a non-JSON payload only once a signature matched', () => {
    const { body, signature } = signEvent('not json', 'whsec_b');
    const input = { payload: Buffer.from(body), signatureHeader: signature, verifier, receivedAtMs: Date.now() };
    expect(verifyStripeEvent({ ...input, secrets: ['whsec_a', 'whsec_b'] })).toEqual({ ok: false, reason: 'payload_invalid' });
    expect(verifyStripeEvent({ ...input, secrets: ['whsec_a'] })).toEqual({ ok: false, reason: 'signature_invalid' });
  });

  it('does not hide unexpected verifier failures as a bad signature', () => {
    const broken: WebhookVerifier = {
      constructEvent: () => {
        throw new TypeError('bug');
      },
    };
    expect(() =>
      verifyStripeEvent({
        payload: Buffer.from('{}'),
        signatureHeader: 't=1,v1=x',
        secrets: ['whsec_a'],
        verifier: broken,
        receivedAtMs: 0,
      }),
    ).toThrow('bug');
  });

  it('reads the signature timestamp for logs', () => {
    expect(signatureTimestamp('t=1700000000,v1=abc,v0=def')).toBe(1_700_000_000);
    expect(signatureTimestamp('v1=abc')).toBeUndefined();
    expect(signatureTimestamp('t=soon,v1=abc')).toBeUndefined();
  });
});

describe('eventAttributes: customerId', () => {
  it('reads an expanded customer object', () => {
    const event = StripeEventEnvelope.parse({
      ...fixtureEvent('invoice.paid'),
      data: { object: { id: 'in_1', object: 'invoice', customer: { id: 'cus_X', object: 'customer' } } },
    });
    expect(eventAttributes(event)['customerId']).toBe('cus_X');
  });
  it('is undefined when the object has no customer', () => {
    const event = StripeEventEnvelope.parse({
      ...fixtureEvent('invoice.paid'),
      data: { object: { id: 'in_1', object: 'invoice', customer: null } },
    });
    expect(eventAttributes(event)['customerId']).toBeUndefined();
  });
});
