// The admin revenue page as rendered, read back in chromium with the app's CSS.
import { describe, expect, it } from 'vitest';
import { computeRevenueSummary } from '@billing/shared/revenue/revenue-summary.js';
import { invoiceFixture, subscriptionFixture } from '@billing/shared/testing/revenue-fixtures.js';
import { pageBrowserForFile, scrollWidth } from '../testing/page-in-browser.js';
import { renderRevenuePage } from './revenue-page.js';

const browser = pageBrowserForFile();

const NOW = 1_800_000_000;
const summary = computeRevenueSummary({
  current: [
    subscriptionFixture('a', 'pro_month'),
    subscriptionFixture('b', 'team_year'),
    subscriptionFixture('c', 'pro_month', { status: 'trialing' }),
  ],
  endedInWindow: [],
  invoicesInWindow: [
    invoiceFixture('in_a', { amountPaid: 2_000, created: NOW - 86_400 }),
    invoiceFixture('in_b', { amountPaid: 150_000, currency: 'jpy', created: NOW - 86_400 }),
  ],
  invoicesWithIssue: [],
  now: NOW,
});

describe('revenue page', () => {
  it('shows MRR at the prices paid, and money collected per currency in its own minor unit', async () => {
    const page = await browser().show(renderRevenuePage(summary));
    expect(await page.textContent('[data-testid=mrr]')).toBe(
      `$${((2_000 + 100_000 / 12) / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`,
    );
    expect(await page.textContent('[data-testid=collected]')).toBe('¥150,000 + $20.00'); // sorted by currency code
    expect(await page.textContent('[data-testid=trialing]')).toBe('1');
  });

  it('counts the seats paid on a plan priced per seat, and none on a flat plan', async () => {
    const withSeats = computeRevenueSummary({
      current: [subscriptionFixture('t', 'team_month', {}, 4), subscriptionFixture('p', 'pro_month')],
      endedInWindow: [],
      invoicesInWindow: [],
      invoicesWithIssue: [],
      now: NOW,
    });
    const page = await browser().show(renderRevenuePage(withSeats));
    expect(await page.textContent('[data-testid=by-plan] tr[data-plan=team] [data-testid=seats]')).toBe('4');
    expect(await page.textContent('[data-testid=by-plan] tr[data-plan=pro] [data-testid=seats]')).toBe('');
  });

  it('fits a 390 px phone, figures two a row', async () => {
    const page = await browser().show(renderRevenuePage(summary), 390);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(390);
    const [mrr, arr] = await Promise.all(['mrr', 'arr'].map((id) => page.locator(`[data-testid=${id}]`).boundingBox()));
    expect(mrr?.y).toBe(arr?.y); // side by side
  });
});
