// The one local host of the functions in functions/ (npm start), each on its own port, the way Cloud Run functions
// would: applyStripeEvent (Pub/Sub push from stripe-events) and reportUsage (Pub/Sub push from the
// usage-report-tick topic that Cloud Scheduler feeds in production). Both functions' config is
// validated first so a bad variable fails at start-up (the same CRITICAL config.invalid line as
// every deployable), not on the first message.
import type { Server } from 'node:http';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { exitOnConfigError } from '@billing/shared/config/exit-on-config-error.js';
import { loadConfig } from '../../../functions/src/config.js';
import { FUNCTION_NAME } from '../../../functions/src/index.js';
import { loadReportUsageConfig } from '../../../functions/src/report-usage/config.js';
import { REPORT_USAGE_FUNCTION } from '../../../functions/src/report-usage/register.js';

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

exitOnConfigError('event-applier', () => loadConfig());
exitOnConfigError('report-usage', () => loadReportUsageConfig());
const applyPort = Number(process.env['APPLY_PORT'] ?? 8788);
const reportPort = Number(process.env['REPORT_USAGE_PORT'] ?? 8790);
const servers = [getTestServer(FUNCTION_NAME), getTestServer(REPORT_USAGE_FUNCTION)];
await listen(servers[0]!, applyPort);
await listen(servers[1]!, reportPort);
process.stdout.write(
  `${JSON.stringify({ severity: 'INFO', event: 'functions.listening', message: `${FUNCTION_NAME} :${applyPort}, ${REPORT_USAGE_FUNCTION} :${reportPort}` })}\n`,
);
// Pub/Sub push keeps connections alive, so close() alone would wait for them: let in-flight
// deliveries finish, drop idle connections, and exit after a grace period whatever happens (an
// undelivered or unacknowledged message is redelivered by Pub/Sub on the next start).
const stop = () => {
  let open = servers.length;
  for (const s of servers) {
    s.close(() => --open === 0 && process.exit(0));
    s.closeIdleConnections();
  }
  setTimeout(() => process.exit(0), 5_000).unref();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
