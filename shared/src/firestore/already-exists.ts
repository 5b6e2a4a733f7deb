// Firestore's answer to `create` (in a batch or a transaction, too) when the document exists:
// gRPC status ALREADY_EXISTS.
const ALREADY_EXISTS = 6;

export function isAlreadyExists(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === ALREADY_EXISTS;
}
