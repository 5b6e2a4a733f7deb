// The billing page's daily usage chart as plain data: one bar per UTC day of the quota month so
// far (a day without usage is a bar of 0), scaled to the busiest day, with the words that say the
// same to a screen reader. Pure (Intl only): the server renders it (billing-page-usage.ts) and the
// browser script redraws it from GET /api/usage (browser-script/page/usage-refresh.ts), so the
// chart drawn and the chart refreshed cannot disagree.

export interface DailyUnits {
  /** UTC day, 'YYYY-MM-DD'. */
  day: string;
  used: number;
}

export interface DailyBar extends DailyUnits {
  /** The day as people write it: "June 12". */
  label: string;
  /** Left edge and height in the chart's viewBox (`CHART`). */
  x: number;
  height: number;
}

export interface DailyChart {
  bars: DailyBar[];
  /** The busiest day's units (0 when nothing was used). */
  peak: number;
  /** The whole viewBox width: one slot per day. */
  width: number;
  /** "June 10 – June 14": the days the chart covers. */
  range: string;
}

/** The viewBox: each day a slot of `slot` units with a bar `bar` wide, bars at most `height` tall. */
export const CHART = { slot: 10, bar: 8, height: 40 } as const;

const dayFormat = new Intl.DateTimeFormat('en-US', { month: 'long', day: 'numeric', timeZone: 'UTC' });

/** 'YYYY-MM-DD' → "June 12" (the day in UTC, as stored). */
export function formatDay(day: string): string {
  return dayFormat.format(new Date(`${day}T00:00:00Z`));
}

export function dailyChart(series: readonly DailyUnits[]): DailyChart {
  const peak = Math.max(0, ...series.map((d) => d.used));
  const bars = series.map((d, i) => ({
    ...d,
    label: formatDay(d.day),
    x: i * CHART.slot + (CHART.slot - CHART.bar) / 2,
    // A day with any usage stays visible next to a far busier one.
    height: peak === 0 || d.used === 0 ? 0 : Math.max(1, Math.round((d.used / peak) * CHART.height)),
  }));
  const first = bars[0];
  const last = bars[bars.length - 1];
  const range = first && last ? (first === last ? first.label : `${first.label} – ${last.label}`) : '';
  return { bars, peak, width: Math.max(1, series.length) * CHART.slot, range };
}

/** "busiest day June 12: 340" or "nothing used yet": the chart's one-line summary under it. */
export function dailySummary(chart: DailyChart): string {
  if (chart.peak === 0) return `Per day, ${chart.range}: nothing used yet`;
  const busiest = chart.bars.find((b) => b.used === chart.peak);
  return `Per day, ${chart.range}: busiest ${busiest?.label ?? ''}, ${chart.peak.toLocaleString('en-US')}`;
}
