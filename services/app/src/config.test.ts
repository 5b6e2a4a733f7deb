import { describe, expect, it } from 'vitest';
import { ConfigError } from '@billing/shared/config/parse-env.js';
import { loadConfig } from './config.js';

const base = {
  GOOGLE_CLOUD_PROJECT: 'demo-billing',
  STRIPE_SECRET_KEY: 'sk_test_abc',
  STRIPE_PRICE_IDS: '{"pro_month":"price_pro_month"}',
  PUBLIC_BASE_URL: 'https://app.example.com/',
};
const AUDIENCE = '/projects/123/global/backendServices/456';

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
    expect(loadConfig({ ...base, IAP_AUDIENCE: AUDIENCE, ADMIN_EMAILS: ' Ops@Example.com, finance@example.com ,' }).adminEmails).toEqual(['ops@example.com', 'finance@example.com']);
    expect(problems({ ...base, IAP_AUDIENCE: AUDIENCE, ADMIN_EMAILS: 'ops@example.com,finance' })).toEqual([expect.stringContaining('ADMIN_EMAILS')]);
  });

  it('refuses to start with both IAP_AUDIENCE and DEV_IAP', () => {
    expect(problems({ ...base, IAP_AUDIENCE: AUDIENCE, DEV_IAP: 'true' })).toEqual([expect.stringContaining('DEV_IAP')]);
  });

  it('refuses to start with neither', () => {
    expect(problems(base)).toEqual([expect.stringContaining('IAP_AUDIENCE')]);
  });

  it('refuses dev identity with a live Stripe key', () => {
    expect(problems({ ...base, STRIPE_SECRET_KEY: 'sk_live_abc', DEV_IAP: 'true' })).toEqual([expect.stringContaining('live')]);
  });

  it('lists every bad key at once', () => {
    const found = problems({ STRIPE_PRICE_IDS: '{"nope":"price_x"}', DEV_IAP: 'true', PUBLIC_BASE_URL: 'ftp://x' });
    for (const key of ['GOOGLE_CLOUD_PROJECT', 'STRIPE_SECRET_KEY', 'STRIPE_PRICE_IDS', 'PUBLIC_BASE_URL']) {
      expect(found.some((p) => p.startsWith(key))).toBe(true);
    }
  });
});
