// What every handler gets: the versioned transaction context plus the ports it may use.
import type { Timestamp } from '@google-cloud/firestore';
import type { Logger } from '../logging/logger.js';
import type { Notification } from '../notifications/messages.js';
import type { StripeReader } from '../ports/stripe-reader.js';
import type { Store } from '../firestore/store.js';
import type { VersionedContext } from './versioned-write.js';

export interface ApplyContext extends VersionedContext {
  readonly store: Store;
  readonly reader: StripeReader;
  readonly logger: Logger;
  /** Wall-clock stamp for `updatedAt` fields (never used for ordering). */
  readonly now: Timestamp;
  /** A notification for hosts, kept in this event's ledger entry and published once it commits. */
  readonly notify: (notification: Notification) => void;
}
