// A Customer Portal session for the account's own customer only. The URL is a bearer credential:
// it is returned to the user and never logged.
import { AppError } from '../errors/app-error.js';
import type { BillingOpsDeps } from './billing-ops-deps.js';
import { readAccount } from './read-account.js';

/**
 * `flow: 'payment_method_update'`: straight to the card form, and back to the billing page with
 * `?payment_method=updated` once the card is changed, where an unpaid invoice is paid with it.
 */
export async function openBillingPortal(deps: BillingOpsDeps, accountId: string, flow?: 'payment_method_update'): Promise<{ url: string }> {
  const user = await readAccount(deps.firestore, accountId);
  if (!user.stripeCustomerId) throw new AppError('conflict', 'No billing account yet: subscribe first');
  if (flow)
    return deps.gateway.createPortalSession({
      customerId: user.stripeCustomerId,
      returnUrl: `${deps.publicBaseUrl}/billing?payment_method=updated`,
      flow,
    });
  return deps.gateway.createPortalSession({ customerId: user.stripeCustomerId, returnUrl: `${deps.publicBaseUrl}/billing/portal-return` });
}
