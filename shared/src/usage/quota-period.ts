// The period a quota counts over. The catalog's quotas are monthly whatever the billing interval:
// a yearly subscriber gets the plan's quota every month (not once a year), a daily or weekly one
// gets it once a month (not every renewal). Pure: no I/O, unit-tested without emulators.

/** A quota period, unix seconds, [start, end). */
export interface QuotaPeriod {
  readonly start: number;
  readonly end: number;
}

const DAY = 86_400;

/**
 * Unix seconds of the month boundary `monthOffset` months after the anchor's own month, with
 * Stripe's rule for monthly anchors: the anchor's day of month, clamped to the month's last day
 * (anchored on the 31st: Feb 28/29, Mar 31, Apr 30), at the anchor's time of day (UTC).
 */
function boundary(anchor: { year: number; month: number; day: number; secondOfDay: number }, monthOffset: number): number {
  const first = Date.UTC(anchor.year, anchor.month + monthOffset, 1) / 1000;
  const d = new Date(first * 1000);
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  return first + (Math.min(anchor.day, lastDay) - 1) * DAY + anchor.secondOfDay;
}

/**
 * The quota month containing `now`, anchored on `anchorSeconds` (Stripe's
 * `subscription.billing_cycle_anchor`). Months repeat forward and backward from the anchor, so an
 * anchor in the future (a trial's end) works too. The result depends only on the anchor and the
 * time, never on the stored billing period, so a late renewal event neither extends a month nor
 * resets one early.
 */
export function quotaMonth(anchorSeconds: number, nowSeconds: number): QuotaPeriod {
  const a = new Date(anchorSeconds * 1000);
  const anchor = {
    year: a.getUTCFullYear(),
    month: a.getUTCMonth(),
    day: a.getUTCDate(),
    secondOfDay: Math.floor(anchorSeconds) - Date.UTC(a.getUTCFullYear(), a.getUTCMonth(), a.getUTCDate()) / 1000,
  };
  const n = new Date(nowSeconds * 1000);
  // Months from the anchor's month to now's month; the boundary in now's month may still be ahead.
  let offset = (n.getUTCFullYear() - anchor.year) * 12 + (n.getUTCMonth() - anchor.month);
  if (boundary(anchor, offset) > nowSeconds) offset -= 1;
  return { start: boundary(anchor, offset), end: boundary(anchor, offset + 1) };
}
