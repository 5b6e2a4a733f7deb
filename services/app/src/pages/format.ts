// How the pages write dates and plan prices (money: shared/src/money/format-money.ts). Dates are
// shown in UTC so the page, the server and the tests agree whatever the browser's time zone. Pure
// (Intl only): the browser script bundles this same module (src/browser-script), so the page and
// what the script writes into it cannot disagree.
import { formatMoney } from '@billing/shared/money/format-money.js';

const dateFormat = new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' });

/** Unix seconds → "December 22, 2026". */
export function formatDate(unixSeconds: number): string {
  return dateFormat.format(new Date(unixSeconds * 1000));
}

/** "month" → "month"; the adjective the interval toggle and review use: "monthly". */
export const INTERVAL_ADJECTIVES = { day: 'daily', week: 'weekly', month: 'monthly', year: 'yearly' } as const;

/** "$20.00 / month", "$100.00 / seat / month". */
export function formatPrice(amount: number, currency: string, interval: string, perSeat = false): string {
  return `${formatMoney(amount, currency)} / ${perSeat ? 'seat / ' : ''}${interval}`;
}

/** 3 → "3 seats", 1 → "1 seat". */
export const formatSeats = (n: number): string => `${n.toLocaleString('en-US')} ${n === 1 ? 'seat' : 'seats'}`;

/** A card brand key as people write it: "visa" → "Visa", "amex" → "American Express". */
export function formatCardBrand(brand: string): string {
  const names: Record<string, string> = {
    amex: 'American Express',
    diners: 'Diners Club',
    jcb: 'JCB',
    unionpay: 'UnionPay',
    mastercard: 'Mastercard',
    visa: 'Visa',
    discover: 'Discover',
  };
  return names[brand] ?? (brand ? brand[0]?.toUpperCase() + brand.slice(1) : 'Card');
}

/** "Visa ending 4242, expires 12/2034". */
export function formatCard(card: { brand: string; last4: string; expMonth: number; expYear: number }): string {
  return `${formatCardBrand(card.brand)} ending ${card.last4}, expires ${String(card.expMonth).padStart(2, '0')}/${card.expYear}`;
}

/**
 * A metered unit price (Stripe's `unit_amount_decimal`, in cents) per a round number of units so it
 * reads in whole cents: 0.01¢ per API call → "$0.10 per 1,000", 0.0002¢ per token → "$2.00 per 1,000,000".
 */
export function formatUnitPrice(unitAmountDecimal: string, currency: string): { amount: string; per: number } {
  let per = 1;
  let cents = Number(unitAmountDecimal);
  while (cents > 0 && cents < 1 && per < 1_000_000_000) {
    per *= 1000;
    cents = Number(unitAmountDecimal) * per;
  }
  return { amount: formatMoney(Math.round(cents), currency), per };
}
