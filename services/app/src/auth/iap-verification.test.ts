// Every way an IAP assertion can be wrong answers 401 with no data; a valid one is accepted and
// creates the user document. Tokens are signed locally with jose, like IAP signs them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, createLocalJWKSet, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import type { Firestore } from '@google-cloud/firestore';
import { testFirestore } from '@billing/shared/testing/emulator.js';
import { startHarness, type Harness } from '../testing/app-harness.js';
import { IAP_HEADER, IAP_ISSUER, createIapVerifier } from './iap-verifier.js';

const AUDIENCE = '/projects/123/global/backendServices/456';
const KID = 'iap-key-1';

let firestore: Firestore;
let harness: Harness;
let signingKey: CryptoKey;
let otherKey: CryptoKey;

interface TokenOptions {
  key?: CryptoKey;
  kid?: string;
  alg?: string;
  iss?: string;
  aud?: string;
  sub?: string;
  iat?: number;
  exp?: number;
}

function token(o: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ email: 'alice@example.com' })
    .setProtectedHeader({ alg: o.alg ?? 'ES256', kid: o.kid ?? KID })
    .setIssuer(o.iss ?? IAP_ISSUER)
    .setAudience(o.aud ?? AUDIENCE)
    .setSubject(o.sub ?? 'accounts.google.com:1001')
    .setIssuedAt(o.iat ?? now)
    .setExpirationTime(o.exp ?? now + 600)
    .sign(o.key ?? signingKey);
}

const me = (headers: Record<string, string>) => fetch(`${harness.baseUrl}/api/me`, { headers });

beforeAll(async () => {
  const pair = await generateKeyPair('ES256');
  signingKey = pair.privateKey;
  otherKey = (await generateKeyPair('ES256')).privateKey;
  const publicJwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: KID, alg: 'ES256' };
  firestore = testFirestore();
  harness = await startHarness({
    firestore,
    verifier: createIapVerifier({ keys: createLocalJWKSet({ keys: [publicJwk] }), audience: AUDIENCE }),
  });
});

afterAll(async () => {
  await harness.close();
  await firestore.terminate();
});

describe('IAP assertion', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const cases: [string, () => Promise<Record<string, string>>][] = [
    ['missing', () => Promise.resolve({})],
    ['malformed', () => Promise.resolve({ [IAP_HEADER]: 'not.a.jwt' })],
    ['wrong signature', async () => ({ [IAP_HEADER]: await token({ key: otherKey }) })],
    ['wrong audience', async () => ({ [IAP_HEADER]: await token({ aud: '/projects/123/global/backendServices/999' }) })],
    ['wrong issuer', async () => ({ [IAP_HEADER]: await token({ iss: 'https://evil.example.com' }) })],
    ['expired beyond the 30 s skew', async () => ({ [IAP_HEADER]: await token({ iat: now() - 700, exp: now() - 31 }) })],
    ['issued in the future beyond the skew', async () => ({ [IAP_HEADER]: await token({ iat: now() + 120, exp: now() + 700 }) })],
    ['unknown kid', async () => ({ [IAP_HEADER]: await token({ key: otherKey, kid: 'rotated-away' }) })],
    [
      'only the forgeable x-goog-authenticated-user-* headers',
      () =>
        Promise.resolve({
          'x-goog-authenticated-user-email': 'accounts.google.com:alice@example.com',
          'x-goog-authenticated-user-id': 'accounts.google.com:1001',
        }),
    ],
    ['the dev cookie in production mode', async () => ({ cookie: `__dev_iap=${await token()}` })],
  ];

  it.each(cases)('%s → 401 with no data', async (_name, headers) => {
    const res = await me(await headers());
    expect(res.status).toBe(401);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({ error: { code: 'unauthenticated', message: expect.any(String) as string } });
  });

  it('refuses an HS256 token even when its structure is valid', async () => {
    const hs = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', kid: KID })
      .setIssuer(IAP_ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('x')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new Uint8Array(32));
    expect((await me({ [IAP_HEADER]: hs })).status).toBe(401);
  });

  it('accepts a valid assertion within the skew and creates the user once', async () => {
    const res = await me({ [IAP_HEADER]: await token({ exp: now() - 10 }) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { user: { id: string; email: string }; plan: { id: string } };
    expect(body.user).toEqual({ id: 'accounts.google.com:1001', email: 'alice@example.com' });
    expect(body.plan.id).toBe('free');
    const snap = await firestore.doc('accounts/accounts.google.com:1001').get();
    expect(snap.get('email')).toBe('alice@example.com');
    const created = snap.createTime;
    expect((await me({ [IAP_HEADER]: await token() })).status).toBe(200);
    expect((await firestore.doc('accounts/accounts.google.com:1001').get()).updateTime).toEqual(snap.updateTime);
    expect(created).toBeDefined();
  });
});
