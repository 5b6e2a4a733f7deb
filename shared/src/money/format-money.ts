// The one way money is written for people: the app's pages (billing, revenue) call it, and the
// browser's copy in services/app/public/billing.js follows it (it cannot import this module).
//
// Stripe amounts are in the currency's minor unit as Stripe defines it (docs.stripe.com/currencies):
// whole units for its zero-decimal currencies, thousandths for its three-decimal ones, hundredths
// for every other (including ISK, HUF and TWD, which Stripe keeps two-decimal in the API although
// it only charges whole units of them).
export const ZERO_DECIMAL_CURRENCIES = [
  'bif',
  'clp',
  'djf',
  'gnf',
  'jpy',
  'kmf',
  'krw',
  'mga',
  'pyg',
  'rwf',
  'ugx',
  'vnd',
  'vuv',
  'xaf',
  'xof',
  'xpf',
] as const;
export const THREE_DECIMAL_CURRENCIES = ['bhd', 'jod', 'kwd', 'omr', 'tnd'] as const;
const ZERO_DECIMAL = new Set<string>(ZERO_DECIMAL_CURRENCIES);
const THREE_DECIMAL = new Set<string>(THREE_DECIMAL_CURRENCIES);

/** Stripe amount units per unit of `currency` (100 cents to the dollar, 1 for the yen). */
export function minorUnitsPerUnit(currency: string): number {
  const code = currency.toLowerCase();
  if (ZERO_DECIMAL.has(code)) return 1;
  return THREE_DECIMAL.has(code) ? 1000 : 100;
}

/** A Stripe amount in its smallest unit → "$20.00", "¥1,500" (en-US). */
export function formatMoney(amount: number, currency: string): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).format(
    amount / minorUnitsPerUnit(currency),
  );
}
