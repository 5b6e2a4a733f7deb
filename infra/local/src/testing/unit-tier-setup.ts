// Runs before every unit-tier test file (vitest.config.ts). The unit tier has no emulators: clear
// the variables that point the Google client libraries at them (a shell that ran `npm start` may
// export them), so a unit test that reaches an emulator fails at once (requireEmulators() throws)
// instead of quietly using whatever emulator happens to be running.
export function clearEmulatorVariables(): void {
  for (const name of ['FIRESTORE_EMULATOR_HOST', 'PUBSUB_EMULATOR_HOST']) delete process.env[name];
}

clearEmulatorVariables();
