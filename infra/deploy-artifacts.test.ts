// What leaves the repo: each deployable's deploy/ directory (the Docker build context of the
// services, the source upload of the functions). Built for real here, then installed with
// `npm ci --omit=dev` in a scratch copy, outside the monorepo, to prove it is self-sufficient.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { buildDeployable, parseBuildArgs, REPO_ROOT } from './scripts/build-deployable.js';
import { compileCacheBuildScript, runGcpBuild } from './scripts/prepare-deploy-dir.js';

interface Deployable {
  readonly workspace: string;
  readonly bundle: string;
  /** deploy/package.json carries the gcp-build script that fills the compile cache. */
  readonly gcpBuild: boolean;
}
const DEPLOYABLES: readonly Deployable[] = [
  // Services get their compile cache in services/Dockerfile; functions, built from source by Google, in gcp-build.
  { workspace: 'services/webhook', bundle: 'dist/server.js', gcpBuild: false },
  { workspace: 'services/app', bundle: 'dist/server.js', gcpBuild: false },
  { workspace: 'functions', bundle: 'dist/index.js', gcpBuild: true },
];

const rootPackage = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
const DEV_ONLY = Object.keys(rootPackage.devDependencies);

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full, base) : [path.relative(base, full).split(path.sep).join('/')];
  });
}

function buildArgsOf(workspace: string): string[] {
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, workspace, 'package.json'), 'utf8')) as { scripts?: { build?: string } };
  const script = pkg.scripts?.build ?? '';
  expect(script).toMatch(/^tsx \.\.\/(\.\.\/)?infra\/scripts\/build-deployable\.ts /);
  return script.split(' ').slice(2);
}

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

describe.each(DEPLOYABLES)('$workspace deploy directory', ({ workspace, bundle, gcpBuild }) => {
  let deployDir = '';
  let files: string[] = [];

  test('npm run build writes the bundle, its map, package.json and the pruned lockfile, and nothing else', async () => {
    deployDir = await buildDeployable(path.join(REPO_ROOT, workspace), parseBuildArgs(buildArgsOf(workspace)));
    files = listFiles(deployDir);
    expect(files).toContain(bundle);
    expect(files).toContain(`${bundle}.map`);
    expect(files).toContain('package.json');
    expect(files).toContain('package-lock.json');
    for (const f of files) {
      expect(f).toMatch(/^(dist\/[^/]+\.js(\.map)?|package(-lock)?\.json|\.gcloudignore|public\/.+)$/);
      expect(f).not.toMatch(/\.test\.|\/testing\/|fixtures|\.ts$/);
    }
  });

  test('the bundle carries no test code, fixtures or local tooling (the Stripe stand-in, infra/)', () => {
    const map = JSON.parse(readFileSync(path.join(deployDir, `${bundle}.map`), 'utf8')) as { sources: string[] };
    expect(map.sources.length).toBeGreaterThan(0);
    for (const source of map.sources) expect(source).not.toMatch(/\.test\.ts$|\/testing\/|\/fixtures\/|(^|\/)infra\/|stripe-stand-in/);
    expect(map.sources.some((s) => s.includes('shared/src/'))).toBe(true); // workspace code is bundled in
  });

  test('package.json lists runtime dependencies only, pinned to the root lockfile', () => {
    const pkg = JSON.parse(readFileSync(path.join(deployDir, 'package.json'), 'utf8')) as {
      type: string;
      main: string;
      dependencies: Record<string, string>;
      devDependencies?: unknown;
      scripts?: unknown;
    };
    expect(pkg.type).toBe('module');
    expect(pkg.main).toBe(bundle);
    expect(pkg.devDependencies).toBeUndefined();
    // The one script: the function's compile cache, filled in Google's build (prepare-deploy-dir.ts).
    expect(pkg.scripts).toEqual(gcpBuild ? { 'gcp-build': compileCacheBuildScript(bundle) } : undefined);
    const names = Object.keys(pkg.dependencies);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      expect(DEV_ONLY, `${name} is a root devDependency`).not.toContain(name);
      expect(name).not.toMatch(/^@billing\//);
      expect(pkg.dependencies[name]).toMatch(/^\d+\.\d+\.\d+/);
    }
  });

  test('npm ci --omit=dev installs it outside the monorepo, and every import of the bundle loads', { timeout: 180_000 }, () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'deploy-check-'));
    scratch.push(dir);
    cpSync(deployDir, dir, { recursive: true });
    execFileSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], {
      cwd: dir,
      stdio: 'pipe',
    });
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const probe = path.join(dir, 'probe-imports.mjs');
    writeFileSync(
      probe,
      `for (const name of ${JSON.stringify(Object.keys(pkg.dependencies))}) await import(name);\nprocess.stdout.write('ok');\n`,
    );
    const out = execFileSync(process.execPath, [probe], {
      cwd: dir,
      env: { ...process.env, METADATA_SERVER_DETECTION: 'none' },
    }).toString();
    expect(out).toBe('ok');
    if (gcpBuild) {
      // What the buildpack runs after installing: it must succeed and leave the cache behind.
      expect(readdirSync(runGcpBuild(dir)).length).toBeGreaterThan(0);
    }
  });
});
