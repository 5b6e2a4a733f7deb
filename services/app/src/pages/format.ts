// How the pages write dates (money: shared/src/money/format-money.ts). Dates are shown in UTC so
// the page, the server and the tests agree whatever the browser's time zone.
const dateFormat = new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' });

/** Unix seconds → "December 22, 2026". */
export function formatDate(unixSeconds: number): string {
  return dateFormat.format(new Date(unixSeconds * 1000));
}
