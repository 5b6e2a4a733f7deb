// The one way to build a PubSub client in this repo (composition roots and test helpers).
//
// Why the explicit `grpc`: @google-cloud/pubsub 6 creates the emulator's insecure credentials
// with the grpc-js of its own google-gax, while the generated clients it calls
// (@google-cloud/pubsub-api) load their own google-gax and grpc-js whenever npm cannot dedupe
// them (here: firebase-tools keeps google-gax 5 at the root). grpc-js then refuses the
// credentials ("Channel credentials must be a ChannelCredentials object") and every call fails.
// Handing one grpc module to both (PubSub and the gax GrpcClient honour `grpc`) removes the
// mismatch; in production it changes nothing but which copy is loaded.
import * as grpc from '@grpc/grpc-js';
import { PubSub, type ClientConfig } from '@google-cloud/pubsub';

export function createPubSubClient(config: ClientConfig = {}): PubSub {
  return new PubSub({ grpc, ...config });
}

// Workspaces reach the library through shared (the root node_modules holds another major of it
// for firebase-tools), so they take its types from here too.
export type { PubSub, Subscription, Topic } from '@google-cloud/pubsub';
/** The generated clients (synchronous pull for tools and tests), from the same copy of the library. */
export { v1 } from '@google-cloud/pubsub';
