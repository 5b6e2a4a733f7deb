// Usage figures kept current without a reload: GET /api/usage every 30 seconds while the page is
// visible, each row (keyed by `data-feature`) updated in place, its bar's level (amber from 80%,
// red at 100%, with an Upgrade button for owners and admins) with it, and its daily chart redrawn (with its table for screen readers) from the
// same model the server drew it with. A failed poll is left for the next one: the figures shown
// stay true to their last read.
import { CHART, dailyChart, dailySummary, type DailyUnits } from '../../pages/billing-page-daily.js';
import { send } from './api.js';
import { el } from './dom.js';

interface Usage {
  feature: string;
  used: number;
  limit: number | 'unlimited';
  byDay?: DailyUnits[];
}

export const USAGE_REFRESH_MS = 30_000;

function level(used: number, limit: number | null): string {
  if (limit === null || limit === 0) return 'ok';
  if (used >= limit) return 'full';
  return used >= limit * 0.8 ? 'warn' : 'ok';
}

const SVG = 'http://www.w3.org/2000/svg';

function svgRect(attrs: Record<string, string | number>, title?: string): SVGRectElement {
  const rect = document.createElementNS(SVG, 'rect');
  for (const [name, value] of Object.entries(attrs)) rect.setAttribute(name, String(value));
  if (title !== undefined) {
    const tip = document.createElementNS(SVG, 'title');
    tip.textContent = title;
    rect.append(tip);
  }
  return rect;
}

/** Redraws a row's daily chart (bars, table, summary) as billing-page-usage.ts draws it. */
function redrawDaily(figure: Element, feature: string, byDay: readonly DailyUnits[]): void {
  const svg = figure.querySelector('svg');
  const table = figure.querySelector('table');
  const caption = table?.querySelector('caption');
  const tbody = table?.querySelector('tbody');
  const summary = figure.querySelector('figcaption');
  if (!svg || !caption || !tbody || !summary) return;
  const chart = dailyChart(byDay);
  svg.setAttribute('viewBox', `0 0 ${chart.width} ${CHART.height}`);
  svg.replaceChildren(
    svgRect({ class: 'baseline', x: 0, y: CHART.height - 0.5, width: chart.width, height: 0.5 }),
    ...chart.bars.map((b) =>
      svgRect(
        { class: 'day', 'data-day': b.day, x: b.x, y: CHART.height - b.height, width: CHART.bar, height: b.height },
        `${b.label}: ${b.used.toLocaleString('en-US')}`,
      ),
    ),
  );
  caption.textContent = `${feature} per day, ${chart.range}`;
  tbody.replaceChildren(
    ...chart.bars.map((b) => el('tr', {}, el('th', { scope: 'row' }, b.label), el('td', {}, b.used.toLocaleString('en-US')))),
  );
  summary.textContent = dailySummary(chart);
}

/** A bar that filled up offers the way to a larger plan, as the server draws it (for owners and admins only). */
function upgradeWhenFull(row: HTMLElement, name: string, lvl: string): void {
  const button = row.querySelector('.upgrade');
  const manage = row.closest('[data-manage]')?.getAttribute('data-manage') === 'true';
  if (lvl !== 'full' || !manage) {
    button?.remove();
    return;
  }
  if (button) return;
  const upgrade = el(
    'a',
    {
      class: 'button small upgrade',
      href: '#plans',
      'data-testid': 'upgrade-quota',
      'aria-label': `Upgrade for more ${name.toLowerCase()}`,
    },
    'Upgrade',
  );
  row.insertBefore(upgrade, row.querySelector('figure[data-role=daily]'));
}

export function applyUsage(usage: readonly Usage[]): void {
  for (const u of usage) {
    const row = document.querySelector<HTMLElement>(`.usage-row[data-feature="${CSS.escape(u.feature)}"]`);
    const count = row?.querySelector('[data-role=count]');
    const bar = row?.querySelector('progress');
    if (!row || !count || !bar) continue;
    const limit = u.limit === 'unlimited' ? null : u.limit;
    count.textContent = `${u.used.toLocaleString('en-US')} / ${limit === null ? 'unlimited' : limit.toLocaleString('en-US')}`;
    const pct = limit ? Math.min(100, Math.round((u.used / limit) * 100)) : 0;
    bar.value = pct;
    const name = row.querySelector('.name')?.textContent ?? u.feature;
    bar.setAttribute('aria-label', `${name}: ${limit === null ? 'unlimited' : `${pct}% of this month's quota used`}`);
    const lvl = level(u.used, limit);
    row.classList.remove('level-ok', 'level-warn', 'level-full');
    row.classList.add(`level-${lvl}`);
    row.setAttribute('data-level', lvl);
    upgradeWhenFull(row, name, lvl);
    const figure = row.querySelector('figure[data-role=daily]');
    if (figure && u.byDay) redrawDaily(figure, name, u.byDay);
  }
}

export function keepUsageFresh(): void {
  if (!document.querySelector('.usage-row')) return;
  window.setInterval(() => {
    if (document.visibilityState !== 'visible') return;
    send('GET', '/api/usage')
      .then((answer) => applyUsage((answer as { usage?: Usage[] } | null)?.usage ?? []))
      .catch(() => undefined);
  }, USAGE_REFRESH_MS);
}
