// A Customer Portal session for the account's own customer only. The URL is a bearer credential:
// it is returned to the user and never logged.
import { AppError } from '../errors/app-error.js';
import type { BillingOpsDeps } from './billing-ops-deps.js';
import { readAccount } from './read-account.js';

export async function openBillingPortal(deps: BillingOpsDeps, accountId: string): Promise<{ url: string }> {
  const user = await readAccount(deps.firestore, accountId);
  if (!user.stripeCustomerId) throw new AppError('conflict', 'No billing account yet: subscribe first');
  return deps.gateway.createPortalSession({ customerId: user.stripeCustomerId, returnUrl: `${deps.publicBaseUrl}/billing/portal-return` });
}
