// Verifies the IAP signed header (`x-goog-iap-jwt-assertion`) with jose: ES256 only, Google's
// rotating keys, issuer https://cloud.google.com/iap, our audience, exp/iat with 30 s skew.
// https://cloud.google.com/iap/docs/signed-headers-howto
// The unsigned `x-goog-authenticated-user-*` headers are never read: anyone who reaches the
// service without going through IAP can forge them.
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { unauthenticated } from '@billing/shared/errors/app-error.js';
import type { Identity } from '@billing/shared/identity/identity.js';
import { UserId } from '@billing/shared/model/ids.js';

export const IAP_ISSUER = 'https://cloud.google.com/iap';
export const IAP_JWKS_URL = 'https://www.gstatic.com/iap/verify/public_key-jwk';
export const IAP_HEADER = 'x-goog-iap-jwt-assertion';
const CLOCK_TOLERANCE_SECONDS = 30;
/** IAP assertions live 10 minutes; an older `iat` (beyond the skew) is refused. */
const MAX_TOKEN_AGE_SECONDS = 600;

export interface IapVerifier {
  /** The caller's identity, or an `unauthenticated` AppError (401) for any failure. */
  verify(token: string): Promise<Identity>;
}

/**
 * Google's published IAP keys. jose caches them and refetches when a token names an unknown
 * `kid` (key rotation), at most once per cooldown period.
 */
export function googleIapKeys(): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(IAP_JWKS_URL), { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
}

export interface IapVerifierOptions {
  keys: JWTVerifyGetKey;
  /** `/projects/NUMBER/global/backendServices/ID` (load balancer) or the Cloud Run IAP audience. */
  audience: string;
  /** For tests: the verification time. */
  currentDate?: () => Date;
}

export function createIapVerifier(opts: IapVerifierOptions): IapVerifier {
  return {
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, opts.keys, {
          algorithms: ['ES256'],
          issuer: IAP_ISSUER,
          audience: opts.audience,
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          maxTokenAge: MAX_TOKEN_AGE_SECONDS,
          requiredClaims: ['sub', 'exp', 'iat'],
          ...(opts.currentDate ? { currentDate: opts.currentDate() } : {}),
        });
        const userId = UserId.safeParse(payload.sub);
        if (!userId.success) throw unauthenticated('Invalid identity assertion');
        const email = typeof payload['email'] === 'string' ? payload['email'] : null;
        return { userId: userId.data, email };
      } catch (err) {
        if (err instanceof errors.JOSEError || err instanceof TypeError) throw unauthenticated('Invalid identity assertion');
        throw err;
      }
    },
  };
}
