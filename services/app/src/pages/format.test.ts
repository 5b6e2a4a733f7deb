import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatCard, formatDate, formatPrice, formatSeats, formatUnitPrice } from './format.js';

describe('billing.js', () => {
  // One copy of Stripe's currency minor units: the bundle carries format-money.ts itself, not a copy of its lists.
  it('is bundled with the server’s own money and date formatting', () => {
    const script = readFileSync(new URL('../../public/billing.js', import.meta.url), 'utf8');
    expect(script).toContain('// shared/src/money/format-money.ts');
    expect(script).toContain('// services/app/src/pages/format.ts');
  });
});

describe('formatDate', () => {
  it('writes unix seconds as a UTC date', () => {
    expect(formatDate(1_798_761_600)).toBe('January 1, 2027');
    expect(formatDate(1_798_761_599)).toBe('December 31, 2026'); // a second earlier, whatever the local zone
  });
});

describe('plan and card wording', () => {
  it.each([
    [formatPrice(2_000, 'usd', 'month'), '$20.00 / month'],
    [formatPrice(10_000, 'usd', 'year', true), '$100.00 / seat / year'],
    [formatSeats(1), '1 seat'],
    [formatSeats(1_200), '1,200 seats'],
    [formatCard({ brand: 'amex', last4: '0005', expMonth: 4, expYear: 2030 }), 'American Express ending 0005, expires 04/2030'],
    [formatCard({ brand: 'newbrand', last4: '1111', expMonth: 11, expYear: 2030 }), 'Newbrand ending 1111, expires 11/2030'],
  ])('%s', (actual, expected) => {
    expect(actual).toBe(expected);
  });

  it('writes a metered price per a round number of units so it reads in cents', () => {
    expect(formatUnitPrice('0.01', 'usd')).toEqual({ amount: '$0.10', per: 1000 });
    expect(formatUnitPrice('0.0002', 'usd')).toEqual({ amount: '$2.00', per: 1_000_000 });
    expect(formatUnitPrice('5', 'usd')).toEqual({ amount: '$0.05', per: 1 });
  });
});
