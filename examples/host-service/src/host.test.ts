// The example host's journey end to end: the host (its own port) gates a report with `check` and
// meters exports with `track`, against the billing app as production composes it (Firestore
// emulator, Stripe stand-in), authenticated with ID tokens from the app's local token service.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createStore } from '@billing/shared/firestore/store.js';
import { accountDocFixture, billingSummaryFixture } from '@billing/shared/testing/billing-summary-fixture.js';
import { listen, type Listening } from '../../../services/app/src/testing/listen.js';
import { startTestStack, type TestStack } from '../../../services/app/src/testing/stack.js';
import { createHostApp } from './host.js';

const HOST_SA = 'example-host@demo-billing.iam.gserviceaccount.com';
let stack: TestStack;
let host: Listening;

beforeAll(async () => {
  stack = await startTestStack({ env: { SERVICE_ACCOUNTS: HOST_SA } });
  const idToken = async () => (await fetch(`${stack.baseUrl}/dev/service-token?email=${HOST_SA}`)).text();
  host = await listen(createHostApp({ billingUrl: stack.baseUrl, idToken }));
});
afterAll(async () => {
  await host?.close();
  await stack?.close();
});

it('gates the report on the plan, meters exports once per Idempotency-Key, and passes refusals on', async () => {
  const store = createStore(stack.firestore);
  await store.accounts.doc('acct_host').set(accountDocFixture('acct_host', null));

  // Free: no advanced reports, no exports.
  const report = await fetch(`${host.baseUrl}/reports/acct_host`);
  expect(report.status).toBe(402);
  expect(await report.json()).toMatchObject({ error: { code: 'no_subscription', upgradeUrl: `${stack.baseUrl}/billing` } });
  const refused = await fetch(`${host.baseUrl}/exports/acct_host`, { method: 'POST' });
  expect(refused.status).toBe(402);
  expect(await refused.json()).toMatchObject({ error: { code: 'payment_required' } });

  // The account subscribes to Pro (as the applier writes it): the report opens, exports count.
  await store.accounts.doc('acct_host').update({ billing: billingSummaryFixture({ planId: 'pro' }) });
  await expect.poll(async () => (await fetch(`${host.baseUrl}/reports/acct_host`)).status, { timeout: 5_000 }).toBe(200);
  const first = await fetch(`${host.baseUrl}/exports/acct_host`, { method: 'POST', headers: { 'idempotency-key': 'export-1' } });
  expect(await first.json()).toEqual({ export: 'started', remaining: 999, replayed: false });
  const repeat = await fetch(`${host.baseUrl}/exports/acct_host`, { method: 'POST', headers: { 'idempotency-key': 'export-1' } });
  expect(await repeat.json()).toEqual({ export: 'started', remaining: 999, replayed: true });
  const second = await fetch(`${host.baseUrl}/exports/acct_host`, { method: 'POST', headers: { 'idempotency-key': 'export-2' } });
  expect(await second.json()).toMatchObject({ remaining: 998, replayed: false });

  // An unknown account is the billing API's 404, passed on.
  expect((await fetch(`${host.baseUrl}/reports/acct_nobody`)).status).toBe(404);
});
