// Customer -> account without the "Account not found" class of bug. The app writes `customers/{id}`
// when it creates the Stripe customer (metadata.accountId = our account id); if that document is missing
// (lost write, customer created by an older version) the mapping is recovered, in this order, from
// the payload (customer metadata, checkout client_reference_id / metadata), then from the customer
// fetched from Stripe, and written back so the next event finds it. No account at all means the
// customer was created outside the product: the caller stores its objects and records `unmapped`.
import { AccountId } from '../model/ids.js';
import type { ApplyContext } from './apply-context.js';
import { CustomerPayload, parsePayload } from './object-payloads.js';
import { fetchOutside } from './versioned-write.js';

/** An account id hint found in a payload, if it is a plausible one. */
/**
 * The account id in Stripe metadata: `accountId`, or `userId` on customers and subscriptions
 * created before accounts (a personal account's id is its user's id).
 */
export function metadataAccountId(metadata: Readonly<Record<string, unknown>> | null | undefined): string | null {
  const value = metadata?.['accountId'] ?? metadata?.['userId'];
  return typeof value === 'string' ? value : null;
}

export function accountIdHint(...candidates: (string | null | undefined)[]): string | null {
  for (const c of candidates) if (c && AccountId.safeParse(c).success) return c;
  return null;
}

export interface ResolveOptions {
  hint: string | null;
  livemode: boolean;
  /** False for customer events: their payload is the customer, a fetch would tell nothing more. */
  fetchIfMissing: boolean;
}

export async function resolveAccountId(ctx: ApplyContext, customerId: string, opts: ResolveOptions): Promise<string | null> {
  const { hint, livemode } = opts;
  const ref = ctx.store.customers.doc(customerId);
  const mapped = await ctx.tx.get(ref);
  if (mapped) return mapped.accountId;

  let accountId = hint;
  let email: string | null = null;
  // A mapping recovered from a hint knows nothing of the customer's state: stamped 0 so that any
  // customer event overwrites it. One recovered from a fetch is as new as this event (see
  // versioned-write.ts: a fetch includes every change received before it).
  let created = 0;
  if (!accountId) {
    if (!opts.fetchIfMissing) return null;
    const fetched = fetchOutside(ctx, `customer:${customerId}`, () => ctx.reader.retrieveCustomer(customerId));
    const customer = parsePayload(CustomerPayload, fetched, 'customer');
    if (customer.deleted) return null;
    accountId = accountIdHint(metadataAccountId(customer.metadata));
    email = customer.email;
    created = ctx.stamp.created;
  }
  if (!accountId) return null;
  ctx.tx.set(ref, {
    customerId,
    accountId,
    email,
    deleted: false,
    livemode,
    version: { created, eventId: ctx.stamp.eventId, source: 'fetch', revision: 1 },
    updatedAt: ctx.now,
  });
  return accountId;
}
