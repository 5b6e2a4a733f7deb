import { describe, expect, it } from 'vitest';
import { formatMoney, minorUnitsPerUnit } from './format-money.js';

describe('formatMoney', () => {
  it('reads Stripe amounts in the minor unit Stripe uses for the currency', () => {
    expect(formatMoney(2000, 'usd')).toBe('$20.00');
    expect(formatMoney(1500, 'jpy')).toBe('¥1,500'); // zero-decimal: the amount is in yen
    expect(formatMoney(50_000, 'KRW')).toBe('₩50,000');
    expect(formatMoney(1230, 'kwd')).toMatch(/^KWD\s1\.230$/); // three-decimal: fils
    expect(formatMoney(500, 'isk')).toMatch(/^ISK\s5$/); // two-decimal in Stripe's API, whole krónur
  });

  it('writes a negative amount (a credit) with its sign', () => {
    expect(formatMoney(-1250, 'usd')).toBe('-$12.50');
  });
});

describe('minorUnitsPerUnit', () => {
  it('follows Stripe, not ISO 4217, for the currencies Stripe keeps two-decimal', () => {
    expect(['usd', 'JPY', 'kwd', 'isk', 'huf', 'twd'].map(minorUnitsPerUnit)).toEqual([100, 1, 1000, 100, 100, 100]);
  });
});
