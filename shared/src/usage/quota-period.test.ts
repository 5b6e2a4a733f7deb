// The quota month, pure: month ends, leap years, anchors in the future, times of day.
import { describe, expect, it } from 'vitest';
import { quotaMonth } from './quota-period.js';

const at = (iso: string) => Date.parse(iso) / 1000;
const month = (anchor: string, now: string) => {
  const p = quotaMonth(at(anchor), at(now));
  return { start: new Date(p.start * 1000).toISOString(), end: new Date(p.end * 1000).toISOString() };
};

describe('quotaMonth', () => {
  it('starts on the anchor itself and runs one calendar month, at the anchor’s time of day', () => {
    expect(month('2026-03-15T09:30:00Z', '2026-03-15T09:30:00Z')).toEqual({
      start: '2026-03-15T09:30:00.000Z',
      end: '2026-04-15T09:30:00.000Z',
    });
    expect(month('2026-03-15T09:30:00Z', '2026-04-15T09:29:59Z')).toEqual({
      start: '2026-03-15T09:30:00.000Z',
      end: '2026-04-15T09:30:00.000Z',
    });
    expect(month('2026-03-15T09:30:00Z', '2026-04-15T09:30:00Z')).toEqual({
      start: '2026-04-15T09:30:00.000Z',
      end: '2026-05-15T09:30:00.000Z',
    });
  });

  it('clamps an anchor on the 31st to each month’s last day and returns to the 31st after', () => {
    const anchor = '2026-01-31T10:00:00Z';
    expect(month(anchor, '2026-02-10T00:00:00Z')).toEqual({ start: '2026-01-31T10:00:00.000Z', end: '2026-02-28T10:00:00.000Z' });
    expect(month(anchor, '2026-03-01T00:00:00Z')).toEqual({ start: '2026-02-28T10:00:00.000Z', end: '2026-03-31T10:00:00.000Z' });
    expect(month(anchor, '2026-04-30T09:59:59Z')).toEqual({ start: '2026-03-31T10:00:00.000Z', end: '2026-04-30T10:00:00.000Z' });
    expect(month(anchor, '2026-05-01T00:00:00Z')).toEqual({ start: '2026-04-30T10:00:00.000Z', end: '2026-05-31T10:00:00.000Z' });
  });

  it('ends February on the 29th in a leap year', () => {
    expect(month('2028-01-30T00:00:00Z', '2028-02-15T00:00:00Z')).toEqual({
      start: '2028-01-30T00:00:00.000Z',
      end: '2028-02-29T00:00:00.000Z',
    });
    expect(month('2027-12-31T23:59:59Z', '2028-03-01T00:00:00Z')).toEqual({
      start: '2028-02-29T23:59:59.000Z',
      end: '2028-03-31T23:59:59.000Z',
    });
  });

  it('crosses a year end', () => {
    expect(month('2026-06-20T12:00:00Z', '2027-01-05T00:00:00Z')).toEqual({
      start: '2026-12-20T12:00:00.000Z',
      end: '2027-01-20T12:00:00.000Z',
    });
  });

  it('counts months backward from an anchor in the future (a trial that has not ended)', () => {
    expect(month('2026-07-31T08:00:00Z', '2026-07-10T00:00:00Z')).toEqual({
      start: '2026-06-30T08:00:00.000Z',
      end: '2026-07-31T08:00:00.000Z',
    });
    expect(month('2026-03-31T08:00:00Z', '2026-03-01T00:00:00Z')).toEqual({
      start: '2026-02-28T08:00:00.000Z',
      end: '2026-03-31T08:00:00.000Z',
    });
  });

  it('is the same month across a year of a yearly subscription: twelve months, each a calendar month', () => {
    const anchor = at('2026-01-31T10:00:00Z');
    const starts: string[] = [];
    for (let t = anchor; t < at('2027-01-31T10:00:00Z'); t += 86_400) {
      const p = quotaMonth(anchor, t);
      expect(t).toBeGreaterThanOrEqual(p.start);
      expect(t).toBeLessThan(p.end);
      const iso = new Date(p.start * 1000).toISOString().slice(0, 10);
      if (starts.at(-1) !== iso) starts.push(iso);
    }
    expect(starts).toEqual([
      '2026-01-31',
      '2026-02-28',
      '2026-03-31',
      '2026-04-30',
      '2026-05-31',
      '2026-06-30',
      '2026-07-31',
      '2026-08-31',
      '2026-09-30',
      '2026-10-31',
      '2026-11-30',
      '2026-12-31',
    ]);
  });
});
