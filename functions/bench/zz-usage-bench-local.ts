// temporary runner (deleted after use)
import { startFirestoreEmulator } from '../../infra/local/src/emulators.js';
const fs = await startFirestoreEmulator();
process.env['FIRESTORE_EMULATOR_HOST'] = fs.host;
process.env['PUBSUB_EMULATOR_HOST'] = '127.0.0.1:1';
process.env['METADATA_SERVER_DETECTION'] = 'none';
const { runUsageBench } = await import('./usage-bench.js');
try {
  console.log(JSON.stringify(await runUsageBench(), null, 2));
} finally {
  await fs.stop();
}
