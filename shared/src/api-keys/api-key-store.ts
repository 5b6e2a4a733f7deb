// Create, list, rename and revoke an account's API keys. Revocation keeps the document (with
// `revokedAt`) so every instance's listener sees it and refuses the key (api-key-verifier.ts).
import { randomBytes } from 'node:crypto';
import { Timestamp, type Firestore } from '@google-cloud/firestore';
import { AppError, notFound } from '../errors/app-error.js';
import type { AccountId } from '../model/ids.js';
import type { Clock } from '../ports/clock.js';
import { type ApiKeyDoc } from '../model/api-key-documents.js';
import { generateApiKeySecret, type NewApiKeySecret } from './api-key-secret.js';
import { createStore } from '../firestore/store.js';

/** A bound on keys per account, so the list stays one small query. */
export const MAX_ACTIVE_KEYS = 25;

/** What the API and the billing page show: never the secret nor the hash. */
export interface ApiKeyView {
  readonly id: string;
  readonly name: string;
  readonly prefix: string;
  /** The member who created it; null for keys made before accounts (by the personal account's user). */
  readonly createdBy: string | null;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
}

export interface CreatedApiKey extends ApiKeyView {
  /** The secret, shown once. */
  readonly key: string;
}

export interface ApiKeyStore {
  /** `createdBy`: the member who creates it (shown in the list). */
  create(accountId: AccountId, createdBy: string, name: string): Promise<CreatedApiKey>;
  /** Active (not revoked) keys, newest first. */
  list(accountId: AccountId): Promise<ApiKeyView[]>;
  rename(accountId: AccountId, id: string, name: string): Promise<ApiKeyView>;
  /** Idempotent for the owner; another user's or an unknown id is 404. Returns the key's hash for cache eviction. */
  revoke(accountId: AccountId, id: string): Promise<{ hash: string }>;
}

export const toApiKeyView = (doc: ApiKeyDoc): ApiKeyView => ({
  id: doc.id,
  name: doc.name,
  prefix: doc.prefix,
  createdBy: doc.createdBy,
  createdAt: doc.createdAt.toDate().toISOString(),
  lastUsedAt: doc.lastUsedAt?.toDate().toISOString() ?? null,
});

export interface ApiKeyStoreOptions {
  /** Called with a new key's hash once its document exists: the verifier stops refusing it (api-key-verifier.ts `created`). */
  onCreated?: (hash: string) => void;
  /** Where secrets come from (default: 32 random bytes); tests fix it to create a key whose secret they already used. */
  generateSecret?: () => NewApiKeySecret;
}

export function createApiKeyStore(db: Firestore, clock: Clock, opts: ApiKeyStoreOptions = {}): ApiKeyStore {
  const keys = createStore(db).apiKeys;
  const generateSecret = opts.generateSecret ?? generateApiKeySecret;

  async function findOwned(accountId: AccountId, id: string) {
    const snap = await keys.where('id', '==', id).limit(1).get();
    const doc = snap.docs[0];
    if (!doc || doc.data().accountId !== accountId) throw notFound('API key'); // never confirm another account's key exists
    return doc;
  }

  return {
    async create(accountId, createdBy, name) {
      const active = await keys.where('accountId', '==', accountId).where('revokedAt', '==', null).count().get();
      if (active.data().count >= MAX_ACTIVE_KEYS) throw new AppError('conflict', `At most ${MAX_ACTIVE_KEYS} active API keys per account`);
      const { secret, hash, prefix } = generateSecret();
      const doc: ApiKeyDoc = {
        id: `key_${randomBytes(12).toString('hex')}`,
        accountId,
        createdBy,
        name,
        prefix,
        createdAt: Timestamp.fromMillis(clock.now()),
        lastUsedAt: null,
        revokedAt: null,
      };
      await keys.doc(hash).create(doc);
      opts.onCreated?.(hash);
      return { ...toApiKeyView(doc), key: secret };
    },
    async list(accountId) {
      const snap = await keys.where('accountId', '==', accountId).where('revokedAt', '==', null).get();
      return snap.docs
        .map((d) => d.data())
        .sort((a, b) => b.createdAt.toMillis() - a.createdAt.toMillis())
        .map(toApiKeyView);
    },
    async rename(accountId, id, name) {
      const doc = await findOwned(accountId, id);
      if (doc.data().revokedAt) throw notFound('API key');
      await doc.ref.update({ name });
      return toApiKeyView({ ...doc.data(), name });
    },
    async revoke(accountId, id) {
      const doc = await findOwned(accountId, id);
      if (!doc.data().revokedAt) await doc.ref.update({ revokedAt: Timestamp.fromMillis(clock.now()) });
      return { hash: doc.id };
    },
  };
}
