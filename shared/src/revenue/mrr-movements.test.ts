// Net MRR movements against a hand-computed fixture: five accounts over four month starts, each
// kind of movement at least once, figures worked out by hand below the fixture.
import { describe, expect, it } from 'vitest';
import { monthlyMovements, monthOf, type MrrSnapshot } from './mrr-movements.js';

// Cents per month at the start of each month.
const SNAPSHOTS: MrrSnapshot[] = [
  { month: '2026-01', mrrByAccount: { a: 2_000, b: 2_000, c: 10_000 } },
  // Jan: d new (+2,000); a upgrades 2,000 -> 10,000 (+8,000 expansion); c downgrades 10,000 -> 8,000 (-2,000); b churns (-2,000).
  { month: '2026-02', mrrByAccount: { a: 10_000, c: 8_000, d: 2_000 } },
  // Feb: b comes back (+2,000 reactivation); e new at 4,167; d churns (-2,000).
  { month: '2026-03', mrrByAccount: { a: 10_000, b: 2_000, c: 8_000, e: 4_167 } },
  // Mar: nothing moves.
  { month: '2026-04', mrrByAccount: { e: 4_167, c: 8_000, b: 2_000, a: 10_000 } },
];

describe('monthly MRR movements', () => {
  const months = monthlyMovements([...SNAPSHOTS].reverse()); // order of the input does not matter

  it('classifies each change of an account as one movement (hand-computed)', () => {
    expect(months.map((m) => m.month)).toEqual(['2026-01', '2026-02', '2026-03']);
    expect(months[0]).toMatchObject({
      startMrr: 14_000,
      endMrr: 20_000,
      new: 2_000,
      reactivation: 0,
      expansion: 8_000,
      contraction: 2_000,
      churn: 2_000,
      net: 6_000,
    });
    expect(months[1]).toMatchObject({
      startMrr: 20_000,
      endMrr: 24_167,
      new: 4_167,
      reactivation: 2_000,
      expansion: 0,
      contraction: 0,
      churn: 2_000,
      net: 4_167,
    });
    expect(months[2]).toMatchObject({
      startMrr: 24_167,
      endMrr: 24_167,
      new: 0,
      reactivation: 0,
      expansion: 0,
      contraction: 0,
      churn: 0,
      net: 0,
    });
  });

  it('reconciles: start + net = end, every month', () => {
    for (const m of months) expect(m.startMrr + m.net).toBe(m.endMrr);
  });

  it('states churn rates and ARPU per month (hand-computed)', () => {
    // Jan: 1 of 3 customers churned; (2,000 churn + 2,000 contraction) / 14,000; 20,000 / 3 customers.
    expect(months[0]).toMatchObject({ customersStart: 3, customersEnd: 3, customersChurned: 1, arpu: 6_667 });
    expect(months[0]?.customerChurnRate).toBeCloseTo(1 / 3, 10);
    expect(months[0]?.revenueChurnRate).toBeCloseTo(4_000 / 14_000, 10);
    // Feb: 1 of 3 churned (d); 2,000 / 20,000; 24,167 / 4.
    expect(months[1]).toMatchObject({ customersStart: 3, customersEnd: 4, customersChurned: 1, arpu: 6_042 });
    expect(months[1]?.revenueChurnRate).toBeCloseTo(0.1, 10);
    expect(months[2]).toMatchObject({ customerChurnRate: 0, revenueChurnRate: 0 });
  });

  it('has no rate without paying customers, and no month from one snapshot', () => {
    expect(
      monthlyMovements([
        { month: '2026-01', mrrByAccount: {} },
        { month: '2026-02', mrrByAccount: { a: 100 } },
      ])[0],
    ).toMatchObject({ new: 100, customerChurnRate: null, revenueChurnRate: null, arpu: 100 });
    expect(monthlyMovements(SNAPSHOTS.slice(0, 1))).toEqual([]);
  });

  it('names months in UTC', () => {
    expect(monthOf(Date.UTC(2026, 0, 31, 23, 59) / 1000)).toBe('2026-01');
    expect(monthOf(Date.UTC(2026, 1, 1) / 1000)).toBe('2026-02');
  });
});
