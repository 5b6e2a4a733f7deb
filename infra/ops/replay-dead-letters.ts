// The dead-letter replay now lives in shared (the operator console runs it too): this keeps the
// CLI's import path.
export { replayDeadLetters, type ReplayDeadLettersOptions, type ReplayResult } from '@billing/shared/pubsub/replay-dead-letters.js';
