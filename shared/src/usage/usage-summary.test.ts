// The usage summary: its daily series (pure), and on the emulator the days as the recorder stores
// them, and figures that never dip below what this instance recorded.
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../logging/logger.js';
import { Collection } from '../model/collections.js';
import { AccountId } from '../model/ids.js';
import type { Clock } from '../ports/clock.js';
import { accountDocFixture } from '../testing/billing-summary-fixture.js';
import { testFirestore } from '../testing/emulator.js';
import { firestoreBillingSource } from './usage-account.js';
import { createUsageRecorder } from './usage-recorder.js';
import { createUsageSummary, dailySeries } from './usage-summary.js';

const at = (iso: string) => Date.parse(iso) / 1000;

describe('dailySeries', () => {
  it('lists every UTC day from the first to the last, 0 on a day without units, whatever the hour the period starts', () => {
    expect(dailySeries({ '2026-06-11': 4, '2026-06-13': 1 }, at('2026-06-10T21:30:00Z'), at('2026-06-13T00:00:00Z'))).toEqual([
      { day: '2026-06-10', used: 0 },
      { day: '2026-06-11', used: 4 },
      { day: '2026-06-12', used: 0 },
      { day: '2026-06-13', used: 1 },
    ]);
  });

  it('leaves out days outside the range, and crosses month and year ends', () => {
    expect(
      dailySeries(
        { '2026-12-30': 9, '2026-12-31': 2, '2027-01-01': 3, '2027-01-03': 7 },
        at('2026-12-31T09:30:00Z'),
        at('2027-01-02T23:59:59Z'),
      ),
    ).toEqual([
      { day: '2026-12-31', used: 2 },
      { day: '2027-01-01', used: 3 },
      { day: '2027-01-02', used: 0 },
    ]);
  });

  it('is one day when the period started today', () => {
    expect(dailySeries({}, at('2026-06-10T09:30:00Z'), at('2026-06-10T10:00:00Z'))).toEqual([{ day: '2026-06-10', used: 0 }]);
  });
});

describe('the summary on the emulator', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  it('has the days the recorder stored, and does not dip to an older read once the instance forgot its counter', async () => {
    const db = testFirestore();
    cleanup.push(() => db.terminate());
    const user = AccountId.parse('u_summary_days');
    await db
      .collection(Collection.accounts)
      .doc(user)
      .set(accountDocFixture(user, null, { email: null })); // Free: the calendar month
    let now = Date.parse('2026-11-02T23:59:58Z');
    const clock: Clock = { now: () => now };
    const billing = firestoreBillingSource(db, { clock, ttlMs: 0 });
    const recorder = createUsageRecorder({
      db,
      clock,
      billing,
      logger: silentLogger(),
      upgradeUrl: '/billing',
      pastDueGraceSeconds: 0,
      autoFlush: false,
    });
    cleanup.push(() => recorder.close());
    const summary = createUsageSummary({ db, billing, clock, recorder, pastDueGraceSeconds: 0 });
    const analyses = async () => (await summary.summary(user, { days: true })).find((r) => r.feature === 'analyses');

    expect(await analyses()).toMatchObject({
      used: 0,
      byDay: [
        { day: '2026-11-01', used: 0 },
        { day: '2026-11-02', used: 0 },
      ],
    });
    await recorder.record({ accountId: user, userId: user }, 'analyses', 3);
    now += 1_500; // Nov 3, 00:00:00.5: the month so far has three days
    await recorder.flush();
    now += 2_500; // idle: the lease goes back, then the counter is forgotten
    await recorder.flush();
    await recorder.flush();
    expect(recorder.localUsage(user, 'analyses', at('2026-11-01T00:00:00Z'))).toBeNull();
    // 4 s after the first read: a read reused for 5 s would say 0.
    expect(await analyses()).toMatchObject({
      used: 3,
      byDay: [
        { day: '2026-11-01', used: 0 },
        { day: '2026-11-02', used: 3 }, // written on Nov 2 with the lease taken ahead
        { day: '2026-11-03', used: 0 },
      ],
    });
  });
});
