// The revenue page's charts as server-rendered SVG (no script, no library): MRR at the start of each
// month, and the net MRR movements of each month, gains stacked above the axis and losses below.
// Every number drawn is also in the table beside the chart, for screen readers and exact reading.
import type { MonthMovements } from '@billing/shared/revenue/mrr-movements.js';
import { usd } from './admin-layout.js';
import { html, type SafeHtml } from './html.js';

const W = 640;
const H = 220;
const PAD = { left: 56, right: 8, top: 12, bottom: 28 };

const GAINS = [
  { key: 'new', label: 'New', color: '#2e7d32' },
  { key: 'reactivation', label: 'Reactivation', color: '#66bb6a' },
  { key: 'expansion', label: 'Expansion', color: '#1565c0' },
] as const;
const LOSSES = [
  { key: 'contraction', label: 'Contraction', color: '#ef8f00' },
  { key: 'churn', label: 'Churn', color: '#c62828' },
] as const;

const short = (cents: number) => (Math.abs(cents) >= 100_000 ? `$${Math.round(cents / 100_000)}k` : `$${Math.round(cents / 100)}`);

function frame(title: string, testId: string, body: SafeHtml, legend: SafeHtml | null): SafeHtml {
  return html`<figure class="chart" data-testid="${testId}">
    <svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${title}" preserveAspectRatio="xMidYMid meet">${body}</svg>
    <figcaption>${title}${legend}</figcaption>
  </figure>`;
}

/** Bars of MRR at the start of each month (cents). */
export function mrrChart(points: { month: string; mrr: number }[]): SafeHtml {
  const max = Math.max(1, ...points.map((p) => p.mrr));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const step = plotW / Math.max(1, points.length);
  const bars = points.map((p, i) => {
    const h = (p.mrr / max) * plotH;
    const x = PAD.left + i * step + step * 0.15;
    return html`<rect x="${x.toFixed(1)}" y="${(PAD.top + plotH - h).toFixed(1)}" width="${(step * 0.7).toFixed(1)}" height="${h.toFixed(1)}" fill="#1f2a44"><title>${p.month}: ${usd(p.mrr)}</title></rect>
      <text x="${(x + step * 0.35).toFixed(1)}" y="${H - 10}" font-size="11" text-anchor="middle" fill="#555">${p.month.slice(2)}</text>`;
  });
  return frame(
    'MRR at the start of each month',
    'mrr-chart',
    html`<line x1="${PAD.left}" y1="${PAD.top + plotH}" x2="${W - PAD.right}" y2="${PAD.top + plotH}" stroke="#999" />
      <text x="${PAD.left - 6}" y="${PAD.top + 10}" font-size="11" text-anchor="end" fill="#555">${short(max)}</text>
      <text x="${PAD.left - 6}" y="${PAD.top + plotH}" font-size="11" text-anchor="end" fill="#555">$0</text>${bars}`,
    null,
  );
}

/** Net MRR movements per month: gains stacked up from the axis, losses down; a dot marks the net. */
export function movementsChart(months: MonthMovements[]): SafeHtml {
  const up = months.map((m) => m.new + m.reactivation + m.expansion);
  const down = months.map((m) => m.contraction + m.churn);
  const max = Math.max(1, ...up, ...down);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const zero = PAD.top + plotH / 2;
  const scale = plotH / 2 / max;
  const step = plotW / Math.max(1, months.length);
  const columns = months.map((m, i) => {
    const x = PAD.left + i * step + step * 0.15;
    const width = (step * 0.7).toFixed(1);
    let top = zero;
    const gains = GAINS.map((g) => {
      const h = m[g.key] * scale;
      top -= h;
      return h > 0
        ? html`<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${width}" height="${h.toFixed(1)}" fill="${g.color}"><title>${m.month} ${g.label}: ${usd(m[g.key])}</title></rect>`
        : null;
    });
    let bottom = zero;
    const losses = LOSSES.map((l) => {
      const h = m[l.key] * scale;
      const y = bottom;
      bottom += h;
      return h > 0
        ? html`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${width}" height="${h.toFixed(1)}" fill="${l.color}"><title>${m.month} ${l.label}: −${usd(m[l.key])}</title></rect>`
        : null;
    });
    const net = html`<circle cx="${(x + step * 0.35).toFixed(1)}" cy="${(zero - m.net * scale).toFixed(1)}" r="3.5" fill="#000"><title>${m.month} net: ${usd(m.net)}</title></circle>`;
    return html`${gains}${losses}${net}<text x="${(x + step * 0.35).toFixed(1)}" y="${H - 10}" font-size="11" text-anchor="middle" fill="#555">${m.month.slice(2)}</text>`;
  });
  const legend = html`<span class="legend">${[...GAINS, ...LOSSES].map((s) => html`<span><svg width="10" height="10" aria-hidden="true"><rect width="10" height="10" fill="${s.color}" /></svg> ${s.label}</span>`)}<span>● net</span></span>`;
  return frame(
    'Net MRR movements per month',
    'movements-chart',
    html`<line x1="${PAD.left}" y1="${zero}" x2="${W - PAD.right}" y2="${zero}" stroke="#999" />
      <text x="${PAD.left - 6}" y="${PAD.top + 10}" font-size="11" text-anchor="end" fill="#555">+${short(max)}</text>
      <text x="${PAD.left - 6}" y="${H - PAD.bottom}" font-size="11" text-anchor="end" fill="#555">−${short(max)}</text>${columns}`,
    legend,
  );
}
