// `api_keys/{sha256(secret)}`: one API key. The id shown in the API is a separate random id, so
// URLs and logs never carry the hash.
import { z } from 'zod';
import { timestamp } from './documents.js';
import { UserText } from './user-text.js';

export const ApiKeyDoc = z.object({
  id: z.string(),
  userId: z.string(),
  name: z.string(),
  prefix: z.string(),
  createdAt: timestamp,
  lastUsedAt: timestamp.nullable(),
  revokedAt: timestamp.nullable(),
});
export type ApiKeyDoc = z.infer<typeof ApiKeyDoc>;

export const ApiKeyName = UserText.trim().min(1).max(100);
