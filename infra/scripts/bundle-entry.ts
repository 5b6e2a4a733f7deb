// Bundles one deployable's entry into ESM with esbuild: the entry file plus, for what the code
// imports lazily (`await import(...)`), chunks beside it that load only when first used. shared/ is
// a source-only workspace (its exports point at .ts files), so workspace packages (`@billing/*`)
// are bundled in; every other package stays an external import and is installed in the image /
// function from the pruned package.json written by prepare-deploy-dir.ts.
//
// Why not the CLI's `--packages=external`: it marks *every* bare import external, workspace
// packages included, and then the bundle would import `@billing/shared/...` at run time, which
// does not exist outside the monorepo. The plugin below is `--packages=external` minus `@billing/*`.
//
// Why chunks (`splitting`): in a single-file ESM bundle esbuild hoists the external imports of a
// lazily imported module to the top of the file, so they load at start anyway (the tracing SDK did,
// with TRACING=off: issue 24). Split, they load when the lazy import runs.
//
// Why dependencies are not bundled in (issue 24, measured with `npm run bench -- startup`):
// start-up is dominated by the Google client libraries (Pub/Sub, Firestore: google-gax, protobufjs,
// gRPC), which read .proto and JSON files relative to their own directory and so cannot be bundled
// as they are; bundling the rest (express, stripe, zod, jose) made no measurable difference.
import { existsSync, readdirSync, rmSync } from 'node:fs';
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
  /** Write under this directory instead of the workspace (a scratch build: benchmarks). */
  readonly outRoot?: string;
}

/** A package import left external, with the source file that imports it (decides which version). */
export interface ExternalImport {
  readonly packageName: string;
  /** Absolute path of the importing source file. */
  readonly importer: string;
}

export interface BundleResult {
  readonly outfile: string;
  /** Every file written (the entry, its chunks, their maps), relative to the workspace (or outRoot). */
  readonly files: readonly string[];
  readonly externals: readonly ExternalImport[];
}

/** `@scope/name/sub/path` -> `@scope/name`; `name/sub` -> `name`. */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

function isBarePackage(specifier: string): boolean {
  // `<runtime>`: esbuild's own helpers, which the metafile lists as an import of split chunks.
  return !specifier.startsWith('.') && !specifier.startsWith('<') && !path.isAbsolute(specifier) && !isBuiltin(specifier);
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
  const outRoot = opts.outRoot ?? opts.workspaceDir;
  const outfile = path.join(outRoot, opts.outfile);
  const outdir = path.dirname(outfile);
  // Chunks of an earlier build would otherwise pile up beside the entry.
  for (const old of existsSync(outdir) ? readdirSync(outdir) : []) if (old.startsWith('chunk-')) rmSync(path.join(outdir, old));
  const result = await build({
    absWorkingDir: opts.workspaceDir,
    entryPoints: { [path.basename(outfile, '.js')]: path.join(opts.workspaceDir, opts.entry) },
    outdir,
    splitting: true,
    chunkNames: 'chunk-[hash]',
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
  const files = Object.keys(result.metafile.outputs).map((f) => path.relative(outRoot, path.resolve(opts.workspaceDir, f)));
  return { outfile, files, externals };
}
