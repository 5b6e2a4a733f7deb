import { describe, expect, it } from 'vitest';
import { exitOnConfigError } from '@billing/shared/config/exit-on-config-error.js';
import { ConfigError } from '@billing/shared/config/parse-env.js';
import { loadReportUsageConfig } from './config.js';

const minimal = { GOOGLE_CLOUD_PROJECT: 'demo-billing', STRIPE_SECRET_KEY: 'sk_test_abc', STRIPE_LIVEMODE: 'false' };

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadReportUsageConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('reportUsage loadReportUsageConfig', () => {
  it('applies the documented defaults and reads the overrides', () => {
    expect(loadReportUsageConfig(minimal)).toEqual({
      projectId: 'demo-billing',
      stripeSecretKey: 'sk_test_abc',
      stripeApiBase: undefined,
      concurrency: 4,
      notificationsTopic: 'billing-notifications',
      logLevel: 'info',
      tracing: 'off',
    });
    expect(loadReportUsageConfig({ ...minimal, USAGE_REPORT_CONCURRENCY: '8', LOG_LEVEL: 'warn', TRACING: 'console' })).toMatchObject({
      concurrency: 8,
      logLevel: 'warn',
      tracing: 'console',
    });
  });

  it('lists every bad key at once, the livemode mismatch included, without echoing the key', () => {
    const problems = problemsOf({
      STRIPE_SECRET_KEY: 'sk_test_hidden',
      STRIPE_LIVEMODE: 'true',
      USAGE_REPORT_CONCURRENCY: '50',
      LOG_LEVEL: 'loud',
    });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'GOOGLE_CLOUD_PROJECT',
      'LOG_LEVEL',
      'STRIPE_LIVEMODE',
      'USAGE_REPORT_CONCURRENCY',
    ]);
    expect(problems).toContain('STRIPE_LIVEMODE: is true but STRIPE_SECRET_KEY is a test key');
    expect(problems.join('\n')).not.toContain('hidden');
  });

  it('livemode: required, no default, and a key of the other mode is refused', () => {
    const { STRIPE_LIVEMODE: _, ...without } = minimal;
    expect(problemsOf(without)).toEqual([expect.stringMatching(/^STRIPE_LIVEMODE: /)]);
    expect(problemsOf({ ...minimal, STRIPE_SECRET_KEY: 'sk_live_abc' })).toEqual([
      'STRIPE_LIVEMODE: is false but STRIPE_SECRET_KEY is a live key',
    ]);
    expect(loadReportUsageConfig({ ...minimal, STRIPE_SECRET_KEY: 'sk_live_abc', STRIPE_LIVEMODE: 'true' }).stripeSecretKey).toBe(
      'sk_live_abc',
    );
  });

  it('fails at start-up with one CRITICAL config.invalid line (as register.ts and the local function host load it)', () => {
    const lines: string[] = [];
    const exit = (code: number): never => {
      throw new Error(`exit ${code}`);
    };
    expect(() =>
      exitOnConfigError('report-usage', () => loadReportUsageConfig({ STRIPE_LIVEMODE: 'maybe' }), {
        write: (l) => void lines.push(l),
        exit,
      }),
    ).toThrow('exit 1');
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      expect.objectContaining({
        severity: 'CRITICAL',
        event: 'config.invalid',
        service: 'report-usage',
        problems: [
          expect.stringMatching(/^GOOGLE_CLOUD_PROJECT: /),
          expect.stringMatching(/^STRIPE_SECRET_KEY: /),
          expect.stringMatching(/^STRIPE_LIVEMODE: /),
        ],
      }),
    ]);
  });
});
