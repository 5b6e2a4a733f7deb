// The example host as a process: `npm start` runs it beside the app (port 8791).
// Environment: BILLING_URL (the app's URL), PORT; locally DEV_SERVICE_ACCOUNT, whose ID tokens the
// app's /dev/service-token signs. On Cloud Run the token comes from the metadata server instead
// (https://cloud.google.com/run/docs/authenticating/service-to-service), which is what
// google-auth-library's getIdTokenClient does too.
import { createHostApp } from './host.js';

const billingUrl = process.env['BILLING_URL'] ?? 'http://127.0.0.1:8789';
const port = Number(process.env['PORT'] ?? 8791);
const devAccount = process.env['DEV_SERVICE_ACCOUNT'];

async function text(url: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(url, { headers });
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return res.text();
}

/** A fresh token per call keeps the example short; a real host caches it for its hour. */
const idToken = devAccount
  ? () => text(`${billingUrl}/dev/service-token?email=${encodeURIComponent(devAccount)}`)
  : () =>
      text(
        `http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/identity?audience=${encodeURIComponent(billingUrl)}`,
        { 'Metadata-Flavor': 'Google' },
      );

createHostApp({ billingUrl, idToken }).listen(port, '127.0.0.1', () => {
  process.stdout.write(`example host listening on http://127.0.0.1:${port}\n`);
});
