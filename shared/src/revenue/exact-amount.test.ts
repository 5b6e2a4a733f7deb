import { describe, expect, it } from 'vitest';
import { addAmounts, divideAmount, exactAmount, roundToCents, ZERO } from './exact-amount.js';

describe('exact amounts', () => {
  it('keep fractions reduced and exact through sums and divisions', () => {
    const third = exactAmount(100, 1, 3);
    expect(addAmounts(addAmounts(third, third), third)).toEqual(exactAmount(100));
    expect(divideAmount(exactAmount(200_000), 12)).toEqual({ numerator: 50_000n, denominator: 3n });
    expect(addAmounts(ZERO, exactAmount(12_000, 1, 7))).toEqual({ numerator: 12_000n, denominator: 7n });
  });

  it('round to the cent only when asked, half away from zero', () => {
    expect(roundToCents(divideAmount(exactAmount(200_000), 12))).toBe(16_667);
    expect(roundToCents(exactAmount(5, 1, 2))).toBe(3);
    expect(roundToCents(exactAmount(-5, 1, 2))).toBe(-3);
    expect(roundToCents(exactAmount(7, 1, 3))).toBe(2);
    expect(roundToCents(ZERO)).toBe(0);
  });

  it('refuses amounts that are not integers and a zero divisor', () => {
    expect(() => exactAmount(0.5)).toThrow(RangeError);
    expect(() => exactAmount(100, 1, 0)).toThrow(RangeError);
    expect(() => divideAmount(exactAmount(100), 0)).toThrow(RangeError);
  });
});
