// Server keys: how a caller of the service API outside Google Cloud (no ID tokens there)
// authenticates. `bsk_` + 32 random bytes, shown once; only SHA-256(secret) is stored, with the
// key's scopes (check, track, read) and a display prefix. Operators make, list and revoke them
// (`npm run ops -- service-key ...`). Each app instance keeps what it looked up for `ttlMs`
// (default 30 s), unknown keys included, so a revocation takes effect everywhere within that.
import { createHash, randomBytes } from 'node:crypto';
import { Timestamp } from '@google-cloud/firestore';
import { notFound } from '../errors/app-error.js';
import type { Store } from '../firestore/store.js';
import type { ServiceKeyDoc, ServiceKeyScope } from '../model/service-documents.js';
import type { Clock } from '../ports/clock.js';

export const SERVICE_KEY_PREFIX = 'bsk_';
const SECRET_PATTERN = /^bsk_[A-Za-z0-9_-]{43}$/;
const hashOf = (secret: string) => createHash('sha256').update(secret, 'utf8').digest('hex');

export const isServiceKey = (value: string): boolean => value.startsWith(SERVICE_KEY_PREFIX);

export interface ServiceKeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: ServiceKeyScope[];
  createdAt: string;
  revokedAt: string | null;
}

const view = (d: ServiceKeyDoc): ServiceKeyView => ({
  id: d.id,
  name: d.name,
  prefix: d.prefix,
  scopes: d.scopes,
  createdAt: d.createdAt.toDate().toISOString(),
  revokedAt: d.revokedAt?.toDate().toISOString() ?? null,
});

export async function createServiceKey(
  deps: { store: Store; clock: Clock },
  name: string,
  scopes: readonly ServiceKeyScope[],
): Promise<ServiceKeyView & { key: string }> {
  const secret = `${SERVICE_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const doc: ServiceKeyDoc = {
    id: `svckey_${randomBytes(12).toString('hex')}`,
    name,
    prefix: secret.slice(0, SERVICE_KEY_PREFIX.length + 8),
    scopes: [...new Set(scopes)],
    createdAt: Timestamp.fromMillis(deps.clock.now()),
    revokedAt: null,
  };
  await deps.store.serviceKeys.doc(hashOf(secret)).create(doc);
  return { ...view(doc), key: secret };
}

export async function listServiceKeys(store: Store): Promise<ServiceKeyView[]> {
  return (await store.serviceKeys.get()).docs.map((d) => view(d.data())).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

export async function revokeServiceKey(deps: { store: Store; clock: Clock }, id: string): Promise<ServiceKeyView> {
  const found = (await deps.store.serviceKeys.where('id', '==', id).limit(1).get()).docs[0];
  if (!found) throw notFound('Service key');
  const revokedAt = found.data().revokedAt ?? Timestamp.fromMillis(deps.clock.now());
  await found.ref.update({ revokedAt });
  return view({ ...found.data(), revokedAt });
}

export interface ServiceKeyPrincipal {
  keyId: string;
  name: string;
  scopes: readonly ServiceKeyScope[];
}

export interface ServiceKeyVerifier {
  /** The key's principal, or null for a malformed, unknown or revoked key. */
  verify(secret: string): Promise<ServiceKeyPrincipal | null>;
}

export function createServiceKeyVerifier(deps: { store: Store; clock: Clock; ttlMs?: number; maxEntries?: number }): ServiceKeyVerifier {
  const ttlMs = deps.ttlMs ?? 30_000;
  const maxEntries = deps.maxEntries ?? 10_000;
  const cache = new Map<string, { at: number; principal: Promise<ServiceKeyPrincipal | null> }>();
  return {
    verify(secret) {
      if (!SECRET_PATTERN.test(secret)) return Promise.resolve(null);
      const hash = hashOf(secret);
      const now = deps.clock.now();
      const hit = cache.get(hash);
      if (hit && now - hit.at < ttlMs) return hit.principal;
      if (cache.size >= maxEntries) cache.clear(); // bound memory; a dropped entry costs one read
      const principal = deps.store.serviceKeys
        .doc(hash)
        .get()
        .then((snap) => {
          const doc = snap.data();
          return doc && !doc.revokedAt ? { keyId: doc.id, name: doc.name, scopes: doc.scopes } : null;
        });
      const entry = { at: now, principal };
      cache.set(hash, entry);
      void principal.catch(() => {
        if (cache.get(hash) === entry) cache.delete(hash); // a failed read is not remembered
      });
      return principal;
    },
  };
}
