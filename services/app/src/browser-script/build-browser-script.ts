// Bundles the billing page's script (page/main.ts, TypeScript with the DOM library, which shares
// money and date formatting with the server: shared/src/money/format-money.ts, pages/format.ts)
// into public/billing.js with esbuild. The bundle is committed beside the stylesheet, so the app,
// `npm start` and the production image serve it without a build step; bundle.test.ts fails when
// it is older than its sources. After changing page/*.ts:
//   npx tsx services/app/src/browser-script/build-browser-script.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const ENTRY = fileURLToPath(new URL('./page/main.ts', import.meta.url));
export const BUNDLE = fileURLToPath(new URL('../../public/billing.js', import.meta.url));

const BANNER = '// Built from services/app/src/browser-script/page/*.ts by build-browser-script.ts: do not edit.';

/** The bundle's text as esbuild makes it from the current sources (nothing is written). */
export async function bundleBrowserScript(): Promise<string> {
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    format: 'iife',
    // Browsers of the last few years (dialog, :has, CSS.escape are used anyway).
    target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
    platform: 'browser',
    write: false,
    legalComments: 'none',
    banner: { js: BANNER },
    logLevel: 'silent',
  });
  const out = result.outputFiles[0];
  if (!out) throw new Error('esbuild wrote no bundle');
  return out.text;
}

/** Writes public/billing.js; true when it changed. */
export async function writeBrowserScript(): Promise<boolean> {
  const text = await bundleBrowserScript();
  const before = (() => {
    try {
      return readFileSync(BUNDLE, 'utf8');
    } catch {
      return null;
    }
  })();
  if (before === text) return false;
  writeFileSync(BUNDLE, text);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const changed = await writeBrowserScript();
  console.log(changed ? `wrote ${BUNDLE}` : `${BUNDLE} is up to date`);
}
