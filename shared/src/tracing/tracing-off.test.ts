// TRACING=off must cost nothing at start-up: no OpenTelemetry SDK or exporter module is loaded.
// (The Pub/Sub and Firestore clients load @opentelemetry/api and core themselves, on or off.)
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const probe = fileURLToPath(new URL('./testing/otel-modules-loaded.ts', import.meta.url));
const loadedWith = (mode: string) =>
  JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', probe, mode], { encoding: 'utf8' })) as string[];

describe('tracing off', () => {
  it('loads no OpenTelemetry SDK or exporter module', () => {
    expect(loadedWith('off')).toEqual([]);
  });

  it('is what the probe tells apart: tracing to the console loads the SDK', () => {
    expect(loadedWith('console')).toEqual(expect.arrayContaining([expect.stringMatching(/^@opentelemetry\/sdk-trace-node\//)]));
  });
});
