import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@billing/shared/config/parse-env.js';
import { isLoopbackHttpUrl, loadConfig } from './config.js';

const base = {
  GOOGLE_CLOUD_PROJECT: 'demo-billing',
  STRIPE_SECRET_KEY: 'sk_test_abc',
  STRIPE_LIVEMODE: 'false',
  STRIPE_PRICE_IDS: '{"pro_month":"price_pro_month"}',
  PUBLIC_BASE_URL: 'https://app.example.com/',
};
const AUDIENCE = '/projects/123/global/backendServices/456';
/** What `npm start` runs: dev identity on this machine only. */
const local = { ...base, PUBLIC_BASE_URL: 'http://127.0.0.1:8789', DEV_IAP: 'true' };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('loadConfig', () => {
  it('parses a production (IAP) configuration with defaults', () => {
    const config = loadConfig({ ...base, IAP_AUDIENCE: AUDIENCE });
    expect(config.identity).toEqual({ mode: 'iap', audience: AUDIENCE });
    expect(config.publicBaseUrl).toBe('https://app.example.com');
    expect(config.pastDueGraceSeconds).toBe(3 * 86_400);
    expect(config.accessCache.ttlMs).toBe(60_000);
    expect(config.port).toBe(8789);
    expect(config.adminEmails).toEqual([]);
  });

  it('reads ADMIN_EMAILS as a lower-cased list and refuses an entry that is not an email', () => {
    expect(loadConfig({ ...base, IAP_AUDIENCE: AUDIENCE, ADMIN_EMAILS: ' Ops@Example.com, finance@example.com ,' }).adminEmails).toEqual([
      'ops@example.com',
      'finance@example.com',
    ]);
    expect(problems({ ...base, IAP_AUDIENCE: AUDIENCE, ADMIN_EMAILS: 'ops@example.com,finance' })).toEqual([
      expect.stringContaining('ADMIN_EMAILS'),
    ]);
  });

  it('refuses to start with both IAP_AUDIENCE and DEV_IAP', () => {
    expect(problems({ ...local, IAP_AUDIENCE: AUDIENCE })).toEqual([expect.stringContaining('DEV_IAP')]);
  });

  it('refuses to start with neither', () => {
    expect(problems(base)).toEqual([expect.stringContaining('IAP_AUDIENCE')]);
  });

  it('refuses dev identity with a live Stripe key', () => {
    expect(problems({ ...local, STRIPE_SECRET_KEY: 'sk_live_abc', STRIPE_LIVEMODE: 'true' })).toEqual([expect.stringContaining('live')]);
  });

  it('starts dev identity on a local http run', () => {
    expect(loadConfig(local).identity).toEqual({ mode: 'dev', privateJwk: undefined });
  });

  it('refuses dev identity on Cloud Run (K_SERVICE set), saying why', () => {
    expect(problems({ ...local, K_SERVICE: 'billing-app' })).toEqual([
      'DEV_IAP: local runs only: refused because K_SERVICE is set (billing-app): this is Cloud Run',
    ]);
  });

  it('refuses dev identity with a public or https base URL, saying why, and lists every reason at once', () => {
    expect(problems({ ...local, PUBLIC_BASE_URL: 'https://app.example.com' })).toEqual([
      'DEV_IAP: local runs only: refused because PUBLIC_BASE_URL https://app.example.com is not an http URL on localhost or 127.0.0.1',
    ]);
    const all = problems({
      ...local,
      PUBLIC_BASE_URL: 'https://app.example.com',
      K_SERVICE: 'billing-app',
      STRIPE_SECRET_KEY: 'sk_live_abc',
      STRIPE_LIVEMODE: 'true',
    });
    expect(all).toHaveLength(3);
    for (const why of ['STRIPE_SECRET_KEY', 'K_SERVICE', 'PUBLIC_BASE_URL'])
      expect(all.some((p) => p.startsWith('DEV_IAP') && p.includes(why))).toBe(true);
  });

  it('reads K_SERVICE only to refuse dev identity: production (IAP) runs on Cloud Run as before', () => {
    expect(loadConfig({ ...base, IAP_AUDIENCE: AUDIENCE, K_SERVICE: 'billing-app' }).identity).toEqual({ mode: 'iap', audience: AUDIENCE });
  });

  it('lists every bad key at once', () => {
    const found = problems({ STRIPE_PRICE_IDS: '{"nope":"price_x"}', DEV_IAP: 'true', PUBLIC_BASE_URL: 'ftp://x' });
    for (const key of ['GOOGLE_CLOUD_PROJECT', 'STRIPE_SECRET_KEY', 'STRIPE_LIVEMODE', 'STRIPE_PRICE_IDS', 'PUBLIC_BASE_URL']) {
      expect(found.some((p) => p.startsWith(key))).toBe(true);
    }
  });

  it('lists the cross-field refusals together with the bad keys, not only once those are fixed', () => {
    const found = problems({ ...local, GOOGLE_CLOUD_PROJECT: '', PORT: 'abc', K_SERVICE: 'billing-app', STRIPE_SECRET_KEY: 'sk_live_abc' });
    expect(found).toEqual([
      expect.stringMatching(/^PORT: /),
      expect.stringMatching(/^GOOGLE_CLOUD_PROJECT: /),
      'STRIPE_LIVEMODE: is false but STRIPE_SECRET_KEY is a live key',
      'DEV_IAP: local runs only: refused because STRIPE_SECRET_KEY is a live key',
      'DEV_IAP: local runs only: refused because K_SERVICE is set (billing-app): this is Cloud Run',
    ]);
  });
});

