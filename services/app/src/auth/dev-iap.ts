// Local and test stand-in for IAP: an ES256 key pair whose public half is the verifier's key set
// (createLocalJWKSet) and whose private half signs assertions exactly like IAP does (same issuer,
// the configured audience, 10-minute expiry). The dev sign-in page issues them. Production
// configuration cannot enable this: config.ts refuses DEV_IAP together with IAP_AUDIENCE, with a
// live Stripe key, on Cloud Run (K_SERVICE set) and with a PUBLIC_BASE_URL that is not loopback http.
import { createHash, randomUUID } from 'node:crypto';
import { SignJWT, createLocalJWKSet, exportJWK, generateKeyPair, importJWK, type JWK, type JWTVerifyGetKey, type CryptoKey } from 'jose';
import { IAP_ISSUER } from './iap-verifier.js';

export const DEV_IAP_AUDIENCE = '/projects/0/global/backendServices/dev-local';
/** Browsers cannot add the IAP header to a navigation, so in dev mode only the assertion may come from this cookie. */
export const DEV_IAP_COOKIE = '__dev_iap';

export interface DevIap {
  readonly audience: string;
  readonly keys: JWTVerifyGetKey;
  /** An assertion for this email; the subject is derived from it, so it is stable across restarts. */
  sign(email: string): Promise<string>;
}

/** `privateJwk` keeps sessions valid across restarts; without it a fresh key pair is generated. */
export async function createDevIap(opts: { privateJwk?: JWK | undefined; audience?: string } = {}): Promise<DevIap> {
  const kid = `dev-${randomUUID().slice(0, 8)}`;
  let privateKey: CryptoKey;
  let publicJwk: JWK;
  if (opts.privateJwk) {
    const imported = await importJWK(opts.privateJwk, 'ES256');
    if (imported instanceof Uint8Array) throw new Error('DEV_IAP_PRIVATE_JWK must be an EC P-256 private key');
    privateKey = imported;
    const { d: _d, ...pub } = opts.privateJwk;
    publicJwk = pub;
  } else {
    const pair = await generateKeyPair('ES256', { extractable: true });
    privateKey = pair.privateKey;
    publicJwk = await exportJWK(pair.publicKey);
  }
  const stableKid = opts.privateJwk?.kid ?? kid;
  const audience = opts.audience ?? DEV_IAP_AUDIENCE;
  const keys = createLocalJWKSet({ keys: [{ ...publicJwk, kid: stableKid, alg: 'ES256', use: 'sig' }] });
  return {
    audience,
    keys,
    sign: (email) =>
      new SignJWT({ email })
        .setProtectedHeader({ alg: 'ES256', kid: stableKid })
        .setIssuer(IAP_ISSUER)
        .setAudience(audience)
        .setSubject(devSubject(email))
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(privateKey),
  };
}

/** IAP subjects look like `accounts.google.com:<number>`; ours are derived from the email. */
export function devSubject(email: string): string {
  return `accounts.google.com:dev-${createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 20)}`;
}
