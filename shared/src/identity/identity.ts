// Who is calling. Built only from a verified IAP assertion (or, for programmatic routes, from a
// verified API key): never from the unsigned `x-goog-authenticated-user-*` headers.
import type { UserId } from '../model/ids.js';

export interface Identity {
  /** The IAP subject (`accounts.google.com:1234...`): stable across email changes. */
  readonly userId: UserId;
  readonly email: string | null;
}
