// The tiny HTML the stand-in's hosted pages are made of. Everything interpolated is escaped.
export function escapeHtml(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}

export function htmlPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse}td,th{padding:.25rem .75rem;border-bottom:1px solid #ddd;text-align:left}
form{display:inline-block;margin:.25rem 0}button{padding:.4rem 1rem}.note{color:#666}</style></head>
<body><p class="note">Stripe stand-in (local test double, not Stripe)</p>${body}</body></html>`;
}

export const money = (cents: number) => `$${(cents / 100).toFixed(2)}`;
