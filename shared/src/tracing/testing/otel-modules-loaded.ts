// Run as a child process (tracing-off.test.ts): starts the modules every deployable loads at
// start-up with the TRACING mode given as argument (off by default), then prints the OpenTelemetry SDK and exporter modules that were
// resolved on the way. A module hook sees every import and require, whoever makes them.
import { registerHooks } from 'node:module';

const SDK = /node_modules\/(@opentelemetry\/(sdk-|resources|context-async-hooks|exporter-)|@google-cloud\/opentelemetry-)/;
const loaded = new Set<string>();
registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context);
    if (SDK.test(resolved.url)) loaded.add(resolved.url.replace(/^.*node_modules\//, ''));
    return resolved;
  },
});

const { startTracing, TracingMode } = await import('../start-tracing.js');
const tracing = await startTracing({ mode: TracingMode.parse(process.argv[2] ?? 'off'), service: 'probe', projectId: 'demo-probe' });
await import('../../logging/logger.js');
await import('../../http/request-logging.js');
await import('../../pubsub/pubsub-publisher.js');
const { createPubSubClient } = await import('../../pubsub/pubsub-client.js');
await createPubSubClient({ projectId: 'demo-probe' }).close();
await import('../../firestore/firestore-client.js');
await tracing.shutdown();
process.stdout.write(JSON.stringify([...loaded]));
