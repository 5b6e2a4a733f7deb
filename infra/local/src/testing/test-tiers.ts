// Sorts the repo's test files into the tiers vitest.config.ts runs as projects, by what each file
// actually loads (its import graph, resolved by esbuild as the bundler sees it), not by where it sits:
//
// - e2e:         `*.e2e.test.ts`, the benchmarks' smoke tests (`bench/*.test.ts`) and any test that
//                itself imports node:child_process: whole programs (the local stack, the built
//                deployables, the CLIs) run as their users run them.
// - browser:     `*.browser.test.ts`, or any test whose imports reach playwright-core (a real Chromium).
// - integration: any test whose imports reach test support code that asks for the emulators (a
//                test, testing/, bench/ or e2e/ file reading an emulator host variable from
//                process.env or injecting the emulator hosts vitest provides), or code that starts
//                emulators (infra/local/src/emulators.ts).
// - unit:        everything else: never touches an emulator, so it runs without the global setup.
//
// The scan is the rule; nobody keeps a list. A unit test that starts reaching the emulators through
// a new import moves to integration by itself. One that reaches them some other way (a production
// client built without the emulator variables) fails loudly: the unit project clears those variables
// (unit-tier-setup.ts), so requireEmulators() throws and clients have nowhere to connect to.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { build, type Metafile } from 'esbuild';

export type Tier = 'unit' | 'integration' | 'browser' | 'e2e';

export interface TierRules {
  /** Repo-relative files that start emulators themselves. */
  readonly emulatorStarters: readonly string[];
  /** Packages whose import puts a test in the browser tier. */
  readonly browserPackages: readonly string[];
}

export const REPO_RULES: TierRules = {
  emulatorStarters: ['infra/local/src/emulators.ts'],
  browserPackages: ['playwright-core'],
};

const TEST_SUPPORT = /(\.test\.ts$|(^|\/)(testing|bench|e2e)\/)/;
// Code, not prose: reading (or setting) one of the variables, or the vitest context the setup provides.
const ASKS_FOR_EMULATORS = /process\.env(\[['"]|\.)\w*_EMULATOR_HOST|inject\(\s*['"]\w*EmulatorHost/;

/** The tier a path alone decides, or undefined when the imports decide. */
export function tierByName(file: string): Tier | undefined {
  if (file.endsWith('.e2e.test.ts') || /(^|\/)bench\/[^/]+\.test\.ts$/.test(file)) return 'e2e';
  if (file.endsWith('.browser.test.ts')) return 'browser';
  return undefined;
}

interface Graph {
  /** Repo-relative source files the test loads, itself included. */
  readonly files: readonly string[];
  /** Bare package imports (left external). */
  readonly packages: readonly string[];
  /** The test file itself imports node:child_process. */
  readonly runsPrograms: boolean;
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

function graphsFrom(metafile: Metafile): Map<string, Graph> {
  const graphs = new Map<string, Graph>();
  for (const output of Object.values(metafile.outputs)) {
    if (!output.entryPoint) continue;
    const files = Object.keys(output.inputs);
    const packages = new Set<string>();
    for (const file of files) {
      for (const imp of metafile.inputs[file]?.imports ?? []) {
        if (imp.external && !imp.path.startsWith('node:')) packages.add(packageName(imp.path));
      }
    }
    const ownImports = metafile.inputs[output.entryPoint]?.imports ?? [];
    const runsPrograms = ownImports.some((imp) => imp.path === 'node:child_process' || imp.path === 'child_process');
    graphs.set(output.entryPoint, { files, packages: [...packages], runsPrograms });
  }
  return graphs;
}

/** The import graphs of `tests` (repo-relative), keyed by test; a test that does not resolve has none. */
async function importGraphs(root: string, tests: readonly string[]): Promise<Map<string, Graph>> {
  const scan = (entryPoints: readonly string[]) =>
    build({
      absWorkingDir: root,
      entryPoints: [...entryPoints],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'esm',
      outdir: 'tiers-scan', // never written: write is false
      logLevel: 'silent',
      // Workspace packages (`@billing/*`) are source: follow them. Every other package is a leaf.
      plugins: [
        {
          name: 'packages-external-except-workspaces',
          setup(b) {
            b.onResolve({ filter: /^[^./]/ }, (args) =>
              args.path.startsWith('@billing/') || args.kind === 'entry-point' ? undefined : { path: args.path, external: true },
            );
          },
        },
      ],
    });
  try {
    return graphsFrom((await scan(tests)).metafile);
  } catch {
    // A file mid-edit somewhere must not break everyone's test run: scan one by one and leave
    // the ones that do not build without a graph (classifyTests puts them on the emulators).
    const graphs = new Map<string, Graph>();
    await Promise.all(
      tests.map(async (test) => {
        try {
          for (const [entry, graph] of graphsFrom((await scan([test])).metafile)) graphs.set(entry, graph);
        } catch {
          /* no graph: classified integration */
        }
      }),
    );
    return graphs;
  }
}

/** The tier of each test file (repo-relative paths, `/`-separated). */
export async function classifyTests(root: string, tests: readonly string[], rules: TierRules = REPO_RULES): Promise<Map<string, Tier>> {
  const tiers = new Map<string, Tier>();
  const needScan = tests.filter((t) => {
    const byName = tierByName(t);
    if (byName) tiers.set(t, byName);
    return !byName;
  });
  const graphs = await importGraphs(root, needScan);
  const asksCache = new Map<string, boolean>();
  const asksForEmulators = (file: string): boolean => {
    if (rules.emulatorStarters.includes(file)) return true;
    if (!TEST_SUPPORT.test(file)) return false;
    let asks = asksCache.get(file);
    if (asks === undefined) {
      asks = ASKS_FOR_EMULATORS.test(readFileSync(path.join(root, file), 'utf8'));
      asksCache.set(file, asks);
    }
    return asks;
  };
  for (const test of needScan) {
    const graph = graphs.get(test);
    if (!graph)
      tiers.set(test, 'integration'); // could not be scanned: give it the emulators
    else if (graph.runsPrograms) tiers.set(test, 'e2e');
    else if (graph.packages.some((p) => rules.browserPackages.includes(p))) tiers.set(test, 'browser');
    else if (graph.files.some(asksForEmulators)) tiers.set(test, 'integration');
    else tiers.set(test, 'unit');
  }
  return tiers;
}
