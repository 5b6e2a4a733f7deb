// Bundles one deployable's entry into a single ESM file with esbuild. shared/ is a source-only
// workspace (its exports point at .ts files), so workspace packages (`@billing/*`) are bundled in;
// every other package stays an external import and is installed in the image / function from the
// pruned package.json written by prepare-deploy-dir.ts.
//
// Why not the CLI's `--packages=external`: it marks *every* bare import external, workspace
// packages included, and then the bundle would import `@billing/shared/...` at run time, which
// does not exist outside the monorepo. The plugin below is `--packages=external` minus `@billing/*`.
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';

export const WORKSPACE_SCOPE = '@billing/';

export interface BundleOptions {
  /** Absolute path of the workspace (e.g. /repo/services/webhook). */
  readonly workspaceDir: string;
  /** Entry, relative to the workspace (e.g. src/server.ts). */
  readonly entry: string;
  /** Output file, relative to the workspace (e.g. dist/server.js). */
  readonly outfile: string;
}

/** A package import left external, with the source file that imports it (decides which version). */
export interface ExternalImport {
  readonly packageName: string;
  /** Absolute path of the importing source file. */
  readonly importer: string;
}

export interface BundleResult {
  readonly outfile: string;
  readonly externals: readonly ExternalImport[];
}

/** `@scope/name/sub/path` -> `@scope/name`; `name/sub` -> `name`. */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

function isBarePackage(specifier: string): boolean {
  return !specifier.startsWith('.') && !path.isAbsolute(specifier) && !isBuiltin(specifier);
}

const externalPackages: Plugin = {
  name: 'external-packages-except-workspaces',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point' || !isBarePackage(args.path)) return undefined;
      if (args.path.startsWith(WORKSPACE_SCOPE)) return undefined; // bundle workspace source
      return { path: args.path, external: true };
    });
  },
};

export async function bundleEntry(opts: BundleOptions): Promise<BundleResult> {
  const outfile = path.join(opts.workspaceDir, opts.outfile);
  const result = await build({
    absWorkingDir: opts.workspaceDir,
    entryPoints: [path.join(opts.workspaceDir, opts.entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
    plugins: [externalPackages],
  });
  const externals: ExternalImport[] = [];
  for (const [input, meta] of Object.entries(result.metafile.inputs)) {
    for (const imp of meta.imports) {
      if (imp.external && isBarePackage(imp.path)) {
        externals.push({ packageName: packageNameOf(imp.path), importer: path.resolve(opts.workspaceDir, input) });
      }
    }
  }
  return { outfile, externals };
}
