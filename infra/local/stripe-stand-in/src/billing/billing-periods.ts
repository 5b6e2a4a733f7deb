// Calendar arithmetic for recurring prices, in UTC like Stripe: a monthly period that starts on
// Jan 31 ends on Feb 28/29 (the day is clamped to the month's length).
import type Stripe from 'stripe';

const DAY = 86_400;

export function addInterval(start: number, interval: Stripe.Price.Recurring.Interval, count = 1): number {
  switch (interval) {
    case 'day':
      return start + count * DAY;
    case 'week':
      return start + count * 7 * DAY;
    case 'month':
      return addMonths(start, count);
    case 'year':
      return addMonths(start, 12 * count);
    default:
      // The SDK widens the type with OtherString for forward compatibility; the catalog has none.
      throw new Error(`unsupported interval ${interval}`);
  }
}

function addMonths(start: number, months: number): number {
  const d = new Date(start * 1000);
  const day = d.getUTCDate();
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return Math.floor(target.getTime() / 1000);
}

export const days = (n: number): number => n * DAY;
