// Composition root of the app service: load config once, build the real adapters, listen on
// PORT, drain on SIGTERM (stop the cache's listeners and the Firestore client after in-flight
// requests).
import { exitOnConfigError } from '@billing/shared/config/exit-on-config-error.js';
import { createFirestore } from '@billing/shared/firestore/firestore-client.js';
import { listenWithGracefulShutdown } from '@billing/shared/http/graceful-shutdown.js';
import { createLogger } from '@billing/shared/logging/logger.js';
import { startTracing } from '@billing/shared/tracing/start-tracing.js';
import { composeApp } from './compose-app.js';
import { loadConfig } from './config.js';

const config = exitOnConfigError('app', () => loadConfig());
const logger = createLogger({ service: 'app', level: config.logLevel, version: config.revision });
// Before the Firestore client, which picks up the tracer provider when built; loads nothing when off.
const tracing = await startTracing({ mode: config.tracing, service: 'app', projectId: config.projectId });
const firestore = createFirestore(config.projectId);
const composed = await composeApp(config, { logger, firestore });

await listenWithGracefulShutdown(
  composed.app,
  config.port,
  async () => {
    await composed.close();
    await firestore.terminate();
    await tracing.shutdown();
  },
  { logger },
);
