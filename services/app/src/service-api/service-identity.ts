// Who a service caller is: a Google-signed OIDC ID token, the Cloud Run service-to-service
// convention (https://cloud.google.com/run/docs/authenticating/service-to-service). The caller
// fetches a token for our audience (the app's URL) from its metadata server; we verify it with
// jose against Google's published keys: RS256, issuer accounts.google.com, our audience, not
// expired, `email_verified`, and the `email` (the caller's service account) in SERVICE_ACCOUNTS.
// A user's IAP assertion is a different issuer and audience: it is refused here.
//
// Locally (DEV_IAP) a key pair stands in for Google's: `devServiceIdentity().sign(email)` makes a
// token shaped exactly like Google's, which `GET /dev/service-token` hands out.
import { randomUUID } from 'node:crypto';
import { SignJWT, createLocalJWKSet, createRemoteJWKSet, errors, exportJWK, generateKeyPair, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { AppError, unauthenticated } from '@billing/shared/errors/app-error.js';

export const GOOGLE_ISSUERS = ['https://accounts.google.com', 'accounts.google.com'];
export const GOOGLE_CERTS_URL = 'https://www.googleapis.com/oauth2/v3/certs';
const CLOCK_TOLERANCE_SECONDS = 30;
/** Google ID tokens live one hour. */
const MAX_TOKEN_AGE_SECONDS = 3_600 + CLOCK_TOLERANCE_SECONDS;

export interface ServicePrincipal {
  /** The calling service account's email. */
  readonly serviceAccount: string;
}

export interface ServiceTokenVerifier {
  /** The caller, or 401 (not a valid Google ID token for us) / 403 (valid, but not a listed service account). */
  verify(token: string): Promise<ServicePrincipal>;
}

export function googleIdTokenKeys(): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(GOOGLE_CERTS_URL), { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
}

export interface ServiceTokenVerifierOptions {
  keys: JWTVerifyGetKey;
  /** The app's URL (PUBLIC_BASE_URL), as the caller asked Google for it. */
  audience: string;
  /** Lower-cased service account emails allowed to call. */
  serviceAccounts: readonly string[];
  currentDate?: () => Date;
}

export function createServiceTokenVerifier(opts: ServiceTokenVerifierOptions): ServiceTokenVerifier {
  const allowed = new Set(opts.serviceAccounts.map((e) => e.toLowerCase()));
  return {
    async verify(token) {
      let payload;
      try {
        ({ payload } = await jwtVerify(token, opts.keys, {
          algorithms: ['RS256'],
          issuer: GOOGLE_ISSUERS,
          audience: opts.audience,
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          maxTokenAge: MAX_TOKEN_AGE_SECONDS,
          requiredClaims: ['sub', 'exp', 'iat', 'email'],
          ...(opts.currentDate ? { currentDate: opts.currentDate() } : {}),
        }));
      } catch (err) {
        if (err instanceof errors.JOSEError || err instanceof TypeError) throw unauthenticated('Invalid service identity token');
        throw err;
      }
      const email = typeof payload['email'] === 'string' ? payload['email'].toLowerCase() : '';
      if (payload['email_verified'] !== true || !allowed.has(email)) {
        throw new AppError('forbidden', 'This service account may not call the service API (SERVICE_ACCOUNTS)');
      }
      return { serviceAccount: email };
    },
  };
}

export interface DevServiceIdentity {
  readonly keys: JWTVerifyGetKey;
  /** A Google-shaped ID token for `email` and `audience`, valid one hour. */
  sign(email: string, audience: string): Promise<string>;
}

/** The local stand-in for Google's token service (dev mode and tests): an RS256 key pair. */
export async function devServiceIdentity(): Promise<DevServiceIdentity> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `dev-svc-${randomUUID().slice(0, 8)}`;
  const keys = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }] });
  return {
    keys,
    sign: (email, audience) =>
      new SignJWT({ email, email_verified: true, azp: email })
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
        .setIssuer('https://accounts.google.com')
        .setAudience(audience)
        .setSubject(`dev-${email}`)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(privateKey),
  };
}
