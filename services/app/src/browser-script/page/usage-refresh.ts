// Usage figures kept current without a reload: GET /api/usage every 30 seconds while the page is
// visible, each row (keyed by `data-feature`) updated in place, its bar's level (amber from 80%,
// red at 100%) with it. A failed poll is left for the next one: the figures shown stay true to
// their last read.
import { send } from './api.js';

interface Usage {
  feature: string;
  used: number;
  limit: number | 'unlimited';
}

const EVERY_MS = 30_000;

function level(used: number, limit: number | null): string {
  if (limit === null || limit === 0) return 'ok';
  if (used >= limit) return 'full';
  return used >= limit * 0.8 ? 'warn' : 'ok';
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
    const lvl = level(u.used, limit);
    row.classList.remove('level-ok', 'level-warn', 'level-full');
    row.classList.add(`level-${lvl}`);
    row.setAttribute('data-level', lvl);
  }
}

export function keepUsageFresh(): void {
  if (!document.querySelector('.usage-row')) return;
  window.setInterval(() => {
    if (document.visibilityState !== 'visible') return;
    send('GET', '/api/usage')
      .then((answer) => applyUsage((answer as { usage?: Usage[] } | null)?.usage ?? []))
      .catch(() => undefined);
  }, EVERY_MS);
}
