// The one way to build a PubSub client in this repo (composition roots and test helpers).
//
// Why the explicit `grpc`: @google-cloud/pubsub 6 creates the emulator's insecure credentials
// with the grpc-js of its own google-gax, while the generated clients it calls
// (@google-cloud/pubsub-api) load their own google-gax and grpc-js whenever npm cannot dedupe
// them (it happened while firebase-tools kept google-gax 5 at the root). grpc-js then refuses the
// credentials ("Channel credentials must be a ChannelCredentials object") and every call fails.
// Handing one grpc module to both (PubSub and the gax GrpcClient honour `grpc`) removes the
// mismatch; in production it changes nothing but which copy is loaded.
//
// With tracing on (started before the client is built), the client's own OpenTelemetry support
// records publish spans and propagates them in the messages (message-trace.ts).
import * as grpc from '@grpc/grpc-js';
import { PubSub, v1, type ClientConfig } from '@google-cloud/pubsub';
import { tracingActive } from '../tracing/trace-scope.js';

export function createPubSubClient(config: ClientConfig = {}): PubSub {
  return new PubSub({ grpc, enableOpenTelemetryTracing: tracingActive(), ...config });
}

// Workspaces reach the library through shared, the one workspace that depends on it for building
// clients, so they take its types from here too.
export type { PubSub, Subscription, Topic } from '@google-cloud/pubsub';
/**
 * The generated subscriber client (synchronous pull: tools and tests), built from a PubSub
 * client's own options so the emulator credentials and the grpc module match (see above).
 */
export function createSubscriberClient(pubsub: PubSub): v1.SubscriberClient {
  const { servicePath, port, sslCreds, projectId, grpc: grpcModule } = pubsub.options;
  return new v1.SubscriberClient({
    ...(grpcModule !== undefined ? { grpc: grpcModule } : {}),
    ...(servicePath !== undefined ? { servicePath } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(sslCreds !== undefined ? { sslCreds } : {}),
    ...(projectId !== undefined ? { projectId } : {}),
  });
}
