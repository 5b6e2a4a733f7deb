// API key secrets: `bk_` + 32 random bytes (base64url, 43 chars). Only SHA-256(secret) is stored
// (the doc id), plus a short display prefix. A 256-bit random secret needs no salt or slow hash:
// nobody can brute-force it from the hash (unlike a password).
import { createHash, randomBytes } from 'node:crypto';

export const API_KEY_PREFIX = 'bk_';
const SECRET_PATTERN = /^bk_[A-Za-z0-9_-]{43}$/;

export interface NewApiKeySecret {
  /** Shown to the user once, never stored nor logged. */
  readonly secret: string;
  readonly hash: string;
  /** What the key list shows: `bk_` and the first 8 characters of the random part. */
  readonly prefix: string;
}

export function generateApiKeySecret(): NewApiKeySecret {
  const secret = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { secret, hash: hashApiKeySecret(secret), prefix: displayPrefix(secret) };
}

export const displayPrefix = (secret: string): string => secret.slice(0, API_KEY_PREFIX.length + 8);

export const hashApiKeySecret = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex');

/** A cheap shape check before any lookup: a malformed key is refused without a read. */
export const isWellFormedApiKey = (value: string): boolean => SECRET_PATTERN.test(value);
