// `api_keys/{sha256(secret)}`: one API key. The id shown in the API is a separate random id, so
// URLs and logs never carry the hash.
import { z } from 'zod';
import { ownedByAccount, timestamp } from './documents.js';
import { UserText } from './user-text.js';

export const ApiKeyDoc = ownedByAccount(
  z.object({
    id: z.string(),
    accountId: z.string(),
    /** The member who created it (null: created before accounts, by the personal account's user). */
    createdBy: z.string().nullable().default(null),
    name: z.string(),
    prefix: z.string(),
    createdAt: timestamp,
    lastUsedAt: timestamp.nullable(),
    revokedAt: timestamp.nullable(),
  }),
);
export type ApiKeyDoc = z.infer<typeof ApiKeyDoc>;

export const ApiKeyName = UserText.trim().min(1).max(100);
