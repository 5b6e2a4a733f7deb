// The one livemode rule, the same in every deployable (webhook, app, applier, reportUsage):
//
//   STRIPE_LIVEMODE (`true`/`false`) is required, with no default; where the deployable holds a
//   STRIPE_SECRET_KEY, the key must be of that mode, or the deployable refuses to start.
//
// Why stated rather than derived from the key: the webhook holds no key, so it has to be told;
// deriving it elsewhere would give one deployment one stated mode and three inferred ones, and a
// test key pasted into the live secret would silently turn the app and the applier to test mode
// (every live event then dead-lettered as "the other mode"). Stated once (one Terraform variable
// for all four) and checked against each key, a mix-up stops the start with a CRITICAL line that
// names it. Why no default: `false` by default would let a live deployment that forgot the
// variable start in test mode and refuse (webhook) or dead-letter (applier) every live event.
import { z } from 'zod';
import { envBool, parsedKeys } from './parse-env.js';

export const StripeSecretKey = z.string().regex(/^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/, 'must be a Stripe secret or restricted key');
export const StripeLivemode = envBool;

export function isLiveKey(secretKey: string): boolean {
  return /^(sk|rk)_live_/.test(secretKey);
}

/** The cross-field half of the rule, for a schema's `.superRefine(..., crossChecks)`. Never echoes the key. */
export function checkKeyMatchesLivemode(env: { STRIPE_SECRET_KEY: string; STRIPE_LIVEMODE: boolean }, ctx: z.RefinementCtx): void {
  if (!parsedKeys(ctx)('STRIPE_SECRET_KEY', 'STRIPE_LIVEMODE')) return;
  const live = isLiveKey(env.STRIPE_SECRET_KEY);
  if (live !== env.STRIPE_LIVEMODE) {
    ctx.addIssue({
      code: 'custom',
      path: ['STRIPE_LIVEMODE'],
      message: `is ${env.STRIPE_LIVEMODE} but STRIPE_SECRET_KEY is a ${live ? 'live' : 'test'} key`,
    });
  }
}
