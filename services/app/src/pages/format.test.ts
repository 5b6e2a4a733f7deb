import { describe, expect, it } from 'vitest';
import { formatDate, formatMoney } from './format.js';

describe('formatMoney', () => {
  it('reads Stripe amounts in the minor unit Stripe uses for the currency', () => {
    expect(formatMoney(2000, 'usd')).toBe('$20.00');
    expect(formatMoney(1500, 'jpy')).toBe('¥1,500'); // zero-decimal: the amount is in yen
    expect(formatMoney(50_000, 'KRW')).toBe('₩50,000');
    expect(formatMoney(1230, 'kwd')).toMatch(/^KWD\s1\.230$/); // three-decimal: fils
    expect(formatMoney(500, 'isk')).toMatch(/^ISK\s5$/); // two-decimal in Stripe's API, whole krónur
  });
});

describe('formatDate', () => {
  it('writes unix seconds as a UTC date', () => {
    expect(formatDate(1_798_761_600)).toBe('January 1, 2027');
    expect(formatDate(1_798_761_599)).toBe('December 31, 2026'); // a second earlier, whatever the local zone
  });
});
