// `npm run ops -- service-key create|list|revoke` through the real CLI entry, against the Firestore
// emulator: the secret is printed once, only its hash is stored, and a revoked key stays listed.
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { testFirestore, testProjectId } from '@billing/shared/testing/emulator.js';
import { runOpsCli } from './testing/ops-cli.js';
const projectId = testProjectId('service-key-cli');
const db = testFirestore(projectId);
afterAll(() => db.terminate());

async function ops(...args: string[]): Promise<unknown> {
  const { stdout } = await runOpsCli({ ...process.env, GOOGLE_CLOUD_PROJECT: projectId }, 'service-key', ...args);
  return JSON.parse(stdout) as unknown;
}

describe('npm run ops -- service-key', () => {
  it('creates a scoped key (secret shown once, hash stored), lists it, revokes it; refuses bad flags', async () => {
    const created = (await ops('create', '--name', 'crm', '--scopes', 'check,read')) as { id: string; key: string; scopes: string[] };
    expect(created.scopes).toEqual(['check', 'read']);
    const stored = await db.collection('service_keys').doc(createHash('sha256').update(created.key).digest('hex')).get();
    expect(stored.get('id')).toBe(created.id);
    expect(JSON.stringify(stored.data())).not.toContain(created.key);
    expect(await ops('list')).toEqual([expect.objectContaining({ id: created.id, name: 'crm', revokedAt: null })]);
    expect(await ops('revoke', '--id', created.id)).toMatchObject({ id: created.id, revokedAt: expect.any(String) as string });
    await expect(ops('create', '--name', 'x', '--scopes', 'admin')).rejects.toThrow(/--scopes/);
    await expect(ops('create')).rejects.toThrow(/--name/);
    await expect(ops('revoke', '--id', 'svckey_nope')).rejects.toThrow(/--id/);
  }, 60_000);
});
