import { globSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { classifyTests, type Tier } from './infra/local/src/testing/test-tiers.js';

// The repo's tests as four vitest projects, one per tier (infra/local/src/testing/test-tiers.ts
// decides each file's tier from what it imports):
//   unit         no emulators and no global setup: `npm run test:fast`
//   integration  on the real Firestore and Pub/Sub emulators
//   browser      a real Chromium (and the emulators)
//   e2e          whole processes: the local stack, the benchmarks' smoke tests
// `npm test` runs all four. The emulators are started once per run, on free ports, by the first
// project that needs them; every test file isolates itself with its own demo-* project id.
const include = '{shared,functions,services,infra,examples}/**/*.test.ts';
const exclude = ['**/node_modules/**', '**/dist/**'];
const testFiles = globSync(include, { exclude: (f) => f === 'node_modules' || f === 'dist' }).map((f) => f.split('\\').join('/'));
const tiers = await classifyTests(process.cwd(), testFiles);
const filesOf = (tier: Tier) => testFiles.filter((f) => tiers.get(f) === tier);
const emulators = 'infra/local/src/testing/vitest-global-setup.ts';

const project = (name: Tier, extra: { globalSetup?: string[]; setupFiles?: string[] } = {}) => {
  const files = filesOf(name);
  return {
    extends: true as const,
    // A tier without files still gets a project (`--project e2e` then says "no test files").
    test: { name, include: files.length > 0 ? files : [`no-${name}-tests`], exclude, ...extra },
  };
};

export default defineConfig({
  test: {
    // No include here: `extends` would add it to every project's own list.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One worker per core, not vitest's default of one less: most of a file's time is spent waiting
    // on the emulators, Chromium or a child process, so on this 2-core machine kind two workers
    // ran the whole suite in 422 s against 612 s with one (same commit, both green).
    maxWorkers: Math.max(2, availableParallelism()),
    env: { METADATA_SERVER_DETECTION: 'none', NO_UPDATE_NOTIFIER: '1' },
    projects: [
      project('unit', { setupFiles: ['infra/local/src/testing/unit-tier-setup.ts'] }),
      project('integration', { globalSetup: [emulators] }),
      project('browser', { globalSetup: [emulators] }),
      project('e2e', { globalSetup: [emulators] }),
    ],
  },
});
