// Writes `<workspace>/deploy/`: the only thing that leaves the repo for a deployable.
//   deploy/package.json       type module, main, engines, runtime dependencies at exact versions
//   deploy/package-lock.json  pruned from the root lockfile (prune-lockfile.ts)
//   deploy/dist/<bundle>.js   + source map (the esbuild bundle), and the chunks it loads lazily
//   deploy/public/**          static assets, when the workspace has them (the app)
//   deploy/.gcloudignore      so a source deploy never uploads a local node_modules
//   scripts.gcp-build         (functions only) fills Node's compile cache in Google's build of the
//                             function's image: see COMPILE_CACHE_DIR
// services/Dockerfile copies exactly this directory and runs `npm ci --omit=dev` in it; the function is
// deployed from it with `gcloud functions deploy --source`. The layout mirrors the workspace
// (dist/ next to public/), so paths the code computes relative to its bundle hold in both places.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ExternalImport } from './bundle-entry.js';
import { parseLockfile, pruneLockfile, type RootDependency } from './prune-lockfile.js';

export const DEPLOY_DIR = 'deploy';

/**
 * Node's compile cache for a function (issue 24, start-up). Cloud Run functions builds the image
 * from the uploaded source with Google's buildpacks, in /workspace, and runs `npm run gcp-build`
 * there when package.json has it; the app directory is /workspace at run time too, and the cache
 * is keyed by file path and content. So the script imports the bundle once (the function module
 * has no import-time side effect: config is read on the first invocation), which loads and compiles
 * everything it imports and leaves the cache in /workspace/.node-compile-cache, and Terraform sets
 * NODE_COMPILE_CACHE to that directory (infra/terraform/function.tf). A path that does not match
 * costs nothing but the cache's benefit. The services fill theirs in services/Dockerfile.
 */
export const COMPILE_CACHE_DIR = '.node-compile-cache';

/** The `gcp-build` script that fills the compile cache for the bundle `main`. */
export function compileCacheBuildScript(main: string): string {
  return `NODE_COMPILE_CACHE=${COMPILE_CACHE_DIR} node --input-type=module --eval "await import('./${main}')"`;
}

/**
 * Runs, in an installed deploy directory, the `gcp-build` script as Google's build does after
 * installing (only PATH from this environment), and returns the compile cache directory it filled.
 */
export function runGcpBuild(deployDir: string): string {
  execFileSync('npm', ['run', 'gcp-build', '--silent'], {
    cwd: deployDir,
    env: { PATH: process.env['PATH'] ?? '', METADATA_SERVER_DETECTION: 'none' },
    stdio: 'pipe',
  });
  const dir = path.join(deployDir, COMPILE_CACHE_DIR);
  if (!existsSync(dir)) throw new Error(`gcp-build left no compile cache in ${dir}`);
  return dir;
}

interface WorkspacePackage {
  readonly name: string;
  readonly version: string;
  readonly engines: { readonly node: string };
}

function parseWorkspacePackage(value: unknown, file: string): WorkspacePackage {
  const v = value as Partial<WorkspacePackage> | null;
  if (typeof v?.name !== 'string' || typeof v.version !== 'string' || typeof v.engines?.node !== 'string') {
    throw new Error(`${file}: needs name, version and engines.node`);
  }
  return { name: v.name, version: v.version, engines: { node: v.engines.node } };
}

export interface PrepareOptions {
  readonly repoRoot: string;
  readonly workspaceDir: string;
  /** The bundle, relative to the workspace (dist/server.js). */
  readonly bundle: string;
  /** Every file of the bundle (entry, chunks, maps) relative to the workspace; default the bundle and its map. */
  readonly bundleFiles?: readonly string[];
  readonly externals: readonly ExternalImport[];
  /** Asset directories relative to the workspace copied as-is when present (e.g. ['public']). */
  readonly assets?: readonly string[];
  /** Where the bundle was written and deploy/ goes, instead of the workspace (a scratch build). */
  readonly outRoot?: string;
  /** Write the `gcp-build` script that fills the compile cache (COMPILE_CACHE_DIR). */
  readonly compileCacheOnBuild?: boolean;
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/** The workspace (lockfile path, e.g. 'shared') that owns a source file: the longest matching prefix. */
export function owningWorkspace(relFile: string, workspaces: readonly string[]): string {
  return workspaces.filter((w) => w !== '' && relFile.startsWith(`${w}/`)).sort((a, b) => b.length - a.length)[0] ?? '';
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

export function prepareDeployDir(opts: PrepareOptions): string {
  const pkgFile = path.join(opts.workspaceDir, 'package.json');
  const pkg = parseWorkspacePackage(readJson(pkgFile), pkgFile);
  const rootLock = parseLockfile(readJson(path.join(opts.repoRoot, 'package-lock.json')));
  const workspaces = Object.entries(rootLock.packages)
    .filter(([p, e]) => p !== '' && !p.includes('node_modules/') && e.link !== true)
    .map(([p]) => p);

  const seen = new Set<string>();
  const deps: RootDependency[] = [];
  for (const ext of opts.externals) {
    const rel = toPosix(path.relative(opts.repoRoot, ext.importer));
    const fromWorkspace = owningWorkspace(rel, workspaces);
    const key = `${ext.packageName}\0${fromWorkspace}`;
    if (seen.has(key)) continue;
    seen.add(key);
    deps.push({ name: ext.packageName, fromWorkspace });
  }
  const deployName = `${pkg.name}-deploy`;
  const pruned = pruneLockfile(rootLock, deps, deployName, pkg.version);

  const deployDir = path.join(opts.outRoot ?? opts.workspaceDir, DEPLOY_DIR);
  rmSync(deployDir, { recursive: true, force: true });
  mkdirSync(path.join(deployDir, path.dirname(opts.bundle)), { recursive: true });
  for (const file of opts.bundleFiles ?? [opts.bundle, `${opts.bundle}.map`]) {
    cpSync(path.join(opts.outRoot ?? opts.workspaceDir, file), path.join(deployDir, file));
  }
  for (const asset of opts.assets ?? []) {
    const from = path.join(opts.workspaceDir, asset);
    if (existsSync(from)) cpSync(from, path.join(deployDir, asset), { recursive: true });
  }
  const deployPackage = {
    name: deployName,
    version: pkg.version,
    private: true,
    type: 'module',
    main: toPosix(opts.bundle),
    engines: pkg.engines,
    ...(opts.compileCacheOnBuild ? { scripts: { 'gcp-build': compileCacheBuildScript(toPosix(opts.bundle)) } } : {}),
    dependencies: pruned.dependencies,
  };
  writeFileSync(path.join(deployDir, 'package.json'), `${JSON.stringify(deployPackage, null, 2)}\n`);
  writeFileSync(path.join(deployDir, 'package-lock.json'), `${JSON.stringify(pruned.lockfile, null, 2)}\n`);
  writeFileSync(path.join(deployDir, '.gcloudignore'), 'node_modules/\n');
  return deployDir;
}
