// The committed browser bundle is the one its TypeScript sources make, and those sources type-check
// against the DOM library (the root tsconfig leaves them out: they are not Node code).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { BUNDLE, bundleBrowserScript } from './build-browser-script.js';

describe('the billing page script', () => {
  it('public/billing.js is the bundle of page/*.ts (run build-browser-script.ts after a change)', async () => {
    expect(readFileSync(BUNDLE, 'utf8')).toBe(await bundleBrowserScript());
  });

  it('type-checks with the DOM library', () => {
    const configPath = fileURLToPath(new URL('./page/tsconfig.json', import.meta.url));
    const config = ts.getParsedCommandLineOfConfigFile(
      configPath,
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
          throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
        },
      },
    );
    if (!config) throw new Error('no tsconfig');
    const program = ts.createProgram(config.fileNames, config.options);
    const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(problems).toEqual([]);
  }, 60_000);
});
