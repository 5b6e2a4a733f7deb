import { defineConfig } from 'vitest/config';

// One test run for the whole repo. The global setup starts the real Firestore and Pub/Sub
// emulators once on free ports; every test file isolates itself with its own demo-* project id.
export default defineConfig({
  test: {
    include: ['{shared,functions,services,infra,examples}/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    globalSetup: ['infra/local/src/testing/vitest-global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    env: { METADATA_SERVER_DETECTION: 'none', NO_UPDATE_NOTIFIER: '1' },
  },
});
