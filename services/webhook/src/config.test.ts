import { describe, expect, it } from 'vitest';
import { ConfigError } from '@billing/shared/config/parse-env.js';
import { DEFAULT_BODY_LIMIT_BYTES, loadConfig } from './config.js';

const minimal = {
  GOOGLE_CLOUD_PROJECT: 'demo-billing',
  STRIPE_WEBHOOK_SECRETS: 'whsec_one',
  STRIPE_LIVEMODE: 'false',
};

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    expect(loadConfig(minimal)).toEqual({
      port: 8080,
      projectId: 'demo-billing',
      topic: 'stripe-events',
      webhookSecrets: ['whsec_one'],
      livemode: false,
      orderByCustomer: false,
      bodyLimitBytes: DEFAULT_BODY_LIMIT_BYTES,
      logLevel: 'info',
      tracing: 'off',
    });
    expect(DEFAULT_BODY_LIMIT_BYTES).toBe(1024 * 1024);
  });

  it('reads the running revision from K_REVISION (the version error lines name); none when it is absent or empty', () => {
    expect(loadConfig({ ...minimal, K_REVISION: 'webhook-00007-abc' }).revision).toBe('webhook-00007-abc');
    expect(loadConfig({ ...minimal, K_REVISION: '' }).revision).toBeUndefined();
    expect(loadConfig(minimal).revision).toBeUndefined();
  });

  it('reads several secrets for rotation and every override', () => {
    const config = loadConfig({
      ...minimal,
      PORT: '8787',
      PUBSUB_TOPIC: 'other',
      STRIPE_WEBHOOK_SECRETS: ' whsec_old , whsec_new ,',
      STRIPE_LIVEMODE: 'true',
      WEBHOOK_BODY_LIMIT_BYTES: '65536',
      PUBSUB_ORDER_BY_CUSTOMER: 'false',
      LOG_LEVEL: 'debug',
      TRACING: 'cloud-trace',
    });
    expect(config).toMatchObject({
      port: 8787,
      topic: 'other',
      webhookSecrets: ['whsec_old', 'whsec_new'],
      livemode: true,
      orderByCustomer: false,
      bodyLimitBytes: 65536,
      logLevel: 'debug',
      tracing: 'cloud-trace',
    });
  });

  it('fails listing every bad key at once, without echoing secret values', () => {
    const problems = problemsOf({ PORT: 'abc', STRIPE_WEBHOOK_SECRETS: 'sk_live_wrongkind', STRIPE_LIVEMODE: 'yes', LOG_LEVEL: 'loud' });
    const keys = problems.map((p) => p.split(/[.:]/)[0]);
    expect(new Set(keys)).toEqual(new Set(['PORT', 'GOOGLE_CLOUD_PROJECT', 'STRIPE_WEBHOOK_SECRETS', 'STRIPE_LIVEMODE', 'LOG_LEVEL']));
    expect(problems.join('\n')).not.toContain('sk_live_wrongkind');
  });

  it('has no default for the secrets or the livemode', () => {
    const problems = problemsOf({ GOOGLE_CLOUD_PROJECT: 'demo-billing', STRIPE_WEBHOOK_SECRETS: ' , ' });
    expect(problems.some((p) => p.startsWith('STRIPE_WEBHOOK_SECRETS'))).toBe(true);
    expect(problems.some((p) => p.startsWith('STRIPE_LIVEMODE'))).toBe(true);
  });
});
