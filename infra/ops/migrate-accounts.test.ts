// `npm run ops -- migrate-accounts` through the real CLI entry, against the Firestore emulator: the
// flags reach the use case, progress lines carry the id to resume after, and the result is JSON.
// (The migration's rules are specified in shared/src/accounts/migrate-accounts.test.ts.)
import { Timestamp } from '@google-cloud/firestore';
import { afterAll, describe, expect, it } from 'vitest';
import { Collection } from '@billing/shared/model/collections.js';
import { testFirestore, testProjectId } from '@billing/shared/testing/emulator.js';
import { opsOutput, runOpsCli } from './testing/ops-cli.js';

const projectId = testProjectId('migrate-cli');
const db = testFirestore(projectId);
afterAll(() => db.terminate());

async function ops(...args: string[]): Promise<ReturnType<typeof opsOutput>> {
  const { stdout } = await runOpsCli({ ...process.env, GOOGLE_CLOUD_PROJECT: projectId }, ...args);
  return opsOutput(stdout);
}

describe('npm run ops -- migrate-accounts', () => {
  // Each run starts a CLI process (tsx compiles it): a few seconds apiece.
  it('dry-runs, migrates page by page, and resumes after a given user', { timeout: 90_000 }, async () => {
    const created = Timestamp.fromMillis(1_700_000_000_000);
    for (const userId of ['u1', 'u2', 'u3']) {
      await db
        .collection(Collection.legacyUsers)
        .doc(userId)
        .set({ userId, email: `${userId}@example.com`, stripeCustomerId: null, billing: null, createdAt: created, updatedAt: created });
    }

    const dry = await ops('migrate-accounts', '--dry-run');
    expect(dry.result).toMatchObject({ dryRun: true, users: 3, accountsCreated: 3, lastUserId: 'u3' });
    expect((await db.collection(Collection.accounts).get()).size).toBe(0);

    const real = await ops('migrate-accounts', '--batch', '2', '--after', 'u1');
    expect(real.result).toMatchObject({ dryRun: false, users: 2, accountsCreated: 2, lastUserId: 'u3' });
    expect(real.progress.filter((l) => l['event'] === 'ops.migrate_accounts_page').map((l) => l['lastUserId'])).toEqual(['u3']);
    expect((await db.collection(Collection.accounts).get()).docs.map((d) => d.id)).toEqual(['u2', 'u3']);
  });

  it('refuses a batch size out of range, naming the flag', { timeout: 60_000 }, async () => {
    await expect(ops('migrate-accounts', '--batch', '0')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('--batch: cannot read "0"') as unknown,
    });
  });
});
