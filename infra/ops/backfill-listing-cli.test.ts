// `npm run ops -- backfill-listing` through the real CLI entry, against the Firestore emulator: the
// flags reach the use case, progress lines carry the account id to resume after, and the result is
// JSON; `--help` explains the command without any environment. (The backfill's rules are specified
// in shared/src/admin/backfill-listing.test.ts.)
import { afterAll, describe, expect, it } from 'vitest';
import { createStore } from '@billing/shared/firestore/store.js';
import { accountDocFixture } from '@billing/shared/testing/billing-summary-fixture.js';
import { testFirestore, testProjectId } from '@billing/shared/testing/emulator.js';
import { opsOutput, runOpsCli } from './testing/ops-cli.js';

const projectId = testProjectId('listing-cli');
const db = testFirestore(projectId);
afterAll(() => db.terminate());

/** Only PATH: `--help` must work without any configuration. */
const cli = (env: Record<string, string>, ...args: string[]) => runOpsCli({ PATH: process.env['PATH'] ?? '', ...env }, ...args);

async function ops(...args: string[]): Promise<ReturnType<typeof opsOutput>> {
  const { stdout } = await cli(
    {
      FIRESTORE_EMULATOR_HOST: process.env['FIRESTORE_EMULATOR_HOST'] ?? '',
      PUBSUB_EMULATOR_HOST: process.env['PUBSUB_EMULATOR_HOST'] ?? '',
      GOOGLE_CLOUD_PROJECT: projectId,
    },
    ...args,
  );
  return opsOutput(stdout);
}

describe('npm run ops -- backfill-listing', () => {
  it('dry-runs, then writes page by page from a given account on', { timeout: 90_000 }, async () => {
    const store = createStore(db);
    for (const id of ['acct1', 'acct2', 'acct3']) await store.accounts.doc(id).set(accountDocFixture(id, null));

    const dry = await ops('backfill-listing', '--dry-run');
    expect(dry.result).toMatchObject({ dryRun: true, accounts: 3, added: 3, lastAccountId: 'acct3' });
    expect((await store.accounts.doc('acct1').get()).data()?.listing).toBeUndefined();

    const real = await ops('backfill-listing', '--batch', '1', '--after', 'acct1');
    expect(real.result).toMatchObject({ dryRun: false, accounts: 2, added: 2, lastAccountId: 'acct3' });
    expect(real.progress.filter((l) => l['event'] === 'ops.backfill_listing_page').map((l) => l['lastAccountId'])).toEqual([
      'acct2',
      'acct3',
    ]);
    const listings = await Promise.all(['acct1', 'acct2', 'acct3'].map(async (id) => (await store.accounts.doc(id).get()).data()?.listing));
    expect(listings).toEqual([undefined, { status: 'none', planId: null, mrr: 0 }, { status: 'none', planId: null, mrr: 0 }]);
  });

  it('explains itself with --help, before reading any configuration', { timeout: 60_000 }, async () => {
    const { stdout } = await cli({}, 'backfill-listing', '--help');
    expect(stdout).toContain('npm run ops -- backfill-listing [--dry-run] [--batch 200] [--after <accountId>]');
    const revenue = await cli({}, 'revenue-backfill', '--help');
    expect(revenue.stdout).toContain('Source: Stripe.');
  });
});
