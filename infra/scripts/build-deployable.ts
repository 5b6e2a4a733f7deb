// `npm run build` in a deployable workspace: bundle the entry, then write the deploy directory.
//   tsx ../../infra/scripts/build-deployable.ts --entry src/server.ts --out dist/server.js [--assets public]
//     [--compile-cache-on-build]   (a source-built deployable: prepare-deploy-dir.ts, COMPILE_CACHE_DIR)
// Runs with the workspace as the working directory (npm sets it).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { bundleEntry } from './bundle-entry.js';
import { prepareDeployDir } from './prepare-deploy-dir.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface BuildArgs {
  readonly entry: string;
  readonly out: string;
  readonly assets: readonly string[];
  /** Fill Node's compile cache in the platform's build (`gcp-build`): for a function, whose image Google builds from the source. */
  readonly compileCacheOnBuild: boolean;
}

export function parseBuildArgs(argv: readonly string[]): BuildArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      entry: { type: 'string' },
      out: { type: 'string' },
      assets: { type: 'string', multiple: true },
      'compile-cache-on-build': { type: 'boolean' },
    },
    strict: true,
  });
  if (!values.entry || !values.out) throw new Error('usage: build-deployable --entry src/server.ts --out dist/server.js [--assets public]');
  return {
    entry: values.entry,
    out: values.out,
    assets: values.assets ?? [],
    compileCacheOnBuild: values['compile-cache-on-build'] ?? false,
  };
}

/** Builds dist/ and deploy/ in the workspace, or under `outRoot` (a scratch build that leaves the workspace alone). */
export async function buildDeployable(workspaceDir: string, args: BuildArgs, repoRoot = REPO_ROOT, outRoot?: string): Promise<string> {
  const scratch = outRoot ? { outRoot } : {};
  const bundle = await bundleEntry({ workspaceDir, entry: args.entry, outfile: args.out, ...scratch });
  return prepareDeployDir({
    repoRoot,
    workspaceDir,
    bundle: args.out,
    bundleFiles: bundle.files,
    externals: bundle.externals,
    assets: args.assets,
    compileCacheOnBuild: args.compileCacheOnBuild,
    ...scratch,
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = await buildDeployable(process.cwd(), parseBuildArgs(process.argv.slice(2)));
  process.stdout.write(`deploy directory ready: ${path.relative(REPO_ROOT, dir)}\n`);
}
