// How the pages write dates and money. Dates are shown in UTC so the page, the server and the
// tests agree whatever the browser's time zone.
const dateFormat = new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' });

/** Unix seconds → "December 22, 2026". */
export function formatDate(unixSeconds: number): string {
  return dateFormat.format(new Date(unixSeconds * 1000));
}

// Stripe amounts are in the currency's minor unit as Stripe defines it (docs.stripe.com/currencies):
// whole units for its zero-decimal currencies, thousandths for its three-decimal ones, hundredths
// for every other (including ISK, HUF and TWD, which Stripe keeps two-decimal in the API although
// it only charges whole units of them).
const ZERO_DECIMAL = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);
const THREE_DECIMAL = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);

/** Units of `currency` per Stripe amount unit. */
function minorUnitsPerUnit(currency: string): number {
  const code = currency.toLowerCase();
  if (ZERO_DECIMAL.has(code)) return 1;
  return THREE_DECIMAL.has(code) ? 1000 : 100;
}

/** A Stripe amount in its smallest unit → "$20.00", "¥1,500". */
export function formatMoney(amount: number, currency: string): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).format(amount / minorUnitsPerUnit(currency));
}
