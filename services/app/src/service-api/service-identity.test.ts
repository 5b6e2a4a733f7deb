// Every way a service identity token can be wrong, each refused: 401 when it is not a valid Google
// ID token for us, 403 when it is one but of a service account not listed.
import { SignJWT, createLocalJWKSet, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@billing/shared/errors/app-error.js';
import { createDevIap } from '../auth/dev-iap.js';
import { createServiceTokenVerifier, type ServiceTokenVerifier } from './service-identity.js';

const AUDIENCE = 'https://app.example.com';
const HOST = 'host@p.iam.gserviceaccount.com';
let key: CryptoKey;
let otherKey: CryptoKey;
let verifier: ServiceTokenVerifier;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  key = pair.privateKey;
  otherKey = (await generateKeyPair('RS256')).privateKey;
  const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256' };
  verifier = createServiceTokenVerifier({
    keys: createLocalJWKSet({ keys: [jwk] }),
    audience: AUDIENCE,
    serviceAccounts: [HOST.toUpperCase()],
  });
});

interface Claims {
  iss?: string;
  aud?: string;
  email?: string | undefined;
  email_verified?: boolean;
  exp?: number;
  iat?: number;
  signWith?: CryptoKey;
}

function token(c: Claims = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = { email_verified: c.email_verified ?? true };
  if (c.email !== undefined || !('email' in c)) claims['email'] = c.email ?? HOST;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(c.iss ?? 'https://accounts.google.com')
    .setAudience(c.aud ?? AUDIENCE)
    .setSubject('1234567890')
    .setIssuedAt(c.iat ?? now)
    .setExpirationTime(c.exp ?? now + 3_600)
    .sign(c.signWith ?? key);
}

async function statusOf(t: string): Promise<number> {
  try {
    await verifier.verify(t);
    return 200;
  } catch (err) {
    if (err instanceof AppError) return err.status;
    throw err;
  }
}

describe('service identity tokens', () => {
  it('accepts a Google ID token of a listed service account for our audience (either issuer spelling, any email case)', async () => {
    await expect(verifier.verify(await token())).resolves.toEqual({ serviceAccount: HOST });
    await expect(verifier.verify(await token({ iss: 'accounts.google.com', email: HOST.toUpperCase() }))).resolves.toEqual({
      serviceAccount: HOST,
    });
  });

  const now = Math.floor(Date.now() / 1000);
  it.each([
    ['another audience', () => token({ aud: 'https://elsewhere.example.com' }), 401],
    ['another issuer', () => token({ iss: 'https://securetoken.google.com/p' }), 401],
    ['expired', () => token({ iat: now - 7_200, exp: now - 3_600 }), 401],
    ['issued far in the past', () => token({ iat: now - 5 * 3_600, exp: now + 3_600 }), 401],
    ['signed by another key', () => token({ signWith: otherKey }), 401],
    ['without an email', () => token({ email: undefined }), 401],
    ['an unverified email', () => token({ email_verified: false }), 403],
    ['a service account not listed', () => token({ email: 'other@p.iam.gserviceaccount.com' }), 403],
    ['a user’s IAP assertion', async () => (await createDevIap({ audience: AUDIENCE })).sign('user@example.com'), 401],
    ['not a JWT', () => Promise.resolve('bk_not-a-token'), 401],
    ['a truncated JWT', async () => (await token()).slice(0, -10), 401],
  ])('refuses %s with %i', async (_name, make, status) => {
    expect(await statusOf(await make())).toBe(status);
  });
});
