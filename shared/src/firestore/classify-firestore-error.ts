// Which Firestore failures a retry can fix. The SDK rejects with the gRPC status as a numeric `code`
// (https://grpc.github.io/grpc/core/md_doc_statuscodes.html). The rule: a failure is permanent
// only when the request built from this message is at fault, so the same message fails the same
// way however often and whenever it is retried. A failure of the deployment (missing role, missing
// database or index, an expired token) is not the message's fault: retried, it succeeds once the
// deployment is fixed, and the subscription's dead-letter policy still bounds the attempts, whereas
// dead-lettering at once would send every event to the dead-letter topic during a misconfiguration.
// (A role granted to the function's service account can take minutes to take effect after a
// deploy: PERMISSION_DENIED is then gone by a later attempt.)

/** gRPC status codes by name (the values are the wire numbers). */
export const GrpcStatus = {
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;
export type GrpcStatusName = keyof typeof GrpcStatus;

/**
 * What a retry of the same message can do about each status:
 *  - permanent: INVALID_ARGUMENT (a bad document path or id, a document over 1 MiB, a bad field
 *    value) and OUT_OF_RANGE: the request itself is wrong;
 *  - transient, everything else. UNAVAILABLE, DEADLINE_EXCEEDED, ABORTED (contention),
 *    RESOURCE_EXHAUSTED (quota), INTERNAL, UNKNOWN, CANCELLED are outages. NOT_FOUND (the database,
 *    or a document an update expects that a later event creates), ALREADY_EXISTS (a racing create),
 *    FAILED_PRECONDITION (an index still building, an expired transaction), PERMISSION_DENIED and
 *    UNAUTHENTICATED (the service account's roles or token), UNIMPLEMENTED and DATA_LOSS are about
 *    the state of the system or the deployment, not about the message.
 */
const TRANSACTION_GONE = /transaction has expired|Transaction is invalid or closed/;

const PERMANENT: ReadonlySet<number> = new Set([GrpcStatus.INVALID_ARGUMENT, GrpcStatus.OUT_OF_RANGE]);

/** The gRPC status of a Firestore (or any Google client) error, or undefined for anything else. */
export function grpcStatusOf(err: unknown): number | undefined {
  if (!(err instanceof Error) || !('code' in err)) return undefined;
  const code = err.code;
  // Stripe errors carry string codes, Node system errors `ECONNRESET`...: only gRPC's are numbers.
  return typeof code === 'number' && Number.isInteger(code) && code >= 1 && code <= 16 ? code : undefined;
}

/**
 * INVALID_ARGUMENT about the transaction, not the request: the backend's "transaction has expired"
 * (the SDK's runTransaction retries exactly that: isRetryableTransactionError in
 * @google-cloud/firestore's transaction.js), and the emulator's "Transaction is invalid or closed",
 * its answer to a transaction whose lock wait timed out under contention (production answers
 * ABORTED). A new transaction may succeed; the write itself was never refused.
 */
export function isTransactionGone(err: unknown): boolean {
  return grpcStatusOf(err) === GrpcStatus.INVALID_ARGUMENT && err instanceof Error && TRANSACTION_GONE.test(err.message);
}

/** `permanent` when retrying the same write cannot succeed; `transient` otherwise (including non-gRPC errors). */
export function classifyFirestoreError(err: unknown): 'permanent' | 'transient' {
  const status = grpcStatusOf(err);
  if (status === undefined || !PERMANENT.has(status)) return 'transient';
  if (isTransactionGone(err)) return 'transient';
  return 'permanent';
}
