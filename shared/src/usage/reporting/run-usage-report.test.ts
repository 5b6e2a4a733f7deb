// Usage recorded by the app reaches Stripe exactly once, through the real outbox on the Firestore
// emulator and the real SDK against the Stripe stand-in over HTTP, across crashes and failures.
import { Timestamp, type Firestore } from '@google-cloud/firestore';
import { afterEach, describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import { createStandIn, type StandIn } from '@billing/stripe-stand-in/stand-in.js';
import { silentLogger } from '../../logging/logger.js';
import { Collection } from '../../model/collections.js';
import { AccountId } from '../../model/ids.js';
import { systemClock } from '../../ports/clock.js';
import type { MeterEventSender } from '../../ports/meter-event-sender.js';
import { createSdkMeterEventSender } from '../../stripe/meter-event-sender-sdk.js';
import { createStripeClient } from '../../stripe/stripe-client.js';
import { billingSummaryFixture, accountDocFixture } from '../../testing/billing-summary-fixture.js';
import { testFirestore } from '../../testing/emulator.js';
import { firestoreBillingSource } from '../usage-account.js';

import { createUsageRecorder } from '../usage-recorder.js';
import { claimUsageReports } from './claim-usage-reports.js';
import { runUsageReport } from './run-usage-report.js';
import { createStore } from '../../firestore/store.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

interface World {
  db: Firestore;
  standIn: StandIn;
  stripe: Stripe;
  sender: MeterEventSender;
}

async function world(maxNetworkRetries = 0): Promise<World> {
  const db = testFirestore();
  const standIn = createStandIn({ webhookSecret: 'whsec_usage_test' });
  const server = await standIn.listen(0);
  cleanup.push(
    () => db.terminate(),
    () => server.close(),
  );
  const stripe = createStripeClient({ secretKey: 'sk_test_usage', apiBase: server.url, maxNetworkRetries, timeoutMs: 5_000 });
  return { db, standIn, stripe, sender: createSdkMeterEventSender(stripe) };
}

/** A team subscriber (api_calls billed through the `api_calls` meter) with a real stand-in customer. */
async function teamUser(w: World, name: string): Promise<{ accountId: AccountId; customerId: string }> {
  const customer = await w.stripe.customers.create({ metadata: { accountId: name } });
  const billing = billingSummaryFixture({
    customerId: customer.id,
    subscriptionId: 'sub_x',
    planId: 'team',
    priceId: 'price_team_month',
    currentPeriodEnd: Math.floor(Date.now() / 1000) + 86_400,
  });
  await w.db
    .collection(Collection.accounts)
    .doc(name)
    .set(accountDocFixture(name, billing, { email: null }));
  return { accountId: AccountId.parse(name), customerId: customer.id };
}

/** Records `batches` (one flush each) through the real recorder; returns the units admitted. */
async function use(w: World, accountId: AccountId, batches: number[]): Promise<number> {
  const recorder = createUsageRecorder({
    db: w.db,
    clock: systemClock,
    billing: firestoreBillingSource(w.db, { clock: systemClock, ttlMs: 0 }),
    logger: silentLogger(),
    upgradeUrl: '/billing',
    pastDueGraceSeconds: 3 * 86_400,
    autoFlush: false,
    flushIntervalMs: 0,
  });
  let total = 0;
  for (const units of batches) {
    await Promise.all(Array.from({ length: units }, () => recorder.record({ accountId, userId: accountId }, 'api_calls')));
    total += units;
    await recorder.flush();
  }
  await recorder.close();
  return total;
}

const billed = (w: World, customerId: string) => w.standIn.meterEvents(customerId, 'api_calls').reduce((sum, e) => sum + e.value, 0);
const run = (w: World, sender: MeterEventSender = w.sender) =>
  runUsageReport({ db: w.db, sender, clock: systemClock, logger: silentLogger() });

describe('reportUsage', () => {
  it('reports every recorded unit once, aggregated into one meter event per customer per run, with deterministic identifiers', async () => {
    const w = await world();
    const a = await teamUser(w, 'ua');
    const b = await teamUser(w, 'ub');
    const usedA = await use(w, a.accountId, [5, 7, 11]);
    const usedB = await use(w, b.accountId, [3]);
    expect((await createStore(w.db).usageOutbox.get()).size).toBeGreaterThanOrEqual(2);

    const result = await run(w);
    expect(result).toMatchObject({ sent: 2, failed: 0, retryLater: 0, units: usedA + usedB });
    expect(w.standIn.meterEvents(a.customerId)).toHaveLength(1); // one call per customer, not per unit or flush
    expect(w.standIn.meterEvents(b.customerId)).toHaveLength(1);
    expect(billed(w, a.customerId)).toBe(usedA);
    expect(billed(w, b.customerId)).toBe(usedB);
    const [event] = w.standIn.meterEvents(a.customerId);
    expect(event?.identifier).toMatch(/^usage_[0-9a-f]{48}$/);
    expect(Math.abs((event?.timestamp ?? 0) - Date.now() / 1000)).toBeLessThan(60);

    expect(await run(w)).toMatchObject({ sent: 0, claimed: 0, resent: 0 }); // nothing left
    expect(billed(w, a.customerId)).toBe(usedA);
  });

  it('a reporter that dies after claiming (before sending) is finished by the next run, exactly once', async () => {
    const w = await world();
    const a = await teamUser(w, 'uc');
    const used = await use(w, a.accountId, [4, 6]);
    const claimed = await claimUsageReports(w.db, { nowMs: Date.now(), scanLimit: 100, busy: new Set() });
    expect(claimed).toHaveLength(1);
    // ...and the process dies here: nothing sent.
    expect(billed(w, a.customerId)).toBe(0);

    const more = await use(w, a.accountId, [2]); // new usage meanwhile waits for the run after
    const second = await run(w);
    expect(second).toMatchObject({ resent: 1, sent: 1 });
    expect(billed(w, a.customerId)).toBe(used);
    expect(await run(w)).toMatchObject({ sent: 1 });
    expect(billed(w, a.customerId)).toBe(used + more);
    expect(w.standIn.meterEvents(a.customerId)).toHaveLength(2);
  });

  it('a reporter that dies after Stripe accepted (before marking sent) resends the same identifier; Stripe counts it once', async () => {
    const w = await world();
    const a = await teamUser(w, 'ud');
    const used = await use(w, a.accountId, [9]);
    const crashAfterSend: MeterEventSender = {
      async send(event) {
        await w.sender.send(event);
        throw new Error('process killed after the send');
      },
    };
    await expect(run(w, crashAfterSend)).rejects.toThrow('process killed');
    expect(billed(w, a.customerId)).toBe(used);
    const report = (await createStore(w.db).usageReports.get()).docs[0]?.data();
    expect(report?.state).toBe('claimed');

    expect(await run(w)).toMatchObject({ resent: 1, sent: 1 }); // Stripe answers resource_already_exists: recorded
    expect(billed(w, a.customerId)).toBe(used);
    expect(w.standIn.meterEvents(a.customerId)).toHaveLength(1);
    expect(
      (
        await createStore(w.db)
          .usageReports.doc(report?.identifier ?? '')
          .get()
      ).data()?.state,
    ).toBe('sent');
  });

  it('Stripe answering 500 several times leaves the report claimed, and a later run bills it exactly once', async () => {
    const w = await world(0);
    const a = await teamUser(w, 'ue');
    const used = await use(w, a.accountId, [8]);
    w.standIn.failures.add({ method: 'POST', path: '/v1/billing/meter_events', status: 500, count: 2 });
    expect(await run(w)).toMatchObject({ sent: 0, retryLater: 1 });
    expect(await run(w)).toMatchObject({ sent: 0, retryLater: 1 });
    expect(billed(w, a.customerId)).toBe(0);
    expect(await run(w)).toMatchObject({ sent: 1, units: used });
    expect(billed(w, a.customerId)).toBe(used);
    const report = (await createStore(w.db).usageReports.get()).docs[0]?.data();
    expect(report).toMatchObject({ state: 'sent', attempts: 3, lastError: null });
  });

  it('a 429 is backed off and retried inside one run', async () => {
    const w = await world(2);
    const a = await teamUser(w, 'uf');
    const used = await use(w, a.accountId, [3]);
    w.standIn.failures.add({ method: 'POST', path: '/v1/billing/meter_events', status: 429, count: 1 });
    expect(await run(w)).toMatchObject({ sent: 1, units: used });
    expect(billed(w, a.customerId)).toBe(used);
  });

  it('usage older than Stripe accepts is not sent, marked failed and kept for inspection', async () => {
    const w = await world();
    const a = await teamUser(w, 'ug');
    const old = Math.floor(Date.now() / 1000) - 40 * 86_400;
    await createStore(w.db)
      .usageOutbox.doc('old-entry')
      .set({
        accountId: 'ug',
        customerId: a.customerId,
        feature: 'api_calls',
        eventName: 'api_calls',
        value: 5,
        timestamp: old,
        periodStart: old - 100,
        periodEnd: old + 100,
        state: 'pending',
        reportId: null,
        createdAt: Timestamp.now(),
        expireAt: Timestamp.now(),
      });
    expect(await run(w)).toMatchObject({ failed: 1, sent: 0 });
    expect(billed(w, a.customerId)).toBe(0);
    expect((await createStore(w.db).usageReports.get()).docs[0]?.data()).toMatchObject({
      state: 'failed',
      lastError: 'outside_stripe_window',
    });
  });
});
