import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { THREE_DECIMAL_CURRENCIES, ZERO_DECIMAL_CURRENCIES } from '@billing/shared/money/format-money.js';
import { formatDate } from './format.js';

describe('billing.js', () => {
  // The browser cannot import shared/src/money/format-money.ts: its copy must list the same currencies.
  it('writes money with the same minor units as the server', () => {
    const script = readFileSync(new URL('../../public/billing.js', import.meta.url), 'utf8');
    const list = (name: string) => JSON.parse((new RegExp(`var ${name} = (\\[[^\\]]*\\]);`).exec(script)?.[1] ?? 'null').replaceAll("'", '"')) as unknown;
    expect(list('zeroDecimal')).toEqual(ZERO_DECIMAL_CURRENCIES);
    expect(list('threeDecimal')).toEqual(THREE_DECIMAL_CURRENCIES);
  });
});

describe('formatDate', () => {
  it('writes unix seconds as a UTC date', () => {
    expect(formatDate(1_798_761_600)).toBe('January 1, 2027');
    expect(formatDate(1_798_761_599)).toBe('December 31, 2026'); // a second earlier, whatever the local zone
  });
});
