// Pure unit tests of the lockfile pruning on small synthetic lockfiles.
import { describe, expect, test } from 'vitest';
import { LockfileError, parseLockfile, pruneLockfile, type Lockfile } from './prune-lockfile.js';

const pkg = (version: string, dependencies?: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  version,
  resolved: `https://registry.npmjs.org/x/-/x-${version}.tgz`,
  integrity: `sha512-${version}`,
  ...(dependencies ? { dependencies } : {}),
  ...extra,
});

const root: Lockfile = parseLockfile({
  name: 'mono',
  lockfileVersion: 3,
  requires: true,
  packages: {
    '': { name: 'mono', workspaces: ['services/app', 'shared'] },
    'services/app': { name: '@m/app', dependencies: { express: '^5' } },
    shared: { name: '@m/shared', dependencies: { zod: '^4' } },
    'node_modules/@m/shared': { resolved: 'shared', link: true },
    // hoisted: express 4 (a dev tool's), mime-types 2, debug
    'node_modules/express': pkg('4.0.0', { 'mime-types': '^2' }, { dev: true }),
    'node_modules/mime-types': pkg('2.1.0', {}, { dev: true }),
    'node_modules/debug': pkg('4.0.0', { ms: '^2' }),
    'node_modules/ms': pkg('2.1.0'),
    'node_modules/zod': pkg('3.25.0', {}, { dev: true }),
    'node_modules/dev-only': pkg('1.0.0', {}, { dev: true }),
    'node_modules/fsevents': pkg('2.0.0', {}, { optional: true, os: ['darwin'] }),
    // the app's own express 5, nested because the root has express 4
    'services/app/node_modules/express': pkg('5.0.0', { 'mime-types': '^3', debug: '^4', fsevents: '*' }),
    'services/app/node_modules/mime-types': pkg('3.0.0', { 'mime-db': '^1' }),
    'services/app/node_modules/mime-db': pkg('1.54.0'),
    // a package that needs the old mime-types
    'node_modules/form-data': pkg('4.0.0', { 'mime-types': '^2' }),
    'shared/node_modules/zod': pkg('4.6.7'),
  },
});

describe('pruneLockfile', () => {
  test('resolves each import from the workspace that makes it, keeps only the runtime closure, drops dev flags', () => {
    const { dependencies, lockfile } = pruneLockfile(
      root,
      [
        { name: 'express', fromWorkspace: 'services/app' },
        { name: 'zod', fromWorkspace: 'shared' },
      ],
      'app-deploy',
      '1.0.0',
    );
    expect(dependencies).toEqual({ express: '5.0.0', zod: '4.6.7' });
    expect(Object.keys(lockfile.packages).sort()).toEqual(
      [
        '',
        'node_modules/debug',
        'node_modules/express',
        'node_modules/fsevents',
        'node_modules/mime-db',
        'node_modules/mime-types',
        'node_modules/ms',
        'node_modules/zod',
      ].sort(),
    );
    expect(lockfile.packages['node_modules/mime-types']?.version).toBe('3.0.0');
    expect(lockfile.packages['node_modules/zod']?.version).toBe('4.6.7');
    expect(lockfile.packages['']).toEqual({ name: 'app-deploy', version: '1.0.0', dependencies: { express: '5.0.0', zod: '4.6.7' } });
    for (const entry of Object.values(lockfile.packages)) expect(entry['dev']).toBeUndefined();
    expect(lockfile.packages['node_modules/fsevents']?.['optional']).toBe(true); // keeps os/optional so npm ci skips it off darwin
  });

  test('nests a second version under its dependent when another version holds the top level', () => {
    const { lockfile } = pruneLockfile(
      root,
      [
        { name: 'express', fromWorkspace: 'services/app' },
        { name: 'form-data', fromWorkspace: '' },
      ],
      'x',
      '1.0.0',
    );
    expect(lockfile.packages['node_modules/mime-types']?.version).toBe('3.0.0');
    expect(lockfile.packages['node_modules/form-data/node_modules/mime-types']?.version).toBe('2.1.0');
  });

  test('refuses a workspace package (it must be bundled) and an import nobody installed', () => {
    expect(() => pruneLockfile(root, [{ name: '@m/shared', fromWorkspace: 'services/app' }], 'x', '1')).toThrow(LockfileError);
    expect(() => pruneLockfile(root, [{ name: 'left-pad', fromWorkspace: 'services/app' }], 'x', '1')).toThrow(/not installed/);
  });

  test('parseLockfile refuses anything but a v3 lockfile', () => {
    expect(() => parseLockfile({ name: 'x', lockfileVersion: 2, packages: {} })).toThrow(LockfileError);
    expect(() => parseLockfile({ name: 'x', lockfileVersion: 3 })).toThrow(LockfileError);
  });
});
