import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { classifyTests, tierByName } from './test-tiers.js';
import { clearEmulatorVariables } from './unit-tier-setup.js';

// A scratch repo of fixtures.
const EMULATOR_VARIABLE = 'FIRESTORE_EMULATOR_HOST';
const root = mkdtempSync(path.join(tmpdir(), 'test-tiers-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(file: string, text: string): void {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), text);
}

write('lib/emulators.ts', `export const startEmulator = () => 'started';\n`);
write('lib/testing/emulator.ts', `export const host = () => process.env['${EMULATOR_VARIABLE}'];\n`);
write('lib/testing/helper.ts', `import { host } from './emulator.js';\nexport const client = () => host();\n`);
write('lib/testing/pure-helper.ts', `export const sum = (a: number, b: number) => a + b;\n`);
write('lib/reads-env.ts', `export const host = () => process.env['${EMULATOR_VARIABLE}'];\n`);
write('src/pure.test.ts', `import { sum } from '../lib/testing/pure-helper.js';\nsum(1, 2);\n`);
write('src/production-reads-env.test.ts', `import { host } from '../lib/reads-env.js';\nhost();\n`);
write('src/through-helper.test.ts', `import { client } from '../lib/testing/helper.js';\nclient();\n`);
write('src/starts.test.ts', `import { startEmulator } from '../lib/emulators.js';\nstartEmulator();\n`);
write('src/direct.test.ts', `process.env['${EMULATOR_VARIABLE}'];\n`);
const INJECTED = 'pubsubEmulatorHost';
write('src/injects.test.ts', `import { inject } from 'vitest';\ninject('${INJECTED}');\n`);
write(
  'src/mentions.test.ts',
  `// Needs no ${EMULATOR_VARIABLE}, and says so in a comment.\nexport const names = ['${EMULATOR_VARIABLE}'];\n`,
);
write('src/drives-browser.test.ts', `import { chromium } from 'playwright-core';\nvoid chromium;\n`);
write('src/type-only-browser.test.ts', `import type { Page } from 'playwright-core';\nexport type P = Page;\n`);
write('src/spawns.test.ts', `import { spawn } from 'node:child_process';\nvoid spawn;\n`);
write('src/broken.test.ts', `import { gone } from './missing.js';\ngone();\n`);

const rules = { emulatorStarters: ['lib/emulators.ts'], browserPackages: ['playwright-core'] };

describe('classifyTests', () => {
  it('sorts each test by what its imports reach', async () => {
    const tiers = await classifyTests(
      root,
      [
        'src/pure.test.ts',
        'src/production-reads-env.test.ts',
        'src/through-helper.test.ts',
        'src/starts.test.ts',
        'src/direct.test.ts',
        'src/injects.test.ts',
        'src/mentions.test.ts',
        'src/drives-browser.test.ts',
        'src/type-only-browser.test.ts',
        'src/spawns.test.ts',
      ],
      rules,
    );
    expect(Object.fromEntries(tiers)).toEqual({
      'src/pure.test.ts': 'unit',
      // Production code reading the variable (the client factories do) is no test asking for emulators.
      'src/production-reads-env.test.ts': 'unit',
      'src/through-helper.test.ts': 'integration',
      'src/starts.test.ts': 'integration',
      'src/direct.test.ts': 'integration',
      'src/injects.test.ts': 'integration',
      'src/mentions.test.ts': 'unit',
      'src/drives-browser.test.ts': 'browser',
      'src/type-only-browser.test.ts': 'unit',
      'src/spawns.test.ts': 'e2e',
    });
  });

  it('gives a test that does not build the emulators rather than failing the whole run', async () => {
    const tiers = await classifyTests(root, ['src/pure.test.ts', 'src/broken.test.ts'], rules);
    expect(Object.fromEntries(tiers)).toEqual({ 'src/pure.test.ts': 'unit', 'src/broken.test.ts': 'integration' });
  });
});

describe('tierByName', () => {
  it.each([
    ['infra/local/e2e/stack.e2e.test.ts', 'e2e'],
    ['functions/bench/apply-bench.test.ts', 'e2e'],
    ['services/app/src/browser/page.browser.test.ts', 'browser'],
    ['shared/src/money/format-money.test.ts', undefined],
    ['shared/src/testing/bench-child.test.ts', undefined],
  ])('%s -> %s', (file, tier) => {
    expect(tierByName(file)).toBe(tier);
  });
});

describe('the unit tier setup', () => {
  it('clears the emulator variables, so a unit test that reaches an emulator fails at once', () => {
    process.env[EMULATOR_VARIABLE] = '127.0.0.1:1';
    clearEmulatorVariables();
    expect(process.env[EMULATOR_VARIABLE]).toBeUndefined();
  });
});
