// Runs the function locally on a port, the way the local stack and the end-to-end tests start it:
//   PORT=8788 GOOGLE_CLOUD_PROJECT=demo-billing STRIPE_SECRET_KEY=sk_test_local \
//   STRIPE_API_BASE=http://127.0.0.1:12111 FIRESTORE_EMULATOR_HOST=127.0.0.1:8080 \
//   PUBSUB_EMULATOR_HOST=127.0.0.1:8085 tsx functions/src/dev-server.ts
// The Pub/Sub push subscription then targets http://127.0.0.1:8788/projects/demo-billing/topics/stripe-events.
// Config is validated at start-up here (not on the first message) so a bad variable fails loudly.
import type { Server } from 'node:http';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { loadConfig } from './config.js';
import { FUNCTION_NAME } from './index.js';

/** Starts the functions-framework HTTP server for the registered function; resolves once listening. */
export async function startFunctionServer(port: number, host = '127.0.0.1'): Promise<Server> {
  const server = getTestServer(FUNCTION_NAME);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  loadConfig(process.env);
  const port = Number(process.env['PORT'] ?? 8788);
  const server = await startFunctionServer(port);
  process.stdout.write(`${JSON.stringify({ severity: 'INFO', event: 'function.listening', message: `applyStripeEvent on http://127.0.0.1:${port}` })}\n`);
  const stop = () => server.close(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