describe('livemode: STRIPE_LIVEMODE is required and must match the key', () => {
  it('takes the mode from STRIPE_LIVEMODE', () => {
    expect(loadConfig({ ...base, IAP_AUDIENCE: AUDIENCE }).stripe.livemode).toBe(false);
    expect(loadConfig({ ...base, IAP_AUDIENCE: AUDIENCE, STRIPE_SECRET_KEY: 'rk_live_abc', STRIPE_LIVEMODE: 'true' }).stripe.livemode).toBe(
      true,
    );
  });

  it('has no default', () => {
    const { STRIPE_LIVEMODE: _, ...without } = base;
    expect(problems({ ...without, IAP_AUDIENCE: AUDIENCE })).toEqual([expect.stringMatching(/^STRIPE_LIVEMODE: /)]);
  });

  it('refuses a key of the other mode, in either direction, without echoing the key', () => {
    expect(problems({ ...base, IAP_AUDIENCE: AUDIENCE, STRIPE_SECRET_KEY: 'sk_live_secret1', STRIPE_LIVEMODE: 'false' })).toEqual([
      'STRIPE_LIVEMODE: is false but STRIPE_SECRET_KEY is a live key',
    ]);
    const reverse = problems({ ...base, IAP_AUDIENCE: AUDIENCE, STRIPE_SECRET_KEY: 'sk_test_secret2', STRIPE_LIVEMODE: 'true' });
    expect(reverse).toEqual(['STRIPE_LIVEMODE: is true but STRIPE_SECRET_KEY is a test key']);
    expect(reverse.join()).not.toContain('secret2');
  });
});

describe('server.ts with a bad environment', () => {
  it('exits 1 after one CRITICAL config.invalid line listing every problem', async () => {
    const server = fileURLToPath(new URL('./server.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', server], {
      env: {
        PATH: process.env['PATH'],
        STRIPE_SECRET_KEY: 'sk_test_abc',
        STRIPE_LIVEMODE: 'true',
        DEV_IAP: 'true',
        PUBLIC_BASE_URL: 'http://127.0.0.1:8789',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    const line = JSON.parse(stderr.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
    expect(line).toMatchObject({ severity: 'CRITICAL', event: 'config.invalid', service: 'app' });
    expect((line['problems'] as string[]).map((p) => p.split(':')[0]).sort()).toEqual([
      'GOOGLE_CLOUD_PROJECT',
      'STRIPE_LIVEMODE',
      'STRIPE_PRICE_IDS',
    ]);
  }, 60_000);
});

describe('isLoopbackHttpUrl: the base URLs dev identity accepts', () => {
  it.each([
    ['http://localhost:8789', true],
    ['http://127.0.0.1:8789', true],
    ['http://127.1:8789', true], // the URL parser normalises it to 127.0.0.1
    ['http://127.9.9.9', true],
    ['http://[::1]:8789', true],
    ['http://app.localhost:3000', true], // *.localhost resolves to loopback (RFC 6761)
    ['https://localhost:8789', false], // http only, as the local stack serves
    ['https://app.example.com', false],
    ['http://app.example.com', false],
    ['http://localhost.example.com', false],
    ['http://127.0.0.1.nip.io', false], // a public name that resolves to loopback is still a public name
    ['http://10.0.0.5:8789', false],
    ['http://0.0.0.0:8789', false],
    ['http://[::ffff:127.0.0.1]', false],
    ['not a url', false],
  ])('%s → %s', (url, accepted) => {
    expect(isLoopbackHttpUrl(url)).toBe(accepted);
  });
});
