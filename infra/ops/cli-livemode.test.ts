// The ops CLI follows the one livemode rule for its Stripe commands: STRIPE_LIVEMODE is stated, and
// a key of the other mode stops the command before anything is read or written.
import { describe, expect, it } from 'vitest';
import { runOpsCli } from './testing/ops-cli.js';

async function ops(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    await runOpsCli({ ...process.env, GOOGLE_CLOUD_PROJECT: 'demo-ops-livemode', STRIPE_API_BASE: 'http://127.0.0.1:9', ...env }, ...args);
    return { code: 0, stderr: '' };
  } catch (err) {
    const { code, stderr } = err as { code: number; stderr: string };
    return { code, stderr };
  }
}

describe('ops Stripe commands and STRIPE_LIVEMODE', () => {
  it.each([
    ['without STRIPE_LIVEMODE', { STRIPE_SECRET_KEY: 'sk_test_ops' }, /STRIPE_LIVEMODE .* is required/],
    [
      'a live key with STRIPE_LIVEMODE=false',
      { STRIPE_SECRET_KEY: 'sk_live_ops', STRIPE_LIVEMODE: 'false' },
      /STRIPE_LIVEMODE: is false but STRIPE_SECRET_KEY is a live key/,
    ],
    [
      'a test key with STRIPE_LIVEMODE=true',
      { STRIPE_SECRET_KEY: 'sk_test_ops', STRIPE_LIVEMODE: 'true' },
      /STRIPE_LIVEMODE: is true but STRIPE_SECRET_KEY is a test key/,
    ],
  ])(
    'resync refuses to run %s',
    async (_name, env, message) => {
      const result = await ops(env, 'resync');
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toContain('sk_live_ops');
    },
    30_000,
  );
});
