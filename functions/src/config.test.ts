import { describe, expect, it } from 'vitest';
import { exitOnConfigError } from '@billing/shared/config/exit-on-config-error.js';
import { ConfigError } from '@billing/shared/config/parse-env.js';
import { loadConfig } from './config.js';

const minimal = { GOOGLE_CLOUD_PROJECT: 'demo-billing', STRIPE_SECRET_KEY: 'sk_test_abc', STRIPE_LIVEMODE: 'false' };

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('applier loadConfig', () => {
  it('applies the documented defaults', () => {
    expect(loadConfig(minimal)).toEqual({
      projectId: 'demo-billing',
      stripeSecretKey: 'sk_test_abc',
      stripeApiBase: undefined,
      livemode: false,
      deadLetterTopic: 'stripe-events-dead-letter',
      maxEventAgeSeconds: 30 * 86_400,
      notificationsTopic: 'billing-notifications',
      logLevel: 'info',
      tracing: 'off',
    });
  });

  it('reads every override', () => {
    const config = loadConfig({
      ...minimal,
      STRIPE_SECRET_KEY: 'rk_live_abc',
      STRIPE_LIVEMODE: 'true',
      STRIPE_API_BASE: 'http://127.0.0.1:12111',
      DEAD_LETTER_TOPIC: 'dlq',
      MAX_EVENT_AGE_DAYS: '7',
      LOG_LEVEL: 'debug',
      NOTIFICATIONS_TOPIC: 'notes',
      TRACING: 'cloud-trace',
    });
    expect(config).toMatchObject({
      livemode: true,
      stripeApiBase: 'http://127.0.0.1:12111',
      deadLetterTopic: 'dlq',
      notificationsTopic: 'notes',
      maxEventAgeSeconds: 7 * 86_400,
      logLevel: 'debug',
      tracing: 'cloud-trace',
    });
  });

  it('lists every bad key at once, the livemode mismatch included, without echoing the key', () => {
    const problems = problemsOf({
      STRIPE_SECRET_KEY: 'sk_live_hidden',
      STRIPE_LIVEMODE: 'false',
      MAX_EVENT_AGE_DAYS: '0',
      LOG_LEVEL: 'loud',
      STRIPE_API_BASE: 'ftp://x',
      TRACING: 'on',
    });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'GOOGLE_CLOUD_PROJECT',
      'LOG_LEVEL',
      'MAX_EVENT_AGE_DAYS',
      'STRIPE_API_BASE',
      'STRIPE_LIVEMODE',
      'TRACING',
    ]);
    expect(problems).toContain('STRIPE_LIVEMODE: is false but STRIPE_SECRET_KEY is a live key');
    expect(problems.join('\n')).not.toContain('hidden');
  });

  it('livemode: required, no default, and a key of the other mode is refused', () => {
    const { STRIPE_LIVEMODE: _, ...without } = minimal;
    expect(problemsOf(without)).toEqual([expect.stringMatching(/^STRIPE_LIVEMODE: /)]);
    expect(problemsOf({ ...minimal, STRIPE_LIVEMODE: 'true' })).toEqual(['STRIPE_LIVEMODE: is true but STRIPE_SECRET_KEY is a test key']);
  });

  it('fails at start-up with one CRITICAL config.invalid line (as index.ts and the local function host load it)', () => {
    const lines: string[] = [];
    const exit = (code: number): never => {
      throw new Error(`exit ${code}`);
    };
    expect(() =>
      exitOnConfigError('event-applier', () => loadConfig({ STRIPE_SECRET_KEY: 'sk_live_abc', STRIPE_LIVEMODE: 'false' }), {
        write: (l) => void lines.push(l),
        exit,
      }),
    ).toThrow('exit 1');
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      expect.objectContaining({
        severity: 'CRITICAL',
        event: 'config.invalid',
        service: 'event-applier',
        problems: [expect.stringMatching(/^GOOGLE_CLOUD_PROJECT: /), 'STRIPE_LIVEMODE: is false but STRIPE_SECRET_KEY is a live key'],
      }),
    ]);
  });
});
